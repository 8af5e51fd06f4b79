"""Writes that the audit log records, in the session's transaction: versioned rows and the rest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from services.common import audit
from services.common.audit import Actor
from services.reminders.models import Event, Recipient, Rule, audit_log


def record(
    session: Session,
    *,
    entity: str,
    entity_id: str,
    version: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    actor: Actor,
    at: datetime,
    operation: str | None = None,
) -> None:
    """Record one change in the reminders' audit log."""
    audit.record_change(
        session,
        audit_log,
        actor=actor,
        at=at,
        entity=entity,
        entity_id=entity_id,
        operation=operation,
        version=version,
        before=before,
        after=after,
    )


def create(
    session: Session, row: Event | Recipient, *, entity: str, actor: Actor, at: datetime
) -> None:
    """Insert a versioned row and audit its creation."""
    session.add(row)
    session.flush()  # the row's id, which the audit record names
    record(
        session,
        entity=entity,
        entity_id=str(row.id),
        version=row.version,
        before=None,
        after=audit.document_of(row),
        actor=actor,
        at=at,
    )


def update_versioned(
    session: Session,
    row: Event | Recipient | Rule,
    *,
    entity: str,
    entity_id: str,
    values: dict[str, Any],
    actor: Actor,
    at: datetime,
    operation: str = "update",
) -> bool:
    """Apply `values`, bump the version and audit the change; return False when nothing differs.

    A write that changes nothing leaves the version, and so every ETag a client holds, as is.
    """
    if all(getattr(row, field) == value for field, value in values.items()):
        return False
    audit.update_versioned(
        session,
        audit_log,
        row,
        entity=entity,
        entity_id=entity_id,
        values=values,
        actor=actor,
        at=at,
        operation=operation,
    )
    return True
