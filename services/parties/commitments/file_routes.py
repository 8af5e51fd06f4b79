"""Routes of the commitments as files: CSV and Excel, a party's (export and all-or-nothing import)
and every party's. The two formats share their columns and their import's validation, stale-version
refusal and audit (`files`, `service.import_commitments`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Body, Response

from services.common.auth import CurrentPrincipal, ensure_may_write_state
from services.common.db import SessionDep
from services.common.errors import Unprocessable
from services.common.routes import Iso3
from services.common.spreadsheets import XLSX, CsvResponse, XlsxResponse, attachment
from services.parties.actions_client import ActionInfo
from services.parties.commitments import files, service
from services.parties.commitments.files import ImportRow
from services.parties.http import (
    UNCONDITIONAL_READ,
    WRITE,
    WRITES,
    ContextDep,
    CurrentRecordsDep,
    PartyGroups,
    party_in,
)
from services.parties.records import lookup
from services.parties.records.context import Context
from services.parties.records.reading import Records
from services.parties.schemas import CommitmentPublic

router = APIRouter(tags=["commitments"])
COLUMNS = "the columns action, status, target_date, narrative, evidence_url, version"


def _party_rows(records: Records, ctx: Context, iso3: str) -> tuple[str, list[CommitmentPublic]]:
    code = party_in(records.snapshot, iso3.upper()).iso3
    rows = service.party_commitments(
        code, records.groups[code], ctx.catalogue.actions(), records.commitments_of_party(code)
    )
    return code, rows


@router.get(
    "/parties/{iso3}/commitments.csv", response_class=CsvResponse, responses=UNCONDITIONAL_READ
)
def export_party_commitments(records: CurrentRecordsDep, ctx: ContextDep, iso3: Iso3) -> Response:
    """Download a party's commitments as CSV (the shape the import takes back)."""
    code, rows = _party_rows(records, ctx, iso3)
    return attachment(CsvResponse(files.commitments_csv(rows)), f"commitments-{code}.csv")


@router.get(
    "/parties/{iso3}/commitments.xlsx", response_class=XlsxResponse, responses=UNCONDITIONAL_READ
)
def export_party_commitments_xlsx(
    records: CurrentRecordsDep, ctx: ContextDep, iso3: Iso3
) -> Response:
    """Download a party's commitments as an Excel workbook (the shape the import takes back)."""
    code, rows = _party_rows(records, ctx, iso3)
    return attachment(XlsxResponse(files.commitments_xlsx(rows)), f"commitments-{code}.xlsx")


@router.post(
    "/parties/{iso3}/commitments.csv",
    dependencies=[WRITES],
    response_model=list[CommitmentPublic],
    responses=WRITE,
)
def import_party_commitments(
    principal: CurrentPrincipal,
    groups: PartyGroups,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    upload: Annotated[bytes, Body(media_type="text/csv", description=f"CSV with {COLUMNS}")],
) -> list[CommitmentPublic]:
    """Upload a party's commitments as CSV: every row applies, or none (row-by-row report)."""
    return _import(
        principal,
        groups,
        session,
        ctx,
        iso3,
        lambda known: files.parse_csv(_utf8(upload), applicable=known),
    )


@router.post(
    "/parties/{iso3}/commitments.xlsx",
    dependencies=[WRITES],
    response_model=list[CommitmentPublic],
    responses=WRITE,
)
def import_party_commitments_xlsx(
    principal: CurrentPrincipal,
    groups: PartyGroups,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    upload: Annotated[
        bytes,
        Body(
            media_type=XLSX,
            description=f"An Excel workbook whose first sheet has {COLUMNS}, as the export",
        ),
    ],
) -> list[CommitmentPublic]:
    """Upload a party's commitments as an Excel workbook: the same rules as the CSV upload."""
    return _import(
        principal,
        groups,
        session,
        ctx,
        iso3,
        lambda known: files.parse_xlsx(upload, applicable=known),
    )


def _utf8(upload: bytes) -> str:
    try:
        return upload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unprocessable("The CSV must be encoded in UTF-8.") from exc


def _import(
    principal: CurrentPrincipal,
    groups: PartyGroups,
    session: SessionDep,
    ctx: ContextDep,
    iso3: str,
    parse: Callable[[dict[int, ActionInfo]], list[ImportRow]],
) -> list[CommitmentPublic]:
    party = lookup.get_party(session, iso3=iso3)
    ensure_may_write_state(principal, party.iso3)
    rows = parse({a.number: a for a in service.binding_actions(groups, ctx.catalogue)})
    return service.import_commitments(
        session, iso3=party.iso3, rows=rows, actor=principal.actor, at=ctx.now
    )


@router.get("/commitments.csv", response_class=CsvResponse, responses=UNCONDITIONAL_READ)
def export_all_commitments(records: CurrentRecordsDep, ctx: ContextDep) -> Response:
    """Download every party's commitments as one CSV."""
    return attachment(
        CsvResponse(files.commitments_csv(service.all_commitments(records, ctx.catalogue))),
        "commitments.csv",
    )


@router.get("/commitments.xlsx", response_class=XlsxResponse, responses=UNCONDITIONAL_READ)
def export_all_commitments_xlsx(records: CurrentRecordsDep, ctx: ContextDep) -> Response:
    """Download every party's commitments as one Excel workbook."""
    body = files.commitments_xlsx(service.all_commitments(records, ctx.catalogue))
    return attachment(XlsxResponse(body), "commitments.xlsx")
