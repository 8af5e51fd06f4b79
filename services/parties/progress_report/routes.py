"""`GET /reports/progress.pdf`: the progress report for a meeting, or as of any day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from services.common.changes import changes_since
from services.common.errors import Unprocessable
from services.parties.http import UNCONDITIONAL_READ, AsOf, ContextDep
from services.parties.models import audit_log
from services.parties.obligations.service import deadline_rows
from services.parties.progress_report import content
from services.parties.progress_report.content import Remote, Report
from services.parties.progress_report.pdf import render
from services.parties.progress_report.phrases import Words
from services.parties.records.context import Context, check_as_of, snapshot_on
from services.parties.records.reading import Records, Replayed
from services.parties.summary.aims import summarize
from services.parties.summary.schemas import Summary

router = APIRouter(tags=["summary"])
Language = Annotated[
    Literal["en", "fr", "es"],
    Query(description="The report's language: English, French or Spanish"),
]
MeetingId = Annotated[
    int | None,
    Query(
        ge=1,
        le=2**62,
        description="The event id of a meeting on the calendar: the report as of the day "
        "before it opens (instead of `as_of`)",
    ),
]


class PdfResponse(Response):
    media_type = "application/pdf"


@router.get("/reports/progress.pdf", response_class=PdfResponse, responses=UNCONDITIONAL_READ)
async def read_progress_report(
    request: Request,
    ctx: ContextDep,
    as_of: AsOf = None,
    meeting: MeetingId = None,
    lang: Language = "en",
) -> Response:
    """The progress report as a PDF, in the shape of the ISU's: per aim the figures with how
    each is known, what changed since the previous meeting, each action's latest assessment, the
    deadlines due before the next meeting, the States with extension requests pending."""
    if as_of is not None and meeting is not None:
        raise Unprocessable("Give as_of or meeting, not both.")
    day = await run_in_threadpool(_day_of, request, ctx, as_of, meeting)
    remote = await run_in_threadpool(_remote, request, day)
    report = await _report(request, ctx, day, remote)
    body = await run_in_threadpool(render, report, Words(lang))
    filename = f"progress-report-{day.isoformat()}-{lang}.pdf"
    return PdfResponse(body, headers={"Content-Disposition": f'inline; filename="{filename}"'})


def _day_of(request: Request, ctx: Context, as_of: date | None, meeting: int | None) -> date:
    if meeting is not None:
        with request.app.state.meetings() as calendar:
            opens: date = calendar.meeting(meeting).start
        day = min(opens - timedelta(days=1), ctx.today)
    else:
        day = as_of or ctx.today
    check_as_of(ctx, day)
    return day


def _remote(request: Request, day: date) -> Remote:
    with request.app.state.meetings() as calendar, request.app.state.actions() as actions:
        return content.read_remote(calendar, actions, as_of=day)


async def _report(request: Request, ctx: Context, day: date, remote: Remote) -> Report:
    current = await request.app.state.current.get() if day == ctx.today else None
    return await run_in_threadpool(_read, request, ctx, day, remote, current)


def _read(
    request: Request, ctx: Context, day: date, remote: Remote, current: Records | None
) -> Report:
    """The report from one session: the records (now, or replayed to `day`) and the changes."""
    with Session(request.app.state.engine) as session:
        records = current or Replayed(session, snapshot_on(session, ctx, day), ctx.rules)
        return _build(session, ctx, day, remote, records)


def _build(session: Session, ctx: Context, day: date, remote: Remote, records: Records) -> Report:
    snapshot = records.snapshot
    summary = Summary.model_validate(
        summarize(snapshot, ctx.rules, records.status_counts(), records.deadlines)
    )
    previous = content.previous_meeting(remote.meetings, day)
    upcoming = content.next_meeting(remote.meetings, day)
    since = previous.end + timedelta(days=1) if previous else ctx.rules.records_begin
    changes, total = changes_since(
        session,
        audit_log,
        since=since,
        until=day,
        include_seed=False,
        limit=content.CHANGES_LISTED,
        offset=0,
    )
    deadlines = deadline_rows(snapshot, records.deadlines, kind=None, status=None)
    until = upcoming.start if upcoming else day + timedelta(days=366)
    return Report(
        as_of=day,
        generated_at=ctx.now,
        summary=summary,
        previous=previous,
        next=upcoming,
        changes=changes,
        changes_total=total,
        changes_since=since,
        actions=sorted(ctx.catalogue.actions().values(), key=lambda a: a.number),
        assessments=remote.assessments,
        meetings=remote.meetings,
        deadlines=content.due_before(deadlines, after=day, until=until),
        pending_requests=[(iso3, snapshot.states[iso3].name) for iso3 in snapshot.pending_requests],
    )
