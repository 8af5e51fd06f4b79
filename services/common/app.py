"""The FastAPI app factory every service builds on: errors, limits, auth, health, metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline
from sqlalchemy import Table

from services.common.admission import AdmissionMiddleware, QueueDelay
from services.common.auth import key_router, optional_principal
from services.common.clock import Clock
from services.common.db import POOL_CAPACITY, SESSION_END_THREADS, create_engine, ping
from services.common.errors import install_problem_handlers
from services.common.keys.store import KeyStore
from services.common.limits import (
    BodySizeLimitMiddleware,
    HeadMiddleware,
    SecurityHeadersMiddleware,
)
from services.common.metrics import metrics_app, serve_in_background
from services.common.observability import (
    ReadinessCheck,
    RequestIdMiddleware,
    health_router,
    instrument,
)
from services.common.openapi import complete_openapi, operation_id
from services.common.problem_pages import problems_router
from services.common.query import reject_unknown_query_parameters
from services.common.ratelimit import RateLimiter
from services.common.settings import ServiceSettings

StartupHook = Callable[[FastAPI], None]


class UnfitForProduction(RuntimeError):
    """The settings would run a production service unsafely; nothing starts."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Refusing to start in production: " + "; ".join(problems))
        self.problems = problems


# Every route may answer these; declaring them keeps the OpenAPI document honest.
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "An unknown, revoked or malformed API key (problem+json)"},
    413: {"description": "Request body too large (problem+json)"},
    422: {"description": "Invalid request (problem+json with `errors`)"},
    429: {"description": "Too many requests; `Retry-After` says when to retry (problem+json)"},
    503: {"description": "At capacity, or the database is unreachable; retry (problem+json)"},
}


def _ping_database(request: Request) -> None:
    ping(request.app.state.engine)


def _ping_keys(request: Request) -> None:
    ping(request.app.state.keys_engine)


def create_service_app(
    *,
    settings: ServiceSettings,
    title: str,
    description: str,
    version: str,
    routers: list[APIRouter],
    idempotency_keys: Table | None = None,
    on_startup: StartupHook | None = None,
    on_shutdown: StartupHook | None = None,
    readiness: dict[str, ReadinessCheck] | None = None,
    dependencies: dict[str, ReadinessCheck] | None = None,
) -> FastAPI:
    """Build a service app whose engines open in the lifespan, from the settings given."""
    problems = settings.production_problems()
    if problems:
        raise UnfitForProduction(problems)

    queue_delay = QueueDelay()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.clock = Clock(settings.clock_today)
        app.state.engine = create_engine(settings.database_url)
        app.state.keys_engine = create_engine(settings.keys_database_url)
        app.state.authenticator = KeyStore(app.state.keys_engine, app.state.clock)
        app.state.session_limiter = anyio.CapacityLimiter(SESSION_END_THREADS)
        app.state.write_turn = anyio.Lock()  # SQLite's writing requests, one at a time
        app.state.session_slots = anyio.CapacityLimiter(POOL_CAPACITY)  # one per connection
        scrape = None
        if settings.metrics_port is not None:
            scrape = serve_in_background(
                metrics_app(app.state.metrics), host=settings.host, port=settings.metrics_port
            )
        try:
            if on_startup is not None:
                on_startup(app)
            async with queue_delay.running():
                yield
        finally:
            if scrape is not None:
                scrape.should_exit = True
            if on_shutdown is not None:
                on_shutdown(app)
            app.state.engine.dispose()
            app.state.keys_engine.dispose()

    options: dict[str, Any] = {
        "title": title,
        "description": description,
        "version": version,
        "lifespan": lifespan,
        "responses": COMMON_RESPONSES,
        "contact": {"name": "The operators of this Cartagena Monitor deployment"},
        "generate_unique_id_function": operation_id,
        # A key is checked wherever it is sent: a revoked or unknown one is 401 on a public read
        # too, so a client learns its key is gone before it tries to write with it.
        "dependencies": [Depends(reject_unknown_query_parameters), Depends(optional_principal)],
        # Metrics are Prometheus's (/metrics); FastAPI's OpenTelemetry hooks would only cost time.
        "telemetry": {"tracing": False, "metrics": False, "logs": False},
    }
    if settings.docs_open:
        # /docs and /redoc from Swagger UI's and ReDoc's assets installed with the project
        # (fastapi-offline): FastAPI's own pages load them from a CDN, blank without internet.
        app = FastAPIOffline(docs_url="/docs", redoc_url="/redoc", **options)
    else:
        app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, **options)
    app.state.queue_delay = queue_delay  # how far behind the event loop runs (admission)
    app.state.idempotency_keys = idempotency_keys  # the answers kept for retried POSTs (CreateOnce)
    # Counters in memory, one set per process: see docs/problems.md, "Rate limits".
    app.state.rate_limiter = RateLimiter(
        per_key=settings.rate_limit_per_key, failed_auth=settings.rate_limit_failed_auth
    )
    install_problem_handlers(app)
    app.add_middleware(SecurityHeadersMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Idempotency-Key",
                "If-Match",
                "If-None-Match",
                "X-Request-ID",
            ],
            expose_headers=[
                "ETag",
                "Idempotent-Replayed",
                "Location",
                "Retry-After",
                "X-Request-ID",
            ],
        )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        AdmissionMiddleware,
        max_in_flight=settings.max_concurrent_requests,
        max_queue_delay=settings.max_queue_delay_ms / 1000,
        queue_delay=queue_delay,
    )
    app.add_middleware(HeadMiddleware)
    # Added last so it runs first: even a 413 carries a request id and an access log line.
    app.add_middleware(RequestIdMiddleware)
    complete_openapi(app)
    instrument(app, expose=settings.metrics_port is None)
    checks = {"database": _ping_database, "keys": _ping_keys, **(readiness or {})}
    app.include_router(health_router(checks, dependencies))
    app.include_router(problems_router())
    app.include_router(key_router())
    for router in routers:
        app.include_router(router)
    return app
