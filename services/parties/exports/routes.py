"""The ISU's workbook: every state, every party's commitments and every deadline, a sheet each,
as the API lists them (`GET /states`, `GET /commitments.csv`, `GET /deadlines`)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.common.spreadsheets import XlsxResponse, attachment, sheet_of_models, workbook
from services.parties.commitments.files import commitments_sheet
from services.parties.commitments.service import all_commitments
from services.parties.http import UNCONDITIONAL_READ, ContextDep, CurrentRecordsDep
from services.parties.obligations.service import deadline_rows
from services.parties.schemas import PartyDeadline, StateSummary
from services.parties.states.shaping import state_summary

router = APIRouter(tags=["states"])


@router.get("/records.xlsx", response_class=XlsxResponse, responses=UNCONDITIONAL_READ)
def export_records(records: CurrentRecordsDep, ctx: ContextDep) -> Response:
    """Download the whole public record set as one Excel workbook: the sheets States (all 195,
    with their membership and regions), Commitments (every party's, written or not) and
    Deadlines (every party's, by due date), each with the columns of its API answer."""
    snapshot = records.snapshot
    states = [state_summary(s) for s in sorted(snapshot.states.values(), key=lambda s: s.name)]
    deadlines = deadline_rows(snapshot, records.deadlines, kind=None, status=None)
    body = workbook(
        [
            sheet_of_models("States", states, StateSummary),
            commitments_sheet(all_commitments(records, ctx.catalogue)),
            sheet_of_models("Deadlines", deadlines, PartyDeadline),
        ]
    )
    return attachment(XlsxResponse(body), f"cartagena-monitor-records-{ctx.today}.xlsx")
