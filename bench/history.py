"""Synthetic history for the benchmarks: every party updates its commitments each quarter.

Deterministic (a fixed seed). Rows go straight into the parties database, shaped exactly as the
service writes them (current row, typed version, audit row), in bulk: this measures reads over a
long history, not the write path.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text
from sqlmodel import Session

from services.common.audit import append_only_statements, drop_append_only_statements
from services.common.db import writer
from services.parties.models import (
    Commitment,
    CommitmentStatusDay,
    CommitmentVersion,
    KnownAction,
    State,
    audit_log,
)
from services.parties.snapshot import current
from services.parties.views import Rules, groups_for

STATUSES = ("not_started", "in_progress", "completed", "not_applicable")
CHUNK = 5_000


def quarters(start: date, years: int) -> Iterator[datetime]:
    """The first day of every quarter, `years` long, at noon UTC."""
    for quarter in range(years * 4):
        year, month = start.year + quarter // 4, 1 + 3 * (quarter % 4)
        yield datetime(year, month, 1, 12, tzinfo=UTC)


def generate(
    engine: Engine, *, years: int, start: date = date(2010, 1, 1), seed: int = 2010
) -> int:
    """Write `years` of quarterly updates of each applicable commitment; return the versions."""
    randomizer = random.Random(seed)
    # BEGIN IMMEDIATE: the service may be reading (and its current view checking) meanwhile.
    with Session(writer(engine)) as session:
        bound = _bound_actions(session, start)
        # The audit log refuses deletes; this throwaway database's synthetic history is replaced
        # for each length measured, so the guard is lifted for the swap and put back.
        dialect = engine.dialect.name
        for statement in drop_append_only_statements(dialect):
            session.execute(text(statement))
        session.execute(delete(Commitment))
        session.execute(delete(CommitmentVersion))
        session.execute(delete(audit_log).where(audit_log.c.entity == "commitment"))
        session.execute(delete(CommitmentStatusDay))
        days: Counter[tuple[date, str]] = Counter()
        versions: list[dict[str, Any]] = []
        audits: list[dict[str, Any]] = []
        latest: dict[tuple[str, int], dict[str, Any]] = {}
        written = 0
        for at in quarters(start, years):
            for iso3, numbers in bound.items():
                for number in numbers:
                    previous = latest.get((iso3, number))
                    row = _next_version(previous, iso3, number, at, randomizer)
                    latest[(iso3, number)] = row
                    days[(at.date(), row["status"])] += 1
                    if previous is not None:
                        days[(at.date(), previous["status"])] -= 1
                    versions.append(row)
                    audits.append(_audit(row))
            if len(versions) >= CHUNK:
                written += _flush(session, versions, audits)
        written += _flush(session, versions, audits)
        session.execute(insert(Commitment.__table__), [_current(row) for row in latest.values()])  # type: ignore[attr-defined]
        session.execute(
            insert(CommitmentStatusDay.__table__),  # type: ignore[attr-defined]
            [{"day": day, "status": status, "change": n} for (day, status), n in days.items()],
        )
        for statement in append_only_statements(dialect):
            session.execute(text(statement))
        session.commit()
    return written


def _bound_actions(session: Session, start: date) -> dict[str, list[int]]:
    view = current(session, today=start)
    rules = Rules(due_soon_days=90, records_begin=start)
    actions = session.execute(select(KnownAction)).scalars().all()
    if not actions:
        raise RuntimeError("the parties database has no actions catalogue: start the service once")
    return {
        state.iso3: [a.number for a in actions if a.applies_to in groups_for(view, state, rules)]
        for state in view.parties()
        if isinstance(state, State)
    }


def _next_version(
    previous: dict[str, Any] | None, iso3: str, number: int, at: datetime, randomizer: random.Random
) -> dict[str, Any]:
    version = 1 if previous is None else previous["version"] + 1
    status = randomizer.choices(STATUSES, weights=(2, 5, 3, 1))[0]
    return {
        "iso3": iso3,
        "action_number": number,
        "version": version,
        "status": status,
        "target_date": (at + timedelta(days=randomizer.randint(90, 1500))).date(),
        "narrative": f"Quarterly update {version} of action #{number}.",
        "evidence_url": None,
        "recorded_at": at,
        "recorded_by": f"bench-{iso3.lower()}",
    }


def _audit(row: dict[str, Any]) -> dict[str, Any]:
    after = {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in row.items()}
    return {
        "occurred_at": row["recorded_at"],
        "actor": row["recorded_by"],
        "actor_role": "state",
        "request_id": None,
        "entity": "commitment",
        "entity_id": f"{row['iso3']}:{row['action_number']}",
        "operation": "create" if row["version"] == 1 else "update",
        "version": row["version"],
        "before": None,
        "after": after,
    }


def _current(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "iso3": row["iso3"],
        "action_number": row["action_number"],
        "status": row["status"],
        "target_date": row["target_date"],
        "narrative": row["narrative"],
        "evidence_url": None,
        "version": row["version"],
        "updated_at": row["recorded_at"],
        "updated_by": row["recorded_by"],
    }


def _flush(session: Session, versions: list[dict[str, Any]], audits: list[dict[str, Any]]) -> int:
    count = len(versions)
    if count:
        session.execute(insert(CommitmentVersion.__table__), versions)  # type: ignore[attr-defined]
        session.execute(insert(audit_log), audits)
        versions.clear()
        audits.clear()
    return count
