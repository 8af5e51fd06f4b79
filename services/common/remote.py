"""Copies of what another service serves, kept fresh in the background.

A service that needs another's data to answer (which actions bind whom, which states exist)
keeps a copy in memory and refreshes it on a thread of its own. Requests read the copy as it is,
stale while a refresh runs, and never wait for the network; a refresh that fails (the other
service down, slow, or answering something that is not the document expected) keeps the last
good copy and says why, for `/readyz`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from services.common.errors import DomainError, ServiceUnavailable

logger = logging.getLogger(__name__)
T = TypeVar("T")
# After a failed refresh: try again soon, then less and less often, up to the TTL.
FIRST_RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class Copy(Generic[T]):
    """A value as fetched, and when and where it came from."""

    value: T
    fetched_at: datetime
    # "fetched", or how a copy kept by an earlier run came back ("kept in the database, fetched")
    origin: str


class RemoteCopy(Generic[T]):
    """The latest good copy of a remote document, refreshed every `ttl_seconds` on a thread."""

    def __init__(
        self,
        *,
        name: str,
        fetch: Callable[[], T],
        ttl_seconds: float,
        check: Callable[[T], str | None] = lambda _value: None,
        keep: Callable[[Copy[T]], None] | None = None,
    ) -> None:
        self.name = name
        self._fetch = fetch
        self._ttl = ttl_seconds
        self._check = check  # says what is wrong with a fetched value that must not be used
        self._keep = keep  # stores a good copy, for the next start
        self._copy: Copy[T] | None = None
        self._last_error: str | None = None
        # Grows whenever the copy's content changes, so answers derived from it can expire.
        self.generation = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def copy(self) -> Copy[T] | None:
        """The copy as it stands (None until one is fetched or restored); never waits."""
        return self._copy

    def restore(self, kept: Copy[T]) -> None:
        """Start from a copy kept by an earlier run (until a fetch succeeds)."""
        if self._copy is None:
            self._copy = kept
            self.generation += 1

    def refresh(self) -> bool:
        """Fetch now; on any failure keep the copy there is and remember why."""
        try:
            value = self._fetch()
            problem = self._check(value)
        except DomainError as exc:
            return self._failed(exc.detail)
        except Exception as exc:  # a refresh must never take the service down with it
            logger.exception("%s not refreshed", self.name)
            return self._failed(f"{type(exc).__name__} while fetching")
        if problem is not None:
            return self._failed(problem)
        fresh = Copy(value, datetime.now(UTC), "fetched")
        if self._copy is None or self._copy.value != value:
            self.generation += 1
        self._copy, self._last_error = fresh, None
        if self._keep is not None:
            try:
                self._keep(fresh)
            except Exception:  # the copy in memory is good; storing it can wait for next time
                logger.exception("%s fetched but not stored", self.name)
        return True

    def _failed(self, reason: str) -> bool:
        self._last_error = reason
        logger.warning("%s not refreshed: %s", self.name, reason)
        return False

    def start(self, *, refresh_first: bool) -> None:
        """Refresh every TTL on a daemon thread; `refresh_first` refreshes at once, here."""
        if refresh_first:
            self.refresh()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"refresh {self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End the refreshing thread (it finishes the refresh it is in, if any)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        # A copy restored from an earlier run, or none: fetch at once; a fresh one: in a TTL.
        fresh = self._copy is not None and self._copy.origin == "fetched" and not self._last_error
        delay = self._ttl if fresh else 0.0
        retry = FIRST_RETRY_SECONDS
        while not self._stop.wait(delay):
            if self.refresh():
                delay, retry = self._ttl, FIRST_RETRY_SECONDS
            else:
                delay, retry = retry, min(retry * 2, self._ttl)

    def readiness(self) -> None:
        """Raise ServiceUnavailable saying what is served, unless the copy is freshly fetched."""
        copy = self._copy
        if copy is None:
            raise ServiceUnavailable(f"no {self.name} yet: {self._last_error or 'not fetched yet'}")
        if self._last_error is None and copy.origin == "fetched":
            return
        reason = self._last_error or "not fetched yet since the service started"
        raise ServiceUnavailable(
            f"{reason}; serving the {self.name} {copy.origin} at "
            f"{copy.fetched_at.isoformat(timespec='seconds')}"
        )
