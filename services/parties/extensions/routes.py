"""Routes of the Article 5 extension requests and extensions."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from services.common.auth import AdminPrincipal, CurrentPrincipal, ensure_may_write_state
from services.common.db import SessionDep
from services.common.etag import json_with_etag, require_if_match
from services.common.idempotency import CreateOnceDep
from services.common.routes import Iso3, RowId
from services.parties.extensions import repository, service
from services.parties.extensions.schemas import (
    ExtensionAnalysis,
    ExtensionDecision,
    ExtensionPublic,
    ExtensionRequestCreate,
    ExtensionRequestPublic,
)
from services.parties.http import READ, UNCONDITIONAL_READ, WRITE, WRITES, ContextDep
from services.parties.meetings_client import Meeting
from services.parties.records import lookup

router = APIRouter()


@router.get(
    "/parties/{iso3}/extensions",
    response_model=list[ExtensionPublic],
    responses=UNCONDITIONAL_READ,
    tags=["extensions"],
)
def list_extensions(session: SessionDep, iso3: Iso3) -> list[ExtensionPublic]:
    """List the Article 5 extensions granted to a party."""
    party = lookup.get_party(session, iso3=iso3)
    return [
        ExtensionPublic.model_validate(e)
        for e in repository.extensions_of(session, iso3=party.iso3)
    ]


@router.get(
    "/parties/{iso3}/extension-requests",
    response_model=list[ExtensionRequestPublic],
    responses=UNCONDITIONAL_READ,
    tags=["extensions"],
)
def list_extension_requests(session: SessionDep, iso3: Iso3) -> list[ExtensionRequestPublic]:
    """List a party's extension requests, newest first."""
    party = lookup.get_party(session, iso3=iso3)
    return [
        ExtensionRequestPublic.model_validate(r)
        for r in repository.list_requests(session, iso3=party.iso3)
    ]


@router.post(
    "/parties/{iso3}/extension-requests",
    dependencies=[WRITES],
    response_model=ExtensionRequestPublic,
    status_code=201,
    responses=WRITE,
    tags=["extensions"],
)
def create_extension_request(
    response: Response,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    create_once: CreateOnceDep,
    iso3: Iso3,
    body: ExtensionRequestCreate,
) -> ExtensionRequestPublic | Response:
    """Submit an Article 5 extension request with the content Article 5.4 asks for."""
    party = lookup.get_party(session, iso3=iso3)
    ensure_may_write_state(principal, party.iso3)

    def create() -> ExtensionRequestPublic:
        request = service.submit_request(
            session, state=party, body=body, actor=principal.actor, at=ctx.now
        )
        response.headers["Location"] = f"/parties/{party.iso3}/extension-requests/{request.id}"
        response.headers["ETag"] = service.request_etag(request)
        return ExtensionRequestPublic.model_validate(request)

    return create_once(create)


@router.get(
    "/parties/{iso3}/extension-requests/{request_id}",
    response_model=ExtensionRequestPublic,
    responses=READ,
    tags=["extensions"],
)
def read_extension_request(
    request: Request,
    session: SessionDep,
    iso3: Iso3,
    request_id: RowId,
) -> Response:
    """Read one extension request."""
    party = lookup.get_party(session, iso3=iso3)
    row = repository.get_request(session, iso3=party.iso3, request_id=request_id)
    return json_with_etag(
        request, ExtensionRequestPublic.model_validate(row), etag=service.request_etag(row)
    )


@router.put(
    "/parties/{iso3}/extension-requests/{request_id}/analysis",
    dependencies=[WRITES],
    response_model=ExtensionRequestPublic,
    responses=WRITE,
    tags=["extensions"],
)
def analyse_extension_request(
    request: Request,
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    request_id: RowId,
    body: ExtensionAnalysis,
) -> ExtensionRequestPublic:
    """Record the analysis of a request (admin key, If-Match)."""
    row = service.analyse_request(
        session,
        iso3=lookup.get_party(session, iso3=iso3).iso3,
        request_id=request_id,
        body=body,
        if_match=partial(require_if_match, request),
        actor=principal.actor,
        at=ctx.now,
    )
    response.headers["ETag"] = service.request_etag(row)
    return ExtensionRequestPublic.model_validate(row)


def decided_meeting(request: Request, body: ExtensionDecision) -> Meeting:
    """The meeting a decision names, read from the calendar before the session opens (no
    network call inside a write)."""
    with request.app.state.meetings() as calendar:
        return calendar.meeting(body.meeting_id)  # type: ignore[no-any-return]


@router.put(
    "/parties/{iso3}/extension-requests/{request_id}/decision",
    dependencies=[WRITES],
    response_model=ExtensionRequestPublic,
    responses=WRITE,
    tags=["extensions"],
)
def decide_extension_request(
    request: Request,
    response: Response,
    principal: AdminPrincipal,
    meeting: Annotated[Meeting, Depends(decided_meeting)],
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    request_id: RowId,
    body: ExtensionDecision,
) -> ExtensionRequestPublic:
    """Record the meeting's decision; a grant moves the Article 5 deadline (admin key, If-Match)."""
    row = service.decide_request(
        session,
        state=lookup.get_party(session, iso3=iso3),
        request_id=request_id,
        body=body,
        meeting=meeting,
        if_match=partial(require_if_match, request),
        actor=principal.actor,
        at=ctx.now,
        today=ctx.today,
    )
    response.headers["ETag"] = service.request_etag(row)
    return ExtensionRequestPublic.model_validate(row)
