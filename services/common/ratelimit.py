"""Request rate limits per API key, answered as 429 problem+json with `Retry-After`.

Counters live in the process (the `limits` library's moving window in memory): each replica
limits on its own, so N replicas admit up to N times the rate — the limits are there to stop a
runaway script or a key-guessing client, not to meter usage.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from services.common.errors import TooManyRequests
from services.common.metrics import RATE_LIMIT_REFUSALS


@dataclass
class RateLimiter:
    """Count requests per identity in a moving window; refuse with 429 once the window is full.

    `per_key` limits every request made with one API key; `failed_auth` limits the requests with
    an unknown or revoked key from one client address, far lower, so guessing keys is slow. A
    limit of N admits exactly N requests in its window; the next is refused.
    """

    per_key: str
    failed_auth: str
    _limiter: MovingWindowRateLimiter = field(
        default_factory=lambda: MovingWindowRateLimiter(MemoryStorage())
    )

    def charge(self, limit: str, *identity: str) -> None:
        """Count one request against `limit` (e.g. "600/minute"); 429 if it is exhausted."""
        item = _parsed(limit)
        if not self._limiter.hit(item, *identity):
            raise self._refusal(item, identity)

    def _refusal(self, item: RateLimitItem, identity: tuple[str, ...]) -> TooManyRequests:
        RATE_LIMIT_REFUSALS.labels(limit=identity[0] if identity else "unnamed").inc()
        reset_at = self._limiter.get_window_stats(item, *identity).reset_time
        retry_after = max(1, math.ceil(reset_at - time.time()))
        return TooManyRequests(
            f"Too many requests: the limit is {item}. Try again in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )


@functools.lru_cache(maxsize=64)
def _parsed(limit: str) -> RateLimitItem:
    # Parsing costs more than the count it guards, and the settings name only a few limits.
    return parse(limit)


def valid_limit(text: str) -> str:
    """Return `text` if it reads as a rate limit such as "600/minute", else raise ValueError."""
    parse(text)
    return text
