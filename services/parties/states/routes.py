"""Routes of the states: the list, one state, its membership."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from services.common.auth import AdminPrincipal
from services.common.db import SessionDep
from services.common.errors import NotFound
from services.common.etag import (
    json_with_etag,
    require_if_match,
    version_etag,
)
from services.common.pagination import Page, PageDep
from services.common.routes import Iso3
from services.parties.http import READ, WRITE, WRITES, AsOf, ContextDep, answer
from services.parties.obligations.derive import (
    deadline_public,
    deadlines_of,
    groups_for,
    obligations_public,
)
from services.parties.records import lookup
from services.parties.records.snapshot import Snapshot
from services.parties.schemas import (
    Membership,
    MembershipStatus,
    MembershipUpdate,
    StateDetail,
    StateSummary,
)
from services.parties.states import service
from services.parties.states.shaping import state_matches, state_summary

router = APIRouter()


@router.get("/states", response_model=Page[StateSummary], responses=READ, tags=["states"])
async def list_states(
    request: Request,
    ctx: ContextDep,
    page: PageDep,
    status: Annotated[
        MembershipStatus | None, Query(description="Only the states of this membership status")
    ] = None,
    region: Annotated[
        str | None,
        Query(
            max_length=64,
            description=(
                "UN M49 region or sub-region (e.g. Americas, Western Asia), or sub-saharan-africa, "
                "european-union, cis"
            ),
        ),
    ] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="Part of a name, or an ISO-3 code")
    ] = None,
    as_of: AsOf = None,
) -> Response:
    """List the 195 states, filtered by membership, region or name."""

    def build(view: Snapshot) -> Page[StateSummary]:
        code = (q or "").strip().upper()
        # By name, except that a state whose ISO-3 code is the query comes first.
        chosen = [
            s
            for s in sorted(view.states.values(), key=lambda s: (s.iso3 != code, s.name))
            if state_matches(s, status=status.value if status else None, region=region, q=q)
        ]
        window = chosen[page.offset : page.offset + page.limit]
        return Page.of([state_summary(s) for s in window], total=len(chosen), params=page)

    key = ("states", status, region, q, page.limit, page.offset)
    return await answer(request, ctx, as_of, key, lambda records: build(records.snapshot))


@router.get("/states/{iso3}", response_model=StateDetail, responses=READ, tags=["states"])
async def read_state(request: Request, ctx: ContextDep, iso3: Iso3, as_of: AsOf = None) -> Response:
    """Read one state: membership, regions, obligations, deadlines with statuses, groups."""
    code = iso3.upper()

    def build(view: Snapshot) -> StateDetail:
        state = view.states.get(code)
        if state is None:
            raise NotFound(f"There is no state with ISO 3166 alpha-3 code {code!r}.")
        obligations = view.obligations.get(state.iso3)
        return StateDetail(
            **state_summary(state).model_dump(),
            obligations=obligations_public(obligations) if obligations else None,
            deadlines=[deadline_public(d) for d in deadlines_of(view, state, ctx.rules)],
            groups=sorted(groups_for(view, state, ctx.rules)),
        )

    return await answer(request, ctx, as_of, ("state", code), lambda r: build(r.snapshot))


@router.get("/states/{iso3}/membership", response_model=Membership, responses=READ, tags=["states"])
def read_membership(request: Request, session: SessionDep, iso3: Iso3) -> Response:
    """Read a state's membership (the ETag to send when changing it)."""
    state = lookup.get_state(session, iso3=iso3)
    return json_with_etag(request, state_summary(state).membership, etag=_state_etag(state))


@router.put(
    "/states/{iso3}/membership",
    dependencies=[WRITES],
    response_model=Membership,
    responses=WRITE,
    tags=["states"],
)
def update_membership(
    request: Request,
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    body: MembershipUpdate,
) -> Membership:
    """Record an accession or correct a membership (admin key, If-Match)."""
    state = lookup.get_state(session, iso3=iso3)
    require_if_match(request, _state_etag(state))
    service.update_membership(session, state=state, update=body, actor=principal.actor, at=ctx.now)
    response.headers["ETag"] = _state_etag(state)
    return state_summary(state).membership


def _state_etag(state: Any) -> str:
    return version_etag("state", state.iso3, state.version)
