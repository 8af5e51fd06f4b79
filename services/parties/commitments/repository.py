"""Queries and the audited write of commitments; keyword-only arguments, never a commit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from services.common.audit import Actor, document_of, record_change
from services.common.errors import PreconditionFailed
from services.parties.models import (
    Commitment,
    CommitmentStatusDay,
    CommitmentVersion,
    audit_log,
)


def commitments_of(session: Session, *, iso3: str) -> dict[int, Commitment]:
    """Return a party's stored commitments by action number."""
    rows = session.exec(select(Commitment).where(Commitment.iso3 == iso3)).all()
    return {row.action_number: row for row in rows}


def get_commitment(session: Session, *, iso3: str, action_number: int) -> Commitment | None:
    """Return a stored commitment, or None when the party never wrote one."""
    return session.get(Commitment, (iso3, action_number))


def save_commitment(
    session: Session,
    *,
    current: Commitment | None,
    iso3: str,
    action_number: int,
    values: dict[str, Any],
    actor: Actor,
    at: datetime,
) -> Commitment:
    """Write a new version of the commitment read (`current`; None: never written), its history
    row and its audit row; the caller checked that the version read is the one expected."""
    before = document_of(current)
    old_status = current.status if current else None
    if current is None:
        current = Commitment(
            iso3=iso3, action_number=action_number, updated_at=at, updated_by=actor.id, **values
        )
    for field, value in values.items():
        setattr(current, field, value)
    current.updated_at = at
    current.updated_by = actor.id
    session.add(current)
    # The flush bumps the version and guards against a concurrent writer: an UPDATE of a
    # version someone else changed fails (StaleDataError, 412), and so does a second first write.
    try:
        session.flush()
    except IntegrityError as exc:
        raise PreconditionFailed(
            "Another update of this commitment was committed first; read it again."
        ) from exc
    session.add(
        CommitmentVersion(
            iso3=iso3,
            action_number=action_number,
            version=current.version,
            recorded_at=at,
            recorded_by=actor.id,
            **values,
        )
    )
    record_change(
        session,
        audit_log,
        entity="commitment",
        entity_id=f"{iso3}:{action_number}",
        version=current.version,
        before=before,
        after=document_of(current),
        actor=actor,
        at=at,
    )
    # Last: every update of the day that changes a status waits for this row, so it is locked
    # for as little of the transaction as can be.
    count_status_change(session, day=at.date(), old=old_status, new=values["status"])
    return current


def count_status_change(session: Session, *, day: date, old: str | None, new: str) -> None:
    """Record, for `day`, one commitment leaving `old` (if any) for `new` (an atomic upsert)."""
    changes = {new: 1} if old is None else {old: -1, new: 1} if old != new else {}
    table = CommitmentStatusDay.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Rows in one order in every transaction: two opposite changes must not deadlock.
    for status, change in sorted(changes.items()):
        statement = upsert(table).values(day=day, status=status, change=change)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["day", "status"], set_={"change": table.c.change + change}
            )
        )
