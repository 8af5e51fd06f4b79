"""Which actions bind which parties: the actions service's catalogue, fetched over HTTP in the
background, kept in memory, and in the database for the next start.

Requests only ever read the copy in memory: a stale one while a refresh runs, the last good one
when the actions service is down or answers something else than a catalogue. None of them waits
for the network, least of all inside a write transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from services.common.db import write_session
from services.common.errors import NotFound, ServiceUnavailable
from services.common.remote import Copy, RemoteCopy
from services.parties.actions_client import ActionInfo, ActionsClient
from services.parties.models import KnownAction

Catalogue = dict[int, ActionInfo]
KEPT = "kept in the database, fetched"


class ActionCatalogue:
    """The catalogue as last fetched, refreshed every `ttl_seconds`."""

    def __init__(
        self, *, engine: Engine, client: Callable[[], ActionsClient], ttl_seconds: float
    ) -> None:
        self._engine = engine
        self._client = client
        self._copy: RemoteCopy[Catalogue] = RemoteCopy(
            name="actions catalogue",
            fetch=self._fetch,
            ttl_seconds=ttl_seconds,
            check=_emptiness,
            keep=self._store,
        )

    @property
    def generation(self) -> int:
        """Grows whenever the catalogue's content changes, so answers derived from it expire."""
        return self._copy.generation

    def start(self) -> None:
        """Start from the copy kept in the database, then keep it fresh in the background (the
        first fetch at once, here, when there is no copy to serve meanwhile)."""
        kept = self._kept()
        if kept is not None:
            self._copy.restore(kept)
        self._copy.start(refresh_first=kept is None)

    def stop(self) -> None:
        """Stop refreshing."""
        self._copy.stop()

    def refresh(self) -> bool:
        """Fetch the catalogue now (outside any request); keep the copy there is on failure."""
        return self._copy.refresh()

    def actions(self) -> Catalogue:
        """Return the catalogue as it stands; 503 when none was ever fetched."""
        copy = self._copy.copy
        if copy is None:
            raise ServiceUnavailable(
                "The actions catalogue is not available yet: the actions service cannot be reached."
            )
        return copy.value

    def action(self, number: int) -> ActionInfo:
        """Return one action or raise NotFound."""
        found = self.actions().get(number)
        if found is None:
            raise NotFound(f"There is no action #{number}.")
        return found

    def readiness(self) -> None:
        """Raise when the last refresh failed, saying which catalogue is served (for /readyz)."""
        self._copy.readiness()

    def _fetch(self) -> Catalogue:
        with self._client() as client:
            return {action.number: action for action in client.fetch_catalogue()}

    def _kept(self) -> Copy[Catalogue] | None:
        with Session(self._engine) as session:
            rows = session.exec(select(KnownAction).order_by(col(KnownAction.number))).all()
        if not rows:
            return None
        actions = {row.number: ActionInfo(row.number, row.applies_to, row.section) for row in rows}
        return Copy(actions, min(row.fetched_at for row in rows), KEPT)

    def _store(self, fetched: Copy[Catalogue]) -> None:
        with write_session(self._engine) as session:
            session.exec(delete(KnownAction))
            session.add_all(
                KnownAction(
                    number=action.number,
                    applies_to=action.applies_to,
                    section=action.section,
                    fetched_at=fetched.fetched_at,
                )
                for action in fetched.value.values()
            )


def _emptiness(catalogue: Catalogue) -> str | None:
    # An actions service with no plan seeded answers an empty list: that is not a catalogue.
    return "the actions service answered an empty catalogue" if not catalogue else None
