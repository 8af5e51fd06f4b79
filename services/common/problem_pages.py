"""The pages a problem's `type` resolves to: `GET /problems/{slug}` says what the problem means and
what to do about it (the same words as docs/problems.md, which a test keeps in step)."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse

from services.common.errors import NotFound

# slug: (status, title, when it is answered, what to do)
PROBLEMS: dict[str, tuple[int, str, str, str]] = {
    "bad-request": (
        400, "Bad request", "The body could not be read at all (it is not UTF-8, say).",
        "Send the body as UTF-8 JSON (or UTF-8 CSV where the route takes CSV).",
    ),
    "unauthorized": (
        401, "Authentication required",
        "A write without a key, or a request with an unknown, revoked or malformed key.",
        "Send `Authorization: Bearer <key>` with a valid key; ask the ISU for a new one.",
    ),
    "forbidden": (
        403, "Forbidden",
        "The key's role may not do this, or a state's key touches another state's data.",
        "Use a key of the right role; a State Party writes only its own records.",
    ),
    "not-found": (
        404, "Not found", "No such route or record.", "Check the path and the identifiers in it.",
    ),
    "method-not-allowed": (
        405, "Method not allowed", "The route exists, but not for this method.",
        "Use one of the methods the `Allow` header lists.",
    ),
    "conflict": (
        409, "Conflict",
        "The request conflicts with recorded data, or a request with the same Idempotency-Key "
        "is still being processed. Nothing was changed.",
        "Read the record again; `detail` says what conflicts.",
    ),
    "gone": (
        410, "Gone", "The record was deleted (a contact point, a committee member).",
        "An administrator can restore it.",
    ),
    "precondition-failed": (
        412, "Precondition failed",
        "`If-Match` names an ETag that is no longer current: another write came first.",
        "Read the record again (its new ETag is in `current_etag`), reapply the change, retry.",
    ),
    "payload-too-large": (
        413, "Payload too large", "The body exceeds the service's size limit (1 MiB).",
        "Send less at once.",
    ),
    "validation-error": (
        422, "Unprocessable content",
        "Invalid input: malformed JSON, wrong types, unknown fields or query parameters, days "
        "not written YYYY-MM-DD, values out of range, control characters.",
        "Correct each error listed in `errors` (where: `loc`, what: `msg`) and send again.",
    ),
    "precondition-required": (
        428, "Precondition required",
        "An update without `If-Match`, or with `If-Match: *`, which would let concurrent "
        "writers overwrite each other unseen.",
        "Read the record, send its ETag in `If-Match` (`current_etag` names it).",
    ),
    "too-many-requests": (
        429, "Too many requests",
        "A rate limit was reached: this key's requests, or bad keys from this address.",
        "Wait the seconds `Retry-After` gives, then retry.",
    ),
    "upstream-error": (
        502, "Upstream service error", "Another service of the Monitor answered with an error.",
        "Retry later; if it lasts, tell the operators the `X-Request-ID`.",
    ),
    "service-unavailable": (
        503, "Service unavailable",
        "The database or another service cannot be reached now, or the service is at capacity.",
        "Wait the seconds `Retry-After` gives, then retry.",
    ),
    "http-error": (
        400, "HTTP error", "An HTTP error of a kind not listed here; `status` says which.",
        "Read `detail`; it says what the server could not do with the request.",
    ),
    "internal-error": (
        500, "Internal error", "A fault of the service.",
        "Tell the operators the response's `X-Request-ID`: the details are in their log.",
    ),
}  # fmt: skip

Slug = Annotated[str, Path(pattern=r"^[a-z-]{1,40}$", description="The kind of problem")]


def problems_router() -> APIRouter:
    """`GET /problems/{slug}`: the page a problem's `type` URI names."""
    router = APIRouter(tags=["operations"])

    @router.get(
        "/problems/{slug}",
        response_class=HTMLResponse,
        responses={404: {"description": "No such kind of problem"}},
    )
    async def read_problem_type(slug: Slug) -> HTMLResponse:
        """What a kind of problem means, and what to do about it."""
        if slug not in PROBLEMS:
            raise NotFound(f"There is no problem type {slug!r}.")
        return HTMLResponse(_page(slug, *PROBLEMS[slug]))

    return router


def _page(slug: str, status: int, title: str, when: str, remedy: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)} ({status})</title></head><body>"
        f"<h1>{escape(title)}</h1><p>HTTP status {status}; problem type "
        f"<code>/problems/{escape(slug)}</code>.</p>"
        f"<h2>When</h2><p>{escape(when)}</p><h2>What to do</h2><p>{escape(remedy)}</p>"
        "</body></html>"
    )
