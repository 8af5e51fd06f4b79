"""What changed since a day, read from a service's audit log: the one shape of `/changes`.

Each service answers `/changes` from its own audit log (parties: commitments, obligations,
reports, extensions; actions: the committee's assessments; reminders: meetings and dates), so the
dashboard can merge the three into one list without knowing how any of them stores its records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Table, func, select
from sqlalchemy.orm import Session

from services.common.audit import SYSTEM_ACTOR
from services.common.db import SessionDep
from services.common.pagination import Page, PageDep
from services.common.types import IsoDate, UtcDateTime

# Bookkeeping columns every versioned record has: a change of them alone is not a change of value.
BOOKKEEPING = frozenset({"version", "updated_at", "updated_by"})

Since = Annotated[IsoDate, Query(description="From the start of this day (YYYY-MM-DD, UTC)")]
Until = Annotated[IsoDate | None, Query(description="To the end of this day (UTC)")]
IncludeSeed = Annotated[
    bool, Query(description="Include what the system wrote (the seed, the deadline sync)")
]


class FieldChange(BaseModel):
    """One field of a change: its value before and after (JSON, as the audit log keeps it)."""

    field: str
    before: Any = Field(default=None, description="null when the record was created")
    after: Any = Field(default=None, description="null when the record was removed")


class Change(BaseModel):
    """An entry of `/changes`: what changed in one record, by whom, when."""

    model_config = ConfigDict(from_attributes=True)

    occurred_at: UtcDateTime
    entity: str = Field(description="The kind of record, e.g. commitment, assessment, event")
    entity_id: str
    operation: str = Field(
        description="What was done: create, update, seed (the system's data files), delete and "
        "restore (a soft delete: the record stays), pause, plan, requeue"
    )
    version: int
    actor: str = Field(description="The public id of the key that wrote it, or system")
    actor_role: str
    fields: list[str]
    values: list[FieldChange] = Field(description="Each changed field, before → after")


def changes_since(
    session: Session,
    audit_log: Table,
    *,
    since: date,
    until: date | None,
    include_seed: bool,
    where: Sequence[ColumnElement[bool]] = (),
    limit: int,
    offset: int,
) -> tuple[list[Change], int]:
    """The changes recorded from the start of `since` (to the end of `until`), oldest first,
    with the number of them; `where` narrows them (a state, the public kinds of record)."""
    conditions = [audit_log.c.occurred_at >= _start_of(since), *where]
    if until is not None:
        conditions.append(audit_log.c.occurred_at < _start_of(until + timedelta(days=1)))
    if not include_seed:
        conditions.append(audit_log.c.actor != SYSTEM_ACTOR)
    total = session.execute(
        select(func.count()).select_from(audit_log).where(*conditions)
    ).scalar_one()
    rows = (
        session.execute(
            select(audit_log)
            .where(*conditions)
            .order_by(audit_log.c.occurred_at, audit_log.c.id)
            .offset(offset)
            .limit(limit)
        )
        .mappings()
        .all()
    )
    return [_change(row) for row in rows], total


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _change(row: Any) -> Change:
    before, after = row["before"] or {}, row["after"] or {}
    fields = sorted(
        k
        for k in set(before) | set(after)
        if before.get(k) != after.get(k) and k not in BOOKKEEPING
    )
    return Change(
        occurred_at=row["occurred_at"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        operation=row["operation"],
        version=row["version"],
        actor=row["actor"],
        actor_role=row["actor_role"],
        fields=fields,
        values=[FieldChange(field=k, before=before.get(k), after=after.get(k)) for k in fields],
    )


def changes_router(
    audit_log: Table,
    *,
    description: str,
    tags: Sequence[str],
    where: Sequence[ColumnElement[bool]] = (),
) -> APIRouter:
    """`GET /changes` over a service's audit log, narrowed by `where` (its public records)."""
    router = APIRouter()

    @router.get("/changes", response_model=Page[Change], tags=list(tags), description=description)
    def list_changes(
        session: SessionDep,
        page: PageDep,
        since: Since,
        until: Until = None,
        include_seed: IncludeSeed = False,
    ) -> Page[Change]:
        items, total = changes_since(
            session,
            audit_log,
            since=since,
            until=until,
            include_seed=include_seed,
            where=where,
            limit=page.limit,
            offset=page.offset,
        )
        return Page.of(items, total=total, params=page)

    return router
