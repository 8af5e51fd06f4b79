"""What an operator scrapes beside the HTTP families: the process, Python, and the refusals and
caches every service has. Each app's `/metrics` has a registry of its own (`instrument`); these
counters count for the whole process and are registered in each registry that asks for them."""

from __future__ import annotations

import functools
import threading
from typing import Any

import uvicorn
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    generate_latest,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

RATE_LIMIT_REFUSALS = Counter(
    "cm_rate_limit_refusals",
    "Requests refused 429 by a rate limit, by limit (key, failed-auth, plan-now)",
    ["limit"],
    registry=None,
)
OVERLOAD_REFUSALS = Counter(
    "cm_overload_refusals",
    "Requests refused 503 at capacity, by reason (in-flight, queue-delay, replays)",
    ["reason"],
    registry=None,
)
CACHE_LOOKUPS = Counter(
    "cm_cache_lookups",
    "Answers looked up in a cache of prepared answers, by cache and result (hit, miss)",
    ["cache", "result"],
    registry=None,
)


def register_process_metrics(registry: CollectorRegistry) -> None:
    """Add the process (RSS, CPU, open files), Python (version, GC) and shared counters."""
    for collector in (
        PROCESS_COLLECTOR,
        PLATFORM_COLLECTOR,
        GC_COLLECTOR,
        RATE_LIMIT_REFUSALS,
        OVERLOAD_REFUSALS,
        CACHE_LOOKUPS,
    ):
        registry.register(collector)


def cache_lookup(cache: str, *, hit: bool) -> None:
    """Count one lookup in a cache of prepared answers (on the read path: the labelled counter
    is found once per cache and result, not on every lookup)."""
    _lookups(cache, hit).inc()


@functools.cache
def _lookups(cache: str, hit: bool) -> Any:
    return CACHE_LOOKUPS.labels(cache=cache, result="hit" if hit else "miss")


def metrics_app(registry: CollectorRegistry, extra: list[Route] | None = None) -> Starlette:
    """An ASGI app answering `/metrics` from `registry` (and any `extra` routes)."""

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return Starlette(routes=[Route("/metrics", metrics), *(extra or [])])


def serve_in_background(app: Starlette, *, host: str, port: int) -> uvicorn.Server:
    """Serve `app` on a daemon thread (a port of its own: the scrape, never the public API);
    `server.should_exit = True` stops it. uvicorn installs no signal handlers off the main
    thread, so SIGTERM stays the process's own."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, name="metrics-http", daemon=True).start()
    return server
