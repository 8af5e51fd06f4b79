"""Which actions bind which parties: the actions service's catalogue, fetched over HTTP,
kept in memory for a while and in the database for when the actions service is down."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from services.common.db import writer
from services.common.errors import NotFound, ServiceUnavailable
from services.parties.clients import ActionInfo, ActionsClient
from services.parties.models import KnownAction

logger = logging.getLogger(__name__)
RETRY_AFTER_FAILURE_SECONDS = 30.0


class ActionCatalogue:
    """The catalogue as last fetched; refreshed when older than `ttl_seconds`."""

    def __init__(
        self,
        *,
        engine: Engine,
        client: Callable[[], ActionsClient],
        ttl_seconds: float,
        now: Callable[[], datetime],
    ) -> None:
        self._engine = engine
        self._client = client
        self._ttl = ttl_seconds
        self._now = now
        self._actions: dict[int, ActionInfo] = {}
        # Grows whenever the catalogue's content changes, so answers derived from it expire.
        self.generation = 0
        self._fetched_monotonic: float | None = None
        self._next_attempt = 0.0
        self._last_error: str | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Start from the copy kept in the database, then try to fetch a fresh one."""
        with Session(self._engine) as session:
            rows = session.exec(select(KnownAction).order_by(col(KnownAction.number))).all()
        self._actions = {
            row.number: ActionInfo(row.number, row.applies_to, row.section) for row in rows
        }
        self.refresh()

    def refresh(self) -> bool:
        """Fetch the catalogue now; keep the previous copy when the actions service fails."""
        try:
            with self._client() as client:
                fetched = client.fetch_catalogue()
        except ServiceUnavailable as exc:
            # While the actions service is down, requests must not each wait for it.
            self._next_attempt = time.monotonic() + RETRY_AFTER_FAILURE_SECONDS
            self._last_error = exc.detail
            logger.warning("actions catalogue not refreshed: %s", exc.detail)
            return False
        self._store(fetched)
        with self._lock:
            actions = {action.number: action for action in fetched}
            if actions != self._actions:
                self.generation += 1
            self._actions = actions
            self._fetched_monotonic = time.monotonic()
            self._last_error = None
        return True

    def actions(self) -> dict[int, ActionInfo]:
        """Return the catalogue, refreshing it when stale; 503 when none was ever fetched."""
        if self._is_stale():
            self.refresh()
        if not self._actions:
            raise ServiceUnavailable(
                "The actions catalogue is not available yet: the actions service cannot be reached."
            )
        return self._actions

    def action(self, number: int) -> ActionInfo:
        """Return one action or raise NotFound."""
        found = self.actions().get(number)
        if found is None:
            raise NotFound(f"There is no action #{number}.")
        return found

    def readiness(self) -> None:
        """Refresh a stale catalogue; raise when it could not be fetched (reported by /readyz)."""
        if self._is_stale():
            self.refresh()
        if self._last_error is not None:
            raise ServiceUnavailable(self._last_error)

    def _is_stale(self) -> bool:
        now = time.monotonic()
        if now < self._next_attempt:
            return False
        return self._fetched_monotonic is None or now - self._fetched_monotonic > self._ttl

    def _store(self, fetched: list[ActionInfo]) -> None:
        fetched_at = self._now()
        with Session(writer(self._engine)) as session:
            session.exec(delete(KnownAction))
            for action in fetched:
                session.add(
                    KnownAction(
                        number=action.number,
                        applies_to=action.applies_to,
                        section=action.section,
                        fetched_at=fetched_at,
                    )
                )
            session.commit()
