"""Queries of the outbox: one row per planned reminder."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from services.reminders.models import Reminder
from services.reminders.repository import recipients
from services.reminders.repository.window import window


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
        where.append(col(Reminder.recipient_id).in_(recipients.ids_of_state(iso3)))
    order = [col(Reminder.due_at), col(Reminder.id)]
    return window(session, Reminder, where=where, order_by=order, limit=limit, offset=offset)


def loose() -> tuple[Any, ...]:
    """Return the conditions of a loose reminder: pending, in no digest yet, so planning may
    still move or cancel it and digest forming may take it."""
    return (col(Reminder.status) == "pending", col(Reminder.delivery_id).is_(None))


def loose_reminders(session: Session, *, due_by: datetime) -> Sequence[Reminder]:
    """Return the pending rows not yet in a digest that are due by `due_by`."""
    return session.exec(
        select(Reminder)
        .where(*loose(), col(Reminder.due_at) <= due_by)
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
