"""Queries and audited writes of the parties service; keyword-only arguments, never a commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from services.common.audit import Actor, record_change
from services.common.errors import NotFound, PreconditionFailed
from services.parties.models import (
    Article5Extension,
    Article7Report,
    Commitment,
    CommitmentStatusDay,
    CommitmentVersion,
    ConventionFigure,
    ExtensionRequest,
    Obligations,
    State,
    audit_log,
)

PENDING_REQUEST_STATUSES = ("submitted", "under_analysis")


# ---------------------------------------------------------------- states


def get_state(session: Session, *, iso3: str) -> State:
    """Return one of the 195 states or raise NotFound."""
    state = session.get(State, iso3.upper())
    if state is None:
        raise NotFound(f"There is no state with ISO 3166 alpha-3 code {iso3.upper()!r}.")
    return state


def get_party(session: Session, *, iso3: str) -> State:
    """Return a State Party or raise NotFound (also for a state that is not party)."""
    state = get_state(session, iso3=iso3)
    if state.status != "party":
        raise NotFound(f"{state.name} ({state.iso3}) is not a State Party.")
    return state


# ---------------------------------------------------------------- obligations and records


def get_obligations(session: Session, *, iso3: str) -> Obligations:
    """Return a party's obligations row."""
    obligations = session.get(Obligations, iso3)
    if obligations is None:
        raise NotFound(f"No obligations are recorded for {iso3}.")
    return obligations


def extensions_of(session: Session, *, iso3: str) -> Sequence[Article5Extension]:
    """Return the Article 5 extensions granted to a party, oldest first."""
    return session.exec(
        select(Article5Extension)
        .where(Article5Extension.iso3 == iso3)
        .order_by(col(Article5Extension.granted_on), col(Article5Extension.id))
    ).all()


def reports_of(session: Session, *, iso3: str) -> Sequence[Article7Report]:
    """Return a party's recorded Article 7 reports."""
    return session.exec(
        select(Article7Report)
        .where(Article7Report.iso3 == iso3)
        .order_by(col(Article7Report.period))
    ).all()


def get_report(session: Session, *, iso3: str, period: str) -> Article7Report | None:
    """Return a party's report for a period, if recorded."""
    return session.exec(
        select(Article7Report).where(Article7Report.iso3 == iso3, Article7Report.period == period)
    ).first()


def has_pending_request(session: Session, *, iso3: str) -> bool:
    """Tell whether a party has an extension request not yet decided."""
    return (
        session.exec(
            select(ExtensionRequest.id).where(
                ExtensionRequest.iso3 == iso3,
                col(ExtensionRequest.status).in_(PENDING_REQUEST_STATUSES),
            )
        ).first()
        is not None
    )


def list_requests(session: Session, *, iso3: str) -> Sequence[ExtensionRequest]:
    """Return a party's extension requests, newest first."""
    return session.exec(
        select(ExtensionRequest)
        .where(ExtensionRequest.iso3 == iso3)
        .order_by(col(ExtensionRequest.id).desc())
    ).all()


def get_request(session: Session, *, iso3: str, request_id: int) -> ExtensionRequest:
    """Return one extension request of a party or raise NotFound."""
    request = session.get(ExtensionRequest, request_id)
    if request is None or request.iso3 != iso3:
        raise NotFound(f"{iso3} has no extension request {request_id}.")
    return request


# ---------------------------------------------------------------- commitments


def commitments_of(session: Session, *, iso3: str) -> dict[int, Commitment]:
    """Return a party's stored commitments by action number."""
    rows = session.exec(select(Commitment).where(Commitment.iso3 == iso3)).all()
    return {row.action_number: row for row in rows}


def get_commitment(session: Session, *, iso3: str, action_number: int) -> Commitment | None:
    """Return a stored commitment, or None when the party never wrote one."""
    return session.get(Commitment, (iso3, action_number))


def commitments_for_action(session: Session, *, action_number: int) -> dict[str, Commitment]:
    """Return every stored commitment on one action, by party."""
    rows = session.exec(select(Commitment).where(Commitment.action_number == action_number)).all()
    return {row.iso3: row for row in rows}


def save_commitment(
    session: Session,
    *,
    iso3: str,
    action_number: int,
    values: dict[str, Any],
    expected_version: int,
    actor: Actor,
    at: datetime,
) -> Commitment:
    """Write a new version of a commitment, its history row and its audit row."""
    current = get_commitment(session, iso3=iso3, action_number=action_number)
    if (current.version if current is not None else 0) != expected_version:
        raise PreconditionFailed("The commitment changed since you read it; read it again.")
    before = _dump(current)
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
    audit(
        session,
        entity="commitment",
        entity_id=f"{iso3}:{action_number}",
        version=current.version,
        before=before,
        after=_dump(current),
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


def status_counts_as_of(session: Session, *, day: date) -> dict[str, int]:
    """How many commitments were in each status at the end of `day`."""
    rows = session.execute(
        select(CommitmentStatusDay.status, func.sum(CommitmentStatusDay.change))
        .where(col(CommitmentStatusDay.day) <= day)
        .group_by(col(CommitmentStatusDay.status))
    ).all()
    return {status: int(total) for status, total in rows if total}


# ---------------------------------------------------------------- audited updates


def audit(
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
    """Record one change in the audit log, in the session's transaction."""
    record_change(
        session,
        audit_log,
        actor=actor,
        at=at,
        entity=entity,
        entity_id=entity_id,
        operation=operation or ("create" if before is None else "update"),
        version=version,
        before=before,
        after=after,
    )


def update_versioned(
    session: Session,
    row: State | Obligations | ExtensionRequest,
    *,
    entity: str,
    entity_id: str,
    values: dict[str, Any],
    actor: Actor,
    at: datetime,
    operation: str = "update",
) -> None:
    """Apply `values` to a versioned row, bump its version and audit the change."""
    before = _dump(row)
    for field, value in values.items():
        setattr(row, field, value)
    if isinstance(row, Obligations | ExtensionRequest):
        row.updated_at = at
    if isinstance(row, Obligations):
        row.updated_by = actor.id
    session.add(row)
    session.flush()  # bumps `version`, or fails with StaleDataError (412) if a writer came first
    audit(
        session,
        entity=entity,
        entity_id=entity_id,
        version=row.version,
        before=before,
        after=_dump(row),
        actor=actor,
        at=at,
        operation=operation,
    )


def _dump(row: SQLModel | None) -> dict[str, Any] | None:
    return None if row is None else row.model_dump(mode="json")


# ---------------------------------------------------------------- figures


def latest_figures(session: Session) -> dict[str, ConventionFigure]:
    """Return the most recent value of every Convention-wide figure."""
    rows = session.exec(
        select(ConventionFigure).order_by(
            col(ConventionFigure.key), col(ConventionFigure.recorded_at)
        )
    ).all()
    return {row.key: row for row in rows}
