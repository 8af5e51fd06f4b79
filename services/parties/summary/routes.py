"""Routes of the summary and the changes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from services.common.changes import Change, IncludeSeed, Since, Until, changes_since
from services.common.db import SessionDep
from services.common.pagination import Page, PageDep
from services.parties.http import READ, AsOf, ContextDep, answer
from services.parties.models import audit_log
from services.parties.records.reading import Records
from services.parties.summary.aims import summarize
from services.parties.summary.changes import concerns
from services.parties.summary.schemas import Summary, typed

router = APIRouter()


@router.get("/summary", response_model=Summary, responses=READ, tags=["summary"])
async def read_summary(request: Request, ctx: ContextDep, as_of: AsOf = None) -> Response:
    """The four aims and cooperation, transparency, compliance — now or as of a day."""

    def build(records: Records) -> dict[str, Any]:
        counts = records.status_counts()
        return typed(summarize(records.snapshot, ctx.rules, counts, records.deadlines))

    return await answer(request, ctx, as_of, ("summary",), build)


@router.get("/changes", response_model=Page[Change], tags=["changes"])
def list_changes(
    session: SessionDep,
    page: PageDep,
    since: Since,
    until: Until = None,
    include_seed: IncludeSeed = False,
    iso3: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{3}$", description="Only what concerns this state")
    ] = None,
) -> Page[Change]:
    """List what the States Parties and administrators changed since a day (e.g. since the last
    meeting), oldest first: commitments, obligations, reports, extension requests, coverage."""
    items, total = changes_since(
        session,
        audit_log,
        since=since,
        until=until,
        include_seed=include_seed,
        where=[concerns(iso3.upper())] if iso3 else [],
        limit=page.limit,
        offset=page.offset,
    )
    return Page.of(items, total=total, params=page)
