"""Idempotent seeding: insert what is missing, correct what differs, leave the rest alone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session, SQLModel, select

from services.common.audit import SYSTEM, record_change


def sync_record(
    session: Session,
    record: SQLModel,
    *,
    natural_key: dict[str, Any],
    audit: Table,
    entity: str,
    at: datetime,
    ignore: frozenset[str] = frozenset({"id"}),
    correct: bool = True,
) -> bool:
    """Make the stored row found by `natural_key` equal `record`; return whether anything changed.

    Inserts and corrections are audited as the system's, so a re-seed is visible in history and a
    seed that finds everything in place writes nothing at all. With `correct=False` an existing
    row keeps every value it has: records that users change through the API are never
    overwritten. Such a row that no user has changed yet (its first version) only has what the
    data files lacked filled in, e.g. a completion date found after the database was created.
    """
    model = type(record)
    existing = session.exec(select(model).filter_by(**natural_key)).first()
    wanted = record.model_dump(exclude=set(ignore))
    entity_id = ":".join(str(value) for value in natural_key.values())
    if existing is None:
        session.add(record)
        session.flush()
        _audit(session, audit, entity, entity_id, at, "seed", None, record.model_dump(mode="json"))
        return True
    stored = existing.model_dump(exclude=set(ignore))
    if not correct:
        wanted = _missing_values(existing, stored, wanted)
    if all(stored[field] == value for field, value in wanted.items()):
        return False
    before = existing.model_dump(mode="json")
    for field, value in wanted.items():
        setattr(existing, field, value)
    session.flush()
    _audit(session, audit, entity, entity_id, at, "seed", before, existing.model_dump(mode="json"))
    return True


def _missing_values(
    existing: SQLModel, stored: dict[str, Any], wanted: dict[str, Any]
) -> dict[str, Any]:
    """The values the data files have where a row no user has changed has none."""
    if getattr(existing, "version", 1) != 1:
        return {}
    return {f: v for f, v in wanted.items() if stored.get(f) is None and v is not None}


def _audit(
    session: Session,
    audit: Table,
    entity: str,
    entity_id: str,
    at: datetime,
    operation: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    record_change(
        session,
        audit,
        actor=SYSTEM,
        at=at,
        entity=entity,
        entity_id=entity_id,
        operation=operation,
        version=after.get("version", 1),
        before=before,
        after=after,
    )
