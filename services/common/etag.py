"""Entity tags on single resources and the `If-Match` precondition on updates."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from fastapi import Request, Response
from pydantic import BaseModel

from services.common.errors import PreconditionFailed, PreconditionRequired


def etag_of(payload: bytes) -> str:
    """Return a strong entity tag for a serialized representation."""
    return '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'


def version_etag(entity: str, key: str | int, version: int) -> str:
    """Return a strong entity tag for a versioned record."""
    return etag_of(f"{entity}:{key}:{version}".encode())


def serialize(payload: BaseModel | Any) -> bytes:
    """Serialize a response model, or plain data holding models, the way the API sends it."""
    return orjson.dumps(payload, default=_json_of)


def _json_of(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_with_etag(
    request: Request, payload: BaseModel | Any, *, etag: str | None = None
) -> Response:
    """Answer with the payload and its ETag, or 304 when the client's copy is current."""
    body = serialize(payload)
    return serialized_with_etag(request, body, etag or etag_of(body))


def serialized_with_etag(
    request: Request, body: bytes, etag: str, *, cache_control: str | None = None
) -> Response:
    """Answer with an already serialized JSON document, or 304 when the client's copy is current
    (`cache_control`: how long others may keep it; by default, revalidated before each use)."""
    headers = {"ETag": etag}
    if cache_control is not None:
        headers["Cache-Control"] = cache_control
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type="application/json", headers=headers)


def require_if_match(request: Request, current_etag: str) -> None:
    """Refuse an update without a specific `If-Match` (428) or with a stale one (412).

    `If-Match: *` means "whatever is there now", which would let every concurrent writer win
    and lose all but the last one's change: an update must name the version it was made from.
    """
    header = request.headers.get("if-match")
    if header is None:
        raise PreconditionRequired(
            "This update needs an If-Match header carrying the ETag you last read.",
            extra={"current_etag": current_etag},
        )
    if "*" in _candidates(header):
        raise PreconditionRequired(
            "If-Match: * would overwrite whatever is there now, including a change you have "
            "not seen; send the ETag you last read instead.",
            extra={"current_etag": current_etag},
        )
    if not _matches(header, current_etag, weak_ok=False):
        raise PreconditionFailed(
            "The resource changed since you read it; read it again and reapply your change.",
            extra={"current_etag": current_etag},
        )


def _candidates(header: str) -> list[str]:
    return [part.strip() for part in header.split(",")]


def weak_match(header: str | None, tag: str) -> bool:
    """Whether `If-None-Match` names `tag`, strong or weak (RFC 9110's weak comparison)."""
    return _matches(header, tag.removeprefix("W/"))


def _matches(header: str | None, tag: str, *, weak_ok: bool = True) -> bool:
    if not header:
        return False
    candidates = _candidates(header)
    if "*" in candidates:
        return True
    if weak_ok:
        candidates = [candidate.removeprefix("W/") for candidate in candidates]
    return tag in candidates
