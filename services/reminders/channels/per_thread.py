"""One sending resource (an SMTP session, an HTTP client) per sending thread, closed together."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar


class _Closable(Protocol):
    closed: bool

    def close(self) -> None: ...


Closable = TypeVar("Closable", bound=_Closable)


class PerThread(Generic[Closable]):
    """One `Closable` per sending thread, all closed together at the end of a run.

    A connection is not safe to share between threads, and opening one per send costs more than
    the send itself: each thread keeps its own across the sends of a run.
    """

    def __init__(self, factory: Callable[[], Closable]) -> None:
        self._factory = factory
        self._local = threading.local()
        self._lock = threading.Lock()
        self._made: list[Closable] = []

    def get(self) -> Closable:
        """This thread's one, made anew if it has none or its last was closed."""
        found: Closable | None = getattr(self._local, "value", None)
        if found is None or found.closed:
            found = self._factory()
            self._local.value = found
            with self._lock:
                self._made.append(found)
        return found

    def close_all(self) -> None:
        """Close every one made so far."""
        with self._lock:
            made, self._made = self._made, []
        for closable in made:
            closable.close()
