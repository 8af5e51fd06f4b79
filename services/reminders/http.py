"""What every routes module of the reminders service shares: the declared error responses,
the path parameters, and the context a write needs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request

from services.reminders.service import Context

Responses = dict[int | str, dict[str, Any]]
READ: Responses = {404: {"description": "No such event, rule or recipient (problem+json)"}}
PRIVATE: Responses = {
    **READ,
    401: {"description": "No valid API key"},
    403: {"description": "This key may not read this"},
}
WRITE: Responses = {
    **PRIVATE,
    403: {"description": "This key may not change this"},
    409: {"description": "Conflicts with recorded data"},
    412: {"description": "If-Match names a stale ETag"},
    428: {"description": "If-Match is required"},
}

GONE: Responses = {410: {"description": "Deleted; an admin can restore it (problem+json)"}}

Iso3 = Annotated[str, Path(pattern=r"^[A-Za-z]{3}$", description="ISO 3166 alpha-3 code, e.g. NIC")]
Id = Annotated[int, Path(ge=1, le=2**62)]
Kind = Annotated[str, Path(max_length=32, description="A kind of event, e.g. deadline")]
StateFilter = Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$", description="ISO-3 code")]


def context(request: Request) -> Context:
    """What every write needs from the app: the time, the send hour, the state directory."""
    settings = request.app.state.settings
    return Context(
        now=request.app.state.clock.now(),
        send_hour=settings.send_hour_utc,
        production=settings.environment == "production",
        states=request.app.state.states,
    )


ContextDep = Annotated[Context, Depends(context)]
