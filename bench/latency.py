"""Single-request latency: the median of sequential requests, after a warm-up."""

from __future__ import annotations

import statistics
import time

import httpx


def median_ms(url: str, *, runs: int, warmup: int = 2) -> float:
    """Return the median time of `runs` sequential GETs of `url`, in milliseconds."""
    with httpx.Client(timeout=120) as client:
        for _ in range(warmup):
            client.get(url).raise_for_status()
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url).raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)
