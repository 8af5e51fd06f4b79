"""Replays of the records to a past day: immutable, so cached; costly, so bounded.

History is append-only and every change is dated when it is made, so what the records showed at
the end of a day before today never changes: its answers are kept (in memory, up to a bound, the
least recently read dropped first) and served with their strong ETag, so repeated `as_of` reads
cost what current reads cost. The current view notices a change dated in the past (a seed run
against a live database, a migration) and moves the history's epoch on, which empties this
cache. A replay that must be computed runs on a few threads of its own, and only a few may wait
for them: past that, a request is refused at once (503, `Retry-After`), not queued.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable

import anyio

from services.common.errors import ServiceUnavailable
from services.common.etag import etag_of, serialize
from services.common.metrics import OVERLOAD_REFUSALS, cache_lookup

Document = tuple[bytes, str]  # a serialized answer and its ETag


class Replays:
    """Computed replays, cached by key when they are of a past day, computed a few at a time."""

    def __init__(self, *, max_running: int, max_waiting: int, max_bytes: int) -> None:
        self._limiter = anyio.CapacityLimiter(max_running)
        self._max_waiting = max_waiting
        self._max_bytes = max_bytes
        self._cache: OrderedDict[Hashable, Document] = OrderedDict()
        self._bytes = 0
        # Replays being computed, by key: a second request for one waits for the first.
        self._pending: dict[Hashable, asyncio.Future[Document]] = {}

    async def document(self, key: Hashable | None, build: Callable[[], object]) -> Document:
        """Return the answer `build` makes (off the event loop); cached when `key` is given."""
        if key is None:
            return await self._compute(build)
        found = self._cache.get(key)
        cache_lookup("replays", hit=found is not None)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Document] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            document = await self._compute(build)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here: the waiters, if any, get it too
            raise
        finally:
            del self._pending[key]
        future.set_result(document)
        self._keep(key, document)
        return document

    async def _compute(self, build: Callable[[], object]) -> Document:
        if self._limiter.statistics().tasks_waiting >= self._max_waiting:
            OVERLOAD_REFUSALS.labels(reason="replays-waiting").inc()
            raise ServiceUnavailable(
                "Too many replays of past days are being computed; try again in a moment.",
                headers={"Retry-After": "1"},
            )
        body = await anyio.to_thread.run_sync(lambda: serialize(build()), limiter=self._limiter)
        return body, etag_of(body)

    def _keep(self, key: Hashable, document: Document) -> None:
        size = len(document[0])
        if size > self._max_bytes:
            return
        self._cache[key] = document
        self._bytes += size
        while self._bytes > self._max_bytes:
            _, dropped = self._cache.popitem(last=False)
            self._bytes -= len(dropped[0])
