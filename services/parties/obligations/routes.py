"""Routes of the obligations and the deadlines derived from them."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.common.auth import CurrentPrincipal, ensure_may_write_state
from services.common.db import SessionDep
from services.common.etag import (
    json_with_etag,
    require_if_match,
)
from services.common.pagination import Page, PageDep
from services.common.routes import Iso3
from services.parties.http import READ, WRITE, WRITES, AsOf, ContextDep, answer, party_in
from services.parties.obligations import service
from services.parties.obligations.deadlines import (
    DeadlineKind,
    DeadlineStatus,
)
from services.parties.obligations.derive import (
    deadline_public,
    obligations_public,
)
from services.parties.records import lookup
from services.parties.records.reading import Records
from services.parties.schemas import (
    DeadlinesPublic,
    ObligationsPublic,
    ObligationsUpdate,
    PartyDeadline,
)

router = APIRouter()


@router.get(
    "/parties/{iso3}/deadlines", response_model=DeadlinesPublic, responses=READ, tags=["deadlines"]
)
async def read_deadlines(
    request: Request, ctx: ContextDep, iso3: Iso3, as_of: AsOf = None
) -> Response:
    """List a party's treaty deadlines (Articles 4, 5, 7) with their status on the day."""
    code = iso3.upper()

    def build(records: Records) -> DeadlinesPublic:
        state = party_in(records.snapshot, code)
        items = [deadline_public(d) for d in records.deadlines[state.iso3]]
        return DeadlinesPublic(iso3=state.iso3, today=records.snapshot.day, items=items)

    return await answer(request, ctx, as_of, ("deadlines", code), build)


@router.get(
    "/parties/{iso3}/obligations",
    response_model=ObligationsPublic,
    responses=READ,
    tags=["obligations"],
)
def read_obligations(request: Request, session: SessionDep, iso3: Iso3) -> Response:
    """Read a party's obligations and reported progress."""
    party = lookup.get_party(session, iso3=iso3)
    obligations = lookup.get_obligations(session, iso3=party.iso3)
    etag = service.obligations_etag(obligations)
    return json_with_etag(request, obligations_public(obligations), etag=etag)


@router.put(
    "/parties/{iso3}/obligations",
    dependencies=[WRITES],
    response_model=ObligationsPublic,
    responses=WRITE,
    tags=["obligations"],
)
def update_obligations(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    body: ObligationsUpdate,
) -> ObligationsPublic:
    """Report progress on the party's own obligations (its state key, or admin; If-Match)."""
    party = lookup.get_party(session, iso3=iso3)
    ensure_may_write_state(principal, party.iso3)
    obligations = service.update_obligations(
        session,
        iso3=party.iso3,
        update=body,
        if_match=partial(require_if_match, request),
        actor=principal.actor,
        at=ctx.now,
    )
    response.headers["ETag"] = service.obligations_etag(obligations)
    return obligations_public(obligations)


@router.get("/deadlines", response_model=Page[PartyDeadline], responses=READ, tags=["deadlines"])
async def list_deadlines(
    request: Request,
    ctx: ContextDep,
    page: PageDep,
    kind: Annotated[DeadlineKind | None, Query(description="Only deadlines of this kind")] = None,
    status: Annotated[
        DeadlineStatus | None, Query(description="Only deadlines with this status on the day")
    ] = None,
    as_of: AsOf = None,
) -> Response:
    """Every party's deadlines, filtered by kind and status, by due date."""
    wanted = {"kind": kind.value if kind else None, "status": status.value if status else None}

    def build(records: Records) -> Page[PartyDeadline]:
        rows = service.deadline_rows(records.snapshot, records.deadlines, **wanted)
        window = rows[page.offset : page.offset + page.limit]
        return Page.of(window, total=len(rows), params=page)

    key = ("deadlines", kind, status, page.limit, page.offset)
    return await answer(request, ctx, as_of, key, build)
