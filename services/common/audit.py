"""Append-only audit log, written in the same transaction as the change it records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from services.common.observability import current_request_id

JSON_DOCUMENT = JSON().with_variant(JSONB(), "postgresql")
SYSTEM_ACTOR = "system"


def audit_table(metadata: MetaData) -> Table:
    """Declare the `audit_log` table in a service's metadata."""
    return Table(
        "audit_log",
        metadata,
        Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("actor", String(64), nullable=False),
        Column("actor_role", String(16), nullable=False),
        Column("request_id", String(128), nullable=True),
        Column("entity", String(64), nullable=False),
        Column("entity_id", String(128), nullable=False),
        Column("operation", String(16), nullable=False),
        Column("version", Integer, nullable=False),
        Column("before", JSON_DOCUMENT, nullable=True),
        Column("after", JSON_DOCUMENT, nullable=True),
        Index("ix_audit_log_entity", "entity", "entity_id", "id"),
        Index("ix_audit_log_occurred_at", "occurred_at"),
    )


@dataclass(frozen=True)
class Actor:
    """Who made a change: an API key's public id and role, or the system itself."""

    id: str
    role: str


SYSTEM = Actor(id=SYSTEM_ACTOR, role=SYSTEM_ACTOR)


def record_change(
    session: Session,
    table: Table,
    *,
    actor: Actor,
    at: datetime,
    entity: str,
    entity_id: str,
    version: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    operation: str | None = None,
) -> None:
    """Add one audit row to the session's transaction; it commits or rolls back with the change.

    The operation, unless named, is a `create` when there was nothing before, else an `update`.
    """
    session.execute(
        insert(table).values(
            occurred_at=at,
            actor=actor.id,
            actor_role=actor.role,
            request_id=current_request_id(),
            entity=entity,
            entity_id=entity_id,
            operation=operation or ("create" if before is None else "update"),
            version=version,
            before=before,
            after=after,
        )
    )


def document_of(row: Any) -> dict[str, Any] | None:
    """A row as the audit log keeps it (its JSON form), or None for no row."""
    return None if row is None else row.model_dump(mode="json")


def create_versioned(
    session: Session,
    table: Table,
    row: Any,
    *,
    entity: str,
    actor: Actor,
    at: datetime,
    entity_id: str | None = None,
) -> None:
    """Insert a row and audit its creation (named by `entity_id`, else by its new id)."""
    session.add(row)
    session.flush()  # the row's id, which the audit record names
    record_change(
        session,
        table,
        actor=actor,
        at=at,
        entity=entity,
        entity_id=entity_id if entity_id is not None else str(row.id),
        version=getattr(row, "version", 1),
        before=None,
        after=document_of(row),
    )


def update_versioned(
    session: Session,
    table: Table,
    row: Any,
    *,
    entity: str,
    entity_id: str,
    values: dict[str, Any],
    actor: Actor,
    at: datetime,
    operation: str = "update",
    unless_unchanged: bool = False,
) -> bool:
    """Apply `values` to a versioned row, stamp it, bump its version and audit the change.

    The flush bumps `version`, or fails with StaleDataError (412) if another writer came first.
    A row with `updated_at` / `updated_by` columns gets the time and the actor. With
    `unless_unchanged`, a write that changes nothing is skipped (and False returned), so the
    version, and every ETag a client holds, stays as is.
    """
    if unless_unchanged and all(getattr(row, f) == v for f, v in values.items()):
        return False
    before = document_of(row)
    for field, value in values.items():
        setattr(row, field, value)
    if hasattr(row, "updated_at"):
        row.updated_at = at
    if hasattr(row, "updated_by"):
        row.updated_by = actor.id
    session.add(row)
    session.flush()
    record_change(
        session,
        table,
        actor=actor,
        at=at,
        entity=entity,
        entity_id=entity_id,
        operation=operation,
        version=row.version,
        before=before,
        after=document_of(row),
    )
    return True


def history(session: Session, table: Table, *, entity: str, entity_id: str) -> list[dict[str, Any]]:
    """Return the audit rows of one entity, oldest first."""
    rows = session.execute(
        select(table)
        .where(table.c.entity == entity, table.c.entity_id == entity_id)
        .order_by(table.c.id)
    )
    return [dict(row._mapping) for row in rows]


def append_only_statements(dialect: str, table: str = "audit_log") -> list[str]:
    """DDL that makes `table` refuse UPDATE and DELETE in the database itself, whoever asks.

    For migrations: history must survive a bug, a hand-typed SQL session or a compromised
    service, not only the API's own good behaviour.
    """
    message = f"{table} is append-only"
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            for verb in ("UPDATE", "DELETE")
        ]
    return [
        f"CREATE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'insufficient_privilege'; END $$",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse_change()",
    ]


def no_replace_statements(dialect: str, table: str = "audit_log") -> list[str]:
    """DDL that makes SQLite refuse an INSERT reusing an existing id of `table`.

    `INSERT OR REPLACE` deletes the row it conflicts with, and SQLite fires no DELETE trigger
    for that unless `recursive_triggers` is on in the connection that asks; a BEFORE INSERT
    trigger holds whoever connects. PostgreSQL has no REPLACE, and its `ON CONFLICT DO UPDATE`
    is refused by the UPDATE trigger already.
    """
    if dialect != "sqlite":
        return []
    # The table name is the code's own constant, never input.
    return [
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "  # noqa: S608
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
    ]


def drop_no_replace_statements(dialect: str, table: str = "audit_log") -> list[str]:
    """Undo `no_replace_statements`."""
    return [f"DROP TRIGGER {table}_no_replace"] if dialect == "sqlite" else []


def drop_append_only_statements(dialect: str, table: str = "audit_log") -> list[str]:
    """Undo `append_only_statements` (a migration's downgrade)."""
    if dialect == "sqlite":
        return [f"DROP TRIGGER {table}_no_{verb}" for verb in ("update", "delete")]
    return [
        f"DROP TRIGGER {table}_append_only ON {table}",
        f"DROP FUNCTION {table}_refuse_change()",
    ]
