"""Routes of the commitments: one, a party's, history, progress (the files: `file_routes`)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, Response

from services.common.auth import CurrentPrincipal, ensure_may_write_state
from services.common.db import SessionDep
from services.common.etag import (
    json_with_etag,
    require_if_match,
)
from services.common.pagination import Page, PageDep
from services.common.routes import ActionNumber, Iso3
from services.parties.commitments import progress, service
from services.parties.commitments.schemas import (
    ActionProgress,
    ActionProgressCounts,
)
from services.parties.http import (
    READ,
    UNCONDITIONAL_READ,
    WRITE,
    WRITES,
    AsOf,
    ContextDep,
    PartyGroups,
    answer,
    party_in,
)
from services.parties.records import lookup
from services.parties.records.reading import Records
from services.parties.schemas import (
    CommitmentPublic,
    CommitmentUpdate,
    HistoryEntry,
)

router = APIRouter()


@router.get(
    "/parties/{iso3}/commitments",
    response_model=Page[CommitmentPublic],
    responses=READ,
    tags=["commitments"],
)
async def list_commitments(
    request: Request, ctx: ContextDep, page: PageDep, iso3: Iso3, as_of: AsOf = None
) -> Response:
    """List a party's commitments on every action that binds it."""
    code = iso3.upper()

    def window(items: list[CommitmentPublic]) -> Page[CommitmentPublic]:
        return Page.of(items[page.offset : page.offset + page.limit], total=len(items), params=page)

    def build(records: Records) -> Page[CommitmentPublic]:
        party_in(records.snapshot, code)
        stored = records.commitments_of_party(code)
        actions = ctx.catalogue.actions()
        return window(service.party_commitments(code, records.groups[code], actions, stored))

    key = ("commitments", code, page.limit, page.offset, ctx.catalogue.generation)
    return await answer(request, ctx, as_of, key, build)


@router.get(
    "/parties/{iso3}/commitments/{action}",
    response_model=CommitmentPublic,
    responses=READ,
    tags=["commitments"],
)
def read_commitment(
    request: Request,
    groups: PartyGroups,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    action: ActionNumber,
) -> Response:
    """Read one commitment, with the ETag to send when updating it."""
    party = lookup.get_party(session, iso3=iso3)
    body = service.read_commitment(
        session, iso3=party.iso3, groups=groups, catalogue=ctx.catalogue, number=action
    )
    etag = service.commitment_etag(party.iso3, action, body.version)
    return json_with_etag(request, body, etag=etag)


@router.put(
    "/parties/{iso3}/commitments/{action}",
    dependencies=[WRITES],
    response_model=CommitmentPublic,
    responses=WRITE,
    tags=["commitments"],
)
def update_commitment(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    groups: PartyGroups,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    action: ActionNumber,
    body: CommitmentUpdate,
) -> CommitmentPublic:
    """Update the party's commitment on an action (its state key, or admin; If-Match)."""
    party = lookup.get_party(session, iso3=iso3)
    ensure_may_write_state(principal, party.iso3)
    saved = service.update_commitment(
        session,
        iso3=party.iso3,
        groups=groups,
        catalogue=ctx.catalogue,
        number=action,
        update=body,
        if_match=partial(require_if_match, request),
        actor=principal.actor,
        at=ctx.now,
    )
    response.headers["ETag"] = service.commitment_etag(party.iso3, action, saved.version)
    return saved


@router.get(
    "/parties/{iso3}/commitments/{action}/history",
    response_model=list[HistoryEntry],
    responses=UNCONDITIONAL_READ,
    tags=["commitments"],
)
def read_commitment_history(
    session: SessionDep, iso3: Iso3, action: ActionNumber
) -> list[HistoryEntry]:
    """List every change of a commitment (who, when, before, after), oldest first."""
    party = lookup.get_party(session, iso3=iso3)
    return service.commitment_history(session, iso3=party.iso3, action_number=action)


@router.get(
    "/actions/{action}/progress",
    response_model=ActionProgress,
    responses=READ,
    tags=["commitments"],
)
async def read_action_progress(
    request: Request, ctx: ContextDep, action: ActionNumber, as_of: AsOf = None
) -> Response:
    """For one action: the parties it binds, how many commitments are in each status, and who."""

    def build(records: Records) -> ActionProgress:
        return progress.progress_of_action(records, ctx.catalogue.action(action))

    key = ("action-progress", action, ctx.catalogue.generation)
    return await answer(request, ctx, as_of, key, build)


@router.get(
    "/progress", response_model=Page[ActionProgressCounts], responses=READ, tags=["commitments"]
)
async def list_progress(
    request: Request, ctx: ContextDep, page: PageDep, as_of: AsOf = None
) -> Response:
    """For every action: how many parties it binds and how many commitments are in each status."""

    def build(records: Records) -> Page[ActionProgressCounts]:
        rows = progress.progress_counts(records, ctx.catalogue.actions())
        window = rows[page.offset : page.offset + page.limit]
        return Page.of(window, total=len(rows), params=page)

    key = ("progress", ctx.catalogue.generation, page.limit, page.offset)
    return await answer(request, ctx, as_of, key, build)
