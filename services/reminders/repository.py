"""Queries and audited writes of the reminders service; keyword-only arguments, never a commit."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, text
from sqlmodel import Session, SQLModel, col, select

from services.common.audit import Actor, record_change
from services.common.errors import Gone, NotFound
from services.reminders.models import (
    Delivery,
    DeliveryAttempt,
    Event,
    Recipient,
    Reminder,
    Rule,
    SyncRun,
    audit_log,
)

# Any constants will do: they name the transaction locks taken on PostgreSQL.
OUTBOX_LOCK = 4_000_003
SYNC_LOCK = 4_000_004


def _lock(session: Session, key: int) -> None:
    # On SQLite every writer already runs alone (BEGIN IMMEDIATE).
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def lock_outbox(session: Session) -> None:
    """Serialize planning and digest forming, which both change pending outbox rows."""
    _lock(session, OUTBOX_LOCK)


def lock_sync(session: Session) -> None:
    """Serialize syncs, which insert deadlines by natural key."""
    _lock(session, SYNC_LOCK)


# ---------------------------------------------------------------- audit


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


def dump(row: SQLModel | None) -> dict[str, Any] | None:
    """Return a row as the JSON document the audit log keeps."""
    return None if row is None else row.model_dump(mode="json")


def create(
    session: Session, row: Event | Recipient, *, entity: str, actor: Actor, at: datetime
) -> None:
    """Insert a versioned row and audit its creation."""
    session.add(row)
    session.flush()
    audit(
        session,
        entity=entity,
        entity_id=str(row.id),
        version=row.version,
        before=None,
        after=dump(row),
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
    """Apply `values`, bump the version and audit the change; return False when nothing differs."""
    if all(getattr(row, field) == value for field, value in values.items()):
        return False
    before = dump(row)
    for field, value in values.items():
        setattr(row, field, value)
    row.updated_at = at
    row.updated_by = actor.id
    session.add(row)
    session.flush()  # bumps `version`, or fails with StaleDataError (412) if a writer came first
    audit(
        session,
        entity=entity,
        entity_id=entity_id,
        version=row.version,
        before=before,
        after=dump(row),
        actor=actor,
        at=at,
        operation=operation,
    )
    return True


# ---------------------------------------------------------------- events


def get_event(session: Session, *, event_id: int) -> Event:
    """Return one event or raise NotFound."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"There is no event {event_id}.")
    return event


def events_by_key(session: Session, *, prefix: str) -> dict[str, Event]:
    """Return the events whose natural key starts with `prefix`, by key."""
    rows = session.exec(select(Event).where(col(Event.key).startswith(prefix))).all()
    return {row.key: row for row in rows}


def list_events(
    session: Session,
    *,
    start_from: date | None,
    to: date | None,
    kind: str | None,
    iso3: str | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Event], int]:
    """Return a window of the events that overlap [start_from, to], by date, and their count."""
    conditions: list[Any] = []
    if start_from is not None:
        conditions.append(col(Event.ends_on) >= start_from)
    if to is not None:
        conditions.append(col(Event.starts_on) <= to)
    if kind is not None:
        conditions.append(col(Event.kind) == kind)
    if iso3 is not None:
        conditions.append(col(Event.iso3) == iso3)
    total = session.exec(select(func.count()).select_from(Event).where(*conditions)).one()
    rows = session.exec(
        select(Event)
        .where(*conditions)
        .order_by(col(Event.starts_on), col(Event.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return rows, total


def calendar_events(session: Session, *, iso3: str | None) -> Sequence[Event]:
    """Return the Convention calendar's events, plus one party's own when `iso3` is given."""
    listed = col(Event.on_calendar).is_(True)
    where = listed if iso3 is None else or_(listed, col(Event.iso3) == iso3)
    return session.exec(
        select(Event).where(where).order_by(col(Event.starts_on), col(Event.id))
    ).all()


def plannable_events(
    session: Session,
    *,
    since: date,
    event_ids: Collection[int] | None,
    kinds: Collection[str] | None,
) -> Sequence[Event]:
    """Return the events that may still need reminders, and those with reminders still pending."""
    open_rows = select(Reminder.event_id).where(
        col(Reminder.status) == "pending", col(Reminder.delivery_id).is_(None)
    )
    query = select(Event).where(
        or_(col(Event.starts_on) >= since, col(Event.id).in_(open_rows.scalar_subquery()))
    )
    if event_ids is not None:
        query = query.where(col(Event.id).in_(event_ids))
    if kinds is not None:
        query = query.where(col(Event.kind).in_(kinds))
    return session.exec(query).all()


# ---------------------------------------------------------------- rules


def list_rules(session: Session) -> Sequence[Rule]:
    """Return every rule, by kind."""
    return session.exec(select(Rule).order_by(col(Rule.kind))).all()


def get_rule(session: Session, *, kind: str) -> Rule:
    """Return the rule of one kind of event or raise NotFound."""
    rule = session.get(Rule, kind)
    if rule is None:
        raise NotFound(f"There is no rule for events of kind {kind!r}.")
    return rule


# ---------------------------------------------------------------- recipients


def get_recipient(
    session: Session,
    *,
    recipient_id: int,
    role: str,
    iso3: str | None,
    deleted: bool = False,
) -> Recipient:
    """Return a recipient of the given role (and state); NotFound if there is none, Gone if it
    was deleted (unless `deleted` asks for it: restoring one)."""
    recipient = session.get(Recipient, recipient_id)
    name = f"{role.replace('_', ' ')} {recipient_id}" + (f" of {iso3}" if iso3 else "")
    if recipient is None or recipient.role != role or recipient.iso3 != iso3:
        raise NotFound(f"There is no {name}.")
    if not recipient.active and not deleted:
        raise Gone(f"The {name} was deleted; an admin can restore it.")
    return recipient


def count_active(session: Session, *, iso3: str) -> int:
    """Return how many active contact points a state has."""
    return session.exec(
        select(func.count())
        .select_from(Recipient)
        .where(col(Recipient.iso3) == iso3, col(Recipient.active).is_(True))
    ).one()


def list_recipients(
    session: Session, *, role: str, iso3: str | None, limit: int, offset: int
) -> tuple[Sequence[Recipient], int]:
    """Return a window of the recipients of a role (and state), deleted ones left out."""
    where: list[Any] = [col(Recipient.role) == role, col(Recipient.active).is_(True)]
    if iso3 is not None:
        where.append(col(Recipient.iso3) == iso3)
    total = session.exec(select(func.count()).select_from(Recipient).where(*where)).one()
    rows = session.exec(
        select(Recipient).where(*where).order_by(col(Recipient.id)).limit(limit).offset(offset)
    ).all()
    return rows, total


def active_recipients(
    session: Session, *, recipient_ids: Collection[int] | None
) -> Sequence[Recipient]:
    """Return the active recipients (of the given ids, when some are given)."""
    query = select(Recipient).where(col(Recipient.active).is_(True))
    if recipient_ids is not None:
        query = query.where(col(Recipient.id).in_(recipient_ids))
    return session.exec(query.order_by(col(Recipient.id))).all()


# ---------------------------------------------------------------- outbox


def reminders_of(
    session: Session, *, event_ids: Collection[int], recipient_ids: Collection[int] | None
) -> Sequence[Reminder]:
    """Return every outbox row of the given events (and recipients)."""
    query = select(Reminder).where(col(Reminder.event_id).in_(event_ids))
    if recipient_ids is not None:
        query = query.where(col(Reminder.recipient_id).in_(recipient_ids))
    return session.exec(query).all()


def list_reminders(
    session: Session,
    *,
    status: str | None,
    event_id: int | None,
    iso3: str | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Reminder], int]:
    """Return a window of the outbox, soonest first, and its size."""
    where: list[Any] = []
    if status is not None:
        where.append(col(Reminder.status) == status)
    if event_id is not None:
        where.append(col(Reminder.event_id) == event_id)
    if iso3 is not None:
        of_state = select(Recipient.id).where(col(Recipient.iso3) == iso3)
        where.append(col(Reminder.recipient_id).in_(of_state.scalar_subquery()))
    total = session.exec(select(func.count()).select_from(Reminder).where(*where)).one()
    rows = session.exec(
        select(Reminder)
        .where(*where)
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return rows, total


def loose_reminders(session: Session, *, due_by: datetime) -> Sequence[Reminder]:
    """Return the pending rows not yet in a digest that are due by `due_by`."""
    return session.exec(
        select(Reminder)
        .where(
            col(Reminder.status) == "pending",
            col(Reminder.delivery_id).is_(None),
            col(Reminder.due_at) <= due_by,
        )
        .order_by(col(Reminder.recipient_id), col(Reminder.channel), col(Reminder.due_at))
    ).all()


def reminders_in(session: Session, *, delivery_id: str) -> Sequence[Reminder]:
    """Return the outbox rows of one digest."""
    return reminders_by_delivery(session, delivery_ids=[delivery_id])[delivery_id]


def reminders_by_delivery(
    session: Session, *, delivery_ids: Collection[str]
) -> dict[str, list[Reminder]]:
    """Return the outbox rows of several digests, by digest."""
    found: dict[str, list[Reminder]] = {delivery_id: [] for delivery_id in delivery_ids}
    for row in session.exec(
        select(Reminder)
        .where(col(Reminder.delivery_id).in_(delivery_ids))
        .order_by(col(Reminder.id))
    ):
        found[row.delivery_id or ""].append(row)
    return found


# ---------------------------------------------------------------- deliveries


def last_sequences(
    session: Session, *, recipient_ids: Collection[int], days: Collection[date]
) -> dict[tuple[int, str, date], int]:
    """Return the number of the last digest of each (recipient, channel, day) that has one."""
    found = session.exec(
        select(
            col(Delivery.recipient_id),
            col(Delivery.channel),
            col(Delivery.day),
            func.max(Delivery.sequence),
        )
        .where(col(Delivery.recipient_id).in_(recipient_ids), col(Delivery.day).in_(days))
        .group_by(col(Delivery.recipient_id), col(Delivery.channel), col(Delivery.day))
    ).all()
    return {(recipient, channel, day): last for recipient, channel, day, last in found}


def sendable_deliveries(session: Session, *, now: datetime) -> list[str]:
    """Return the ids of the digests whose next attempt is due, oldest first."""
    return list(
        session.exec(
            select(Delivery.id)
            .where(
                col(Delivery.status).in_(("pending", "retrying")),
                col(Delivery.next_attempt_at) <= now,
            )
            .order_by(col(Delivery.next_attempt_at), col(Delivery.id))
        ).all()
    )


def get_delivery(session: Session, *, delivery_id: str) -> Delivery:
    """Return one digest or raise NotFound."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound(f"There is no delivery {delivery_id!r}.")
    return delivery


def list_deliveries(
    session: Session, *, status: str | None, iso3: str | None, limit: int, offset: int
) -> tuple[Sequence[Delivery], int]:
    """Return a window of the digests, newest first, and their count."""
    where: list[Any] = []
    if status is not None:
        where.append(col(Delivery.status) == status)
    if iso3 is not None:
        of_state = select(Recipient.id).where(col(Recipient.iso3) == iso3)
        where.append(col(Delivery.recipient_id).in_(of_state.scalar_subquery()))
    total = session.exec(select(func.count()).select_from(Delivery).where(*where)).one()
    rows = session.exec(
        select(Delivery)
        .where(*where)
        .order_by(col(Delivery.created_at).desc(), col(Delivery.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return rows, total


def attempts_of(session: Session, *, delivery_id: str) -> Sequence[DeliveryAttempt]:
    """Return the attempts to send one digest, first first."""
    return session.exec(
        select(DeliveryAttempt)
        .where(col(DeliveryAttempt.delivery_id) == delivery_id)
        .order_by(col(DeliveryAttempt.number))
    ).all()


def last_attempts(session: Session, *, delivery_ids: Collection[str]) -> dict[str, DeliveryAttempt]:
    """Return the latest attempt of each of several digests that has one."""
    latest = (
        select(DeliveryAttempt.delivery_id, func.max(DeliveryAttempt.number).label("number"))
        .where(col(DeliveryAttempt.delivery_id).in_(delivery_ids))
        .group_by(col(DeliveryAttempt.delivery_id))
        .subquery()
    )
    rows = session.exec(
        select(DeliveryAttempt).join(
            latest,
            (col(DeliveryAttempt.delivery_id) == latest.c.delivery_id)
            & (col(DeliveryAttempt.number) == latest.c.number),
        )
    )
    return {attempt.delivery_id: attempt for attempt in rows}


# ---------------------------------------------------------------- sync runs


def last_sync(session: Session) -> SyncRun | None:
    """Return the latest sync with the parties service, if any ran."""
    return session.exec(select(SyncRun).order_by(col(SyncRun.id).desc()).limit(1)).first()
