"""Admission control: past capacity a service refuses at once (503 with `Retry-After`) instead
of queueing, so that what it accepts stays fast and clients know to come back.

Two measures of waiting work decide:

- Requests in progress, reads and writes counted apart. Each may be waiting inside the service
  (for a thread, a database connection, SQLite's write turn, a replay slot); past
  `max_in_flight` of one kind, the next of that kind is refused.
- The event loop's queue delay: how long work that is ready waits before the loop runs it, as a
  probe waking every 10 ms measures it. Requests already read off their connections but not yet
  started wait there, where no count of requests in progress sees them. When the probe woke more
  than `max_queue_delay` late three times in a row, the loop is behind: reads are refused until
  it wakes on time again; one pause of the process (a garbage collection) refuses nothing.
  Writes are not refused for it: they carry a key, are limited per key, and are the work most
  worth keeping.

Health and metrics are never refused: an orchestrator must not restart a service that is busy.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator

from starlette.types import ASGIApp, Receive, Scope, Send

from services.common.errors import ServiceUnavailable
from services.common.limits import send_problem
from services.common.metrics import OVERLOAD_REFUSALS

UNLIMITED_PATHS = frozenset({"/healthz", "/metrics"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PROBE_SECONDS = 0.01
BEHIND_AFTER = 3  # late wakes in a row


class QueueDelay:
    """How far behind the event loop runs, measured by a probe task (`running`)."""

    def __init__(self) -> None:
        self._samples: deque[tuple[float, float]] = deque(maxlen=BEHIND_AFTER)  # (woke, late)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Run the probe for the block (the app's lifespan)."""
        task = asyncio.create_task(self._probe())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _probe(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + PROBE_SECONDS
            await asyncio.sleep(PROBE_SECONDS)
            woke = loop.time()
            self._samples.append((woke, woke - due))

    def behind(self, threshold: float) -> bool:
        """Whether the loop ran the probe more than `threshold` late at each of its last wakes.

        One late wake is a pause (a garbage collection, a burst); several in a row are a queue
        the loop does not get through.
        """
        if len(self._samples) < BEHIND_AFTER:
            return False
        latest = list(self._samples)[-BEHIND_AFTER:]
        return min(late for _, late in latest) > threshold


class AdmissionMiddleware:
    """Refuse a request at once when its kind is at capacity or the loop is behind (reads)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_in_flight: int,
        max_queue_delay: float,
        queue_delay: QueueDelay,
    ) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.max_queue_delay = max_queue_delay
        self.queue_delay = queue_delay
        # One event loop per process: plain counters need no lock.
        self.in_flight = {"read": 0, "write": 0}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNLIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        kind = "read" if scope["method"] in READ_METHODS else "write"
        refusal = self._refusal(kind)
        if refusal is not None:
            await send_problem(send, scope, ServiceUnavailable, refusal, [(b"retry-after", b"1")])
            return
        self.in_flight[kind] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight[kind] -= 1

    def _refusal(self, kind: str) -> str | None:
        if self.in_flight[kind] >= self.max_in_flight:
            OVERLOAD_REFUSALS.labels(reason=f"{kind}s-in-flight").inc()
            return "The service is at capacity right now; try again in a moment."
        if kind == "read" and self.queue_delay.behind(self.max_queue_delay):
            OVERLOAD_REFUSALS.labels(reason="queue-delay").inc()
            return "The service is behind on its work right now; try again in a moment."
        return None
