"""Request ids, JSON logs, health and readiness probes, Prometheus metrics."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Request
from prometheus_client import CollectorRegistry
from prometheus_fastapi_instrumentator import Instrumentator
from pydantic import BaseModel, Field
from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.errors import DomainError, problem_response
from services.common.metrics import register_process_metrics

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,128}$")
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
access_logger = logging.getLogger("cartagena.access")


def current_request_id() -> str | None:
    """Return the id of the request being served, if any."""
    return request_id_var.get()


class RequestIdMiddleware:
    """Adopt a caller's `X-Request-ID` (or make one), echo it, and log one line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate = str(value.decode("latin-1"))
            return candidate if _VALID_REQUEST_ID.match(candidate) else None
    return None


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


def configure_logging(*, level: str = "INFO", json: bool = True, service: str) -> None:
    """Send every log record to stderr, as one JSON object per line carrying the request id."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RequestIdFilter())
    if json:
        handler.setFormatter(
            JsonFormatter(
                "{asctime}{levelname}{name}{message}",
                style="{",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                static_fields={"service": service},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Our middleware writes the access log; uvicorn's would repeat it without the request id.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


ReadinessCheck = Callable[[Request], None]


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "degraded"] = Field(
        description="ready; degraded when a service this one can live without does not answer"
    )
    checks: dict[str, str] = Field(description="What must answer, each `ok` or why not")
    dependencies: dict[str, str] | None = Field(
        default=None, description="Other services this one uses, each `ok` or why not"
    )


def health_router(
    checks: dict[str, ReadinessCheck], dependencies: dict[str, ReadinessCheck] | None = None
) -> APIRouter:
    """Return `/healthz` (the process answers) and `/readyz` (what it needs answers).

    `checks` must pass for the service to be ready; `dependencies` (other services it can live
    without for a while) are reported, and make the status "degraded", but never a 503: taking
    this service out of rotation because another one is down would only spread the outage.
    """
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", response_model=Health, summary="Liveness: the process answers")
    def read_health() -> dict[str, str]:
        """Answer without touching any dependency."""
        return {"status": "ok"}

    @router.get(
        "/readyz",
        response_model=Readiness,
        response_model_exclude_none=True,
        summary="Readiness: the database and required dependencies answer",
        responses={503: {"description": "A required dependency is unavailable"}},
    )
    def read_readiness(request: Request) -> Any:
        """Run each readiness check; 503 when one fails."""
        results = {name: _run_check(check, request) for name, check in checks.items()}
        reported = {
            name: _run_check(check, request) for name, check in (dependencies or {}).items()
        }
        if all(result == "ok" for result in results.values()):
            degraded = any(result != "ok" for result in reported.values())
            return {
                "status": "degraded" if degraded else "ready",
                "checks": results,
                **({"dependencies": reported} if dependencies else {}),
            }
        failing = ", ".join(name for name, result in results.items() if result != "ok")
        return problem_response(
            status=503,
            title="Service unavailable",
            detail=f"Not ready: {failing} unavailable.",
            slug="service-unavailable",
            extra={"checks": results},
        )

    return router


def _run_check(check: ReadinessCheck, request: Request) -> str:
    try:
        check(request)
    except DomainError as exc:  # worded for people: say what is wrong
        return f"unavailable: {exc.detail}"
    except Exception as exc:  # a probe reports any failure; it must never raise
        return f"unavailable ({type(exc).__name__})"
    return "ok"


def instrument(app: FastAPI, *, expose: bool = True) -> CollectorRegistry:
    """Count the app's requests in a registry of its own, exposed at the app's `/metrics`
    unless `expose` is false (then the metrics port serves it: `serve_metrics`)."""
    registry = CollectorRegistry()
    instrumentator = Instrumentator(
        registry=registry,
        excluded_handlers=["/metrics", "/healthz", "/readyz"],
        should_group_status_codes=False,
    ).instrument(app)
    if expose:
        instrumentator.expose(app, include_in_schema=False)
    register_process_metrics(registry)
    app.state.metrics = registry  # where a service adds its own collectors
    return registry
