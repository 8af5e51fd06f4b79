"""Request limits and response headers applied before any route: body size, security headers
(admission under load: `services.common.admission`).

Starlette's own RequestBodyLimitMiddleware (FastAPI's `max_body_size`) answers a declared
oversized body with a plain-text 413 that no exception handler can reshape; this one answers
every 413 as problem+json, like every other error of the services.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.errors import PROBLEM_MEDIA_TYPE, DomainError, PayloadTooLarge, problem_type


class BodySizeLimitMiddleware:
    """Answer 413 to any request whose body exceeds `max_bytes`, declared or streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._reject(scope, send)
            return
        # A chunked body has no declared length: read it here, within the limit, then replay it.
        body = await self._read_body(receive)
        if body is None:
            await self._reject(scope, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_body(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _reject(self, scope: Scope, send: Send) -> None:
        detail = f"The request body exceeds the limit of {self.max_bytes} bytes."
        await send_problem(send, scope, PayloadTooLarge, detail, [(b"connection", b"close")])


SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
# Public data with its ETag: a browser or proxy may keep it, and must revalidate before each use.
REVALIDATE = b"no-cache"
# Anything else: an error, an answer without a tag, anything asked for with a key.
DO_NOT_STORE = b"no-store"


def cache_control(*, method: str, status: int, headers: set[bytes]) -> bytes:
    """The caching an answer to a request without a key allows, when its route set none
    (README, "Caching")."""
    if method not in ("GET", "HEAD") or status not in (200, 304):
        return DO_NOT_STORE
    return REVALIDATE if b"etag" in headers else DO_NOT_STORE


class SecurityHeadersMiddleware:
    """Add the security and caching headers every API response carries.

    A route may set its own `Cache-Control` (the actions catalogue, the calendar feeds: public
    data that changes only with the seed); otherwise `cache_control` decides. An answer to a
    request that carried a key is never stored and varies with the key.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        keyed = any(name == b"authorization" for name, _ in scope["headers"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [
                    (name, value) for name, value in SECURITY_HEADERS if name not in present
                ]
                if keyed:
                    headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
                    headers += [(b"cache-control", DO_NOT_STORE), (b"vary", b"Authorization")]
                elif b"cache-control" not in present:
                    policy = cache_control(
                        method=scope["method"], status=message["status"], headers=present
                    )
                    headers.append((b"cache-control", policy))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def send_problem(
    send: Send,
    scope: Scope,
    error: type[DomainError],
    detail: str,
    extra_headers: list[tuple[bytes, bytes]],
) -> None:
    body = orjson.dumps(
        {
            "type": problem_type(error.slug),
            "title": error.title,
            "status": error.status,
            "detail": detail,
            "instance": scope["path"],
        }
    )
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        *extra_headers,
    ]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        # After the body, pass through so the app still sees a client disconnect.
        return await receive()

    return replay


class HeadMiddleware:
    """Answer HEAD wherever GET is answered: the GET's status and headers, without the body.

    FastAPI routes a GET route for GET only (Starlette would add HEAD; FastAPI does not), so a
    HEAD, which caches and link checkers send, would be a 405.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
