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

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import Engine, Table, delete, insert, select, text
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
from services.parties.obligations.derive import Rules, groups_for
from services.parties.records.snapshot import current

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
        dialect = engine.dialect.name
        _wait_for_writers(session, dialect)
        bound = _bound_actions(session, start)
        # The audit log refuses deletes; this throwaway database's synthetic history is replaced
        # for each length measured, so the guard is lifted for the swap and put back.
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
        _insert_many(session, Commitment.__table__, [_current(row) for row in latest.values()])  # type: ignore[attr-defined]
        _insert_many(
            session,
            CommitmentStatusDay.__table__,  # type: ignore[attr-defined]
            [{"day": day, "status": status, "change": n} for (day, status), n in days.items()],
        )
        for statement in append_only_statements(dialect):
            session.execute(text(statement))
        session.commit()
    _refresh_statistics(engine)
    return written


def _wait_for_writers(session: Session, dialect: str) -> None:
    """Let the updates still in flight (the write benchmark's last requests) finish first.

    On PostgreSQL an update holds row locks in these tables until it commits, and this
    transaction rewrites them all: locking the tables in the updates' own order waits for them
    instead of deadlocking with one. Readers go on meanwhile. (SQLite's BEGIN IMMEDIATE waits.)
    """
    if dialect == "postgresql":
        session.execute(text(f"LOCK TABLE {_rewritten_tables()} IN EXCLUSIVE MODE"))


def _refresh_statistics(engine: Engine) -> None:
    """On PostgreSQL, do now what autovacuum does within a minute of a load this size.

    Measured straight after the load, the planner would still see the previous history's row
    counts and dead rows: a state no long-running database is in.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"VACUUM ANALYZE {_rewritten_tables()}"))


def _rewritten_tables() -> str:
    """The tables `generate` rewrites, in the order a commitment update writes them."""
    models = (CommitmentStatusDay, Commitment, CommitmentVersion)
    return ", ".join([*(model.__tablename__ for model in models), audit_log.name])


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
        _insert_many(session, CommitmentVersion.__table__, versions)  # type: ignore[attr-defined]
        _insert_many(session, audit_log, audits)
        versions.clear()
        audits.clear()
    return count


def _insert_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows in bulk: with COPY on PostgreSQL (its INSERTs took four times as long)."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    connection: psycopg.Connection[Any] = session.connection().connection.dbapi_connection  # type: ignore[assignment]
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [Jsonb(v) if isinstance(v, dict) else v for v in (row[c] for c in columns)]
            )
