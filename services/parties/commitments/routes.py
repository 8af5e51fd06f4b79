"""Routes of the commitments: one, a party's, CSV export and import, history, progress."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Body, Request, Response

from services.common.auth import CurrentPrincipal, ensure_may_write_state
from services.common.db import SessionDep
from services.common.errors import Unprocessable
from services.common.etag import (
    json_with_etag,
    require_if_match,
)
from services.common.pagination import Page, PageDep
from services.common.routes import ActionNumber, Iso3
from services.parties.commitments import csv_files, progress, service
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
    CurrentRecordsDep,
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
    "/parties/{iso3}/commitments.csv",
    response_class=csv_files.CsvResponse,
    responses=UNCONDITIONAL_READ,
    tags=["commitments"],
)
def export_party_commitments(records: CurrentRecordsDep, ctx: ContextDep, iso3: Iso3) -> Response:
    """Download a party's commitments as CSV (the shape the import takes back)."""
    code = party_in(records.snapshot, iso3.upper()).iso3
    rows = service.party_commitments(
        code, records.groups[code], ctx.catalogue.actions(), records.commitments_of_party(code)
    )
    return _csv(csv_files.commitments_csv(rows), f"commitments-{code}.csv")


@router.post(
    "/parties/{iso3}/commitments.csv",
    dependencies=[WRITES],
    response_model=list[CommitmentPublic],
    responses=WRITE,
    tags=["commitments"],
)
def import_party_commitments(
    principal: CurrentPrincipal,
    groups: PartyGroups,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    upload: Annotated[
        bytes,
        Body(
            media_type="text/csv",
            description=(
                "CSV with the columns action, status, target_date, narrative, evidence_url, version"
            ),
        ),
    ],
) -> list[CommitmentPublic]:
    """Upload a party's commitments as CSV: every row applies, or none (row-by-row report)."""
    party = lookup.get_party(session, iso3=iso3)
    ensure_may_write_state(principal, party.iso3)
    try:
        text = upload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unprocessable("The CSV must be encoded in UTF-8.") from exc
    applicable = {a.number: a for a in service.binding_actions(groups, ctx.catalogue)}
    rows = csv_files.parse_import(text, applicable=applicable)
    return service.import_commitments(
        session, iso3=party.iso3, rows=rows, actor=principal.actor, at=ctx.now
    )


@router.get(
    "/commitments.csv",
    response_class=csv_files.CsvResponse,
    tags=["commitments"],
    responses=UNCONDITIONAL_READ,
)
def export_all_commitments(records: CurrentRecordsDep, ctx: ContextDep) -> Response:
    """Download every party's commitments as one CSV."""
    actions = ctx.catalogue.actions()
    rows = [
        row
        for state in records.snapshot.parties()
        for row in service.party_commitments(
            state.iso3,
            records.groups[state.iso3],
            actions,
            records.commitments_of_party(state.iso3),
        )
    ]
    return _csv(csv_files.commitments_csv(rows), "commitments.csv")


def _csv(text: str, filename: str) -> Response:
    return csv_files.CsvResponse(
        content=text, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


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
