"""What every routes module of the reminders service shares: the declared error responses,
the path parameters, and the context a write needs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request

from services.common.routes import AUTHENTICATED, PRECONDITIONS, Responses, not_found
from services.reminders.service import Context

READ: Responses = not_found("No such event, rule or recipient")
PRIVATE: Responses = {**READ, **AUTHENTICATED}
WRITE: Responses = {**PRIVATE, **PRECONDITIONS}

GONE: Responses = {410: {"description": "Deleted; an admin can restore it (problem+json)"}}

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
