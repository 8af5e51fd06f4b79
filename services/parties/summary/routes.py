"""Routes of the summary and the changes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from services.common.db import SessionDep
from services.common.pagination import Page, PageDep
from services.common.types import IsoDate
from services.parties.http import READ, AsOf, ContextDep, answer
from services.parties.records.reading import Records
from services.parties.summary.aims import summarize
from services.parties.summary.changes import changes_since
from services.parties.summary.schemas import Change, Summary, typed

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
    since: Annotated[IsoDate, Query(description="From the start of this day (YYYY-MM-DD)")],
    until: Annotated[IsoDate | None, Query(description="To the end of this day")] = None,
    include_seed: Annotated[bool, Query(description="Include the seeded records")] = False,
    iso3: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{3}$", description="Only what concerns this state")
    ] = None,
) -> Page[Change]:
    """List what changed since a day (e.g. since the last meeting), oldest first."""
    items, total = changes_since(
        session,
        since=since,
        until=until,
        include_seed=include_seed,
        iso3=iso3.upper() if iso3 else None,
        limit=page.limit,
        offset=page.offset,
    )
    return Page.of(items, total=total, params=page)
