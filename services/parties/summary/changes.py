"""What changed since a day, from the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy import select as core_select
from sqlmodel import Session, select

from services.parties.models import (
    audit_log,
)
from services.parties.records.snapshot import end_of, start_of
from services.parties.summary.schemas import Change, FieldChange


def changes_since(
    session: Session,
    *,
    since: date,
    until: date | None,
    include_seed: bool,
    iso3: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[Change], int]:
    """Return the changes recorded from the start of `since`, oldest first."""
    conditions = [audit_log.c.occurred_at >= start_of(since)]
    if until is not None:
        conditions.append(audit_log.c.occurred_at < end_of(until))
    if not include_seed:
        conditions.append(audit_log.c.actor != "system")
    if iso3 is not None:
        conditions.append(_concerns(iso3))
    total = session.execute(
        select(func.count()).select_from(audit_log).where(*conditions)
    ).scalar_one()
    rows = (
        session.execute(
            core_select(audit_log)
            .where(*conditions)
            .order_by(audit_log.c.occurred_at, audit_log.c.id)
            .offset(offset)
            .limit(limit)
        )
        .mappings()
        .all()
    )
    return [_change(row) for row in rows], total


def _concerns(iso3: str) -> Any:
    """An audit row about one state: its own rows, its keyed records, its extension requests."""
    return or_(
        audit_log.c.entity_id == iso3,
        audit_log.c.entity_id.startswith(f"{iso3}:", autoescape=True),
        audit_log.c.after["iso3"].as_string() == iso3,
    )


def _change(row: Any) -> Change:
    before, after = row["before"] or {}, row["after"] or {}
    fields = sorted(
        k
        for k in set(before) | set(after)
        if before.get(k) != after.get(k) and k not in ("version", "updated_at", "updated_by")
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
