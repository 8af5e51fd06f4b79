"""Domain errors that carry their HTTP status, rendered as RFC 9457 problem details."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger(__name__)


class DomainError(Exception):
    """Base of every error a route may raise on purpose; subclasses fix status and title."""

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    slug: ClassVar[str] = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra or {}


class BadRequest(DomainError):
    status, title, slug = 400, "Bad request", "bad-request"


class Unauthorized(DomainError):
    status, title, slug = 401, "Authentication required", "unauthorized"

    def __init__(self, detail: str, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.headers.setdefault("WWW-Authenticate", "Bearer")


class Forbidden(DomainError):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(DomainError):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(DomainError):
    status, title, slug = 409, "Conflict", "conflict"


class Gone(DomainError):
    status, title, slug = 410, "Gone", "gone"


class PreconditionFailed(DomainError):
    status, title, slug = 412, "Precondition failed", "precondition-failed"


class PayloadTooLarge(DomainError):
    status, title, slug = 413, "Payload too large", "payload-too-large"


class Unprocessable(DomainError):
    status, title, slug = 422, "Unprocessable content", "validation-error"


class PreconditionRequired(DomainError):
    status, title, slug = 428, "Precondition required", "precondition-required"


class TooManyRequests(DomainError):
    status, title, slug = 429, "Too many requests", "too-many-requests"


class UpstreamError(DomainError):
    status, title, slug = 502, "Upstream service error", "upstream-error"


class ServiceUnavailable(DomainError):
    status, title, slug = 503, "Service unavailable", "service-unavailable"


def problem_type(slug: str) -> str:
    """Return the `type` URI of a problem kind (documented in docs/problems.md)."""
    return f"/problems/{slug}"


def problem_response(
    *,
    status: int,
    title: str,
    detail: str,
    slug: str,
    instance: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build an `application/problem+json` response."""
    body: dict[str, Any] = {
        "type": problem_type(slug),
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra or {})
    if status == 422:
        # The contract's ValidationProblem: every 422 lists its errors, also one that a rule
        # (not a field's schema) refused, which has no field to point at.
        body.setdefault("errors", [{"loc": [], "msg": detail, "type": "value_error"}])
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return problem_response(
        status=exc.status,
        title=exc.title,
        detail=exc.detail,
        slug=exc.slug,
        instance=request.url.path,
        extra=exc.extra,
        headers=exc.headers,
    )


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_public_error(error) for error in exc.errors()]
    return problem_response(
        status=422,
        title=Unprocessable.title,
        detail=_summarize(errors),
        slug=Unprocessable.slug,
        instance=request.url.path,
        extra={"errors": errors},
    )


def _public_error(error: Any) -> dict[str, Any]:
    # The offending input is left out: it may be huge or carry something secret.
    return {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error["type"]}


def _summarize(errors: list[dict[str, Any]]) -> str:
    if not errors:
        return "The request is invalid."
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"])
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


_HTTP_PROBLEMS = {
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: (PayloadTooLarge.slug, PayloadTooLarge.title),
}


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug, title = _HTTP_PROBLEMS.get(exc.status_code, ("http-error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"There is no resource at {request.url.path}."
    if exc.status_code == 413:
        detail = "The request body exceeds this service's size limit."
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # Starlette names the methods of the first route on the path only; a path with a GET
        # and a PUT route would answer `Allow: GET` to a DELETE.
        headers["Allow"] = allowed_methods(request)
        detail = f"{request.method} is not allowed here; allowed: {headers['Allow']}."
    return problem_response(
        status=exc.status_code,
        title=title,
        detail=detail,
        slug=slug,
        instance=request.url.path,
        headers=headers,
    )


def allowed_methods(request: Request) -> str:
    """The methods some route of the app answers on the request's path (HEAD with GET)."""
    methods: set[str] = set()
    path = request.url.path
    for context in iter_route_contexts(request.app.routes):
        route = context.original_route
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            methods |= getattr(route, "methods", None) or set()
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    logger.warning("database unavailable: %s", type(exc).__name__)
    return problem_response(
        status=503,
        title=ServiceUnavailable.title,
        detail="The database is unavailable; try again shortly.",
        slug=ServiceUnavailable.slug,
        instance=request.url.path,
        headers={"Retry-After": "5"},
    )


def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    logger.info("integrity error: %s", type(getattr(exc, "orig", exc)).__name__)
    return problem_response(
        status=409,
        title=Conflict.title,
        detail="The request conflicts with data already stored; nothing was changed.",
        slug=Conflict.slug,
        instance=request.url.path,
    )


def _stale_data(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        status=412,
        title=PreconditionFailed.title,
        detail="Another update of this record was committed first; read it again and reapply.",
        slug=PreconditionFailed.slug,
        instance=request.url.path,
    )


def _data_error(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        status=422,
        title=Unprocessable.title,
        detail="A value cannot be stored as given (out of range or not representable).",
        slug=Unprocessable.slug,
        instance=request.url.path,
    )


def _dbapi_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    if exc.connection_invalidated:
        return _database_unavailable(request, exc)
    return _internal_error(request, exc)


def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        status=500,
        title="Internal server error",
        detail="An unexpected error occurred; it has been logged.",
        slug="internal-error",
        instance=request.url.path,
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Render every error the app can produce as problem+json, without stack traces."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(StaleDataError, _stale_data)
    app.add_exception_handler(DBAPIError, _dbapi_error)
    app.add_exception_handler(Exception, _internal_error)
