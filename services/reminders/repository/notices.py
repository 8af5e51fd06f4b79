"""Queries of the notices: what a state's contact points are told about one another."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from services.reminders.models import Notice, Recipient
from services.reminders.repository import recipients
from services.reminders.repository.window import window


def other_contacts(session: Session, *, of: Recipient) -> Sequence[Recipient]:
    """Return the state's other contact points that still receive reminders."""
    return session.exec(
        select(Recipient)
        .where(
            col(Recipient.role) == of.role,
            col(Recipient.iso3) == of.iso3,
            col(Recipient.id) != of.id,
            col(Recipient.active).is_(True),
            col(Recipient.paused_at).is_(None),
        )
        .order_by(col(Recipient.id))
    ).all()


def loose_notices(session: Session, *, due_by: datetime) -> Sequence[Notice]:
    """Return the pending notices not yet in a digest that are due by `due_by`."""
    return session.exec(
        select(Notice)
        .where(
            col(Notice.status) == "pending",
            col(Notice.delivery_id).is_(None),
            col(Notice.due_at) <= due_by,
        )
        .order_by(col(Notice.recipient_id), col(Notice.channel), col(Notice.id))
    ).all()


def notices_by_delivery(
    session: Session, *, delivery_ids: Collection[str]
) -> dict[str, list[Notice]]:
    """Return the notices of several digests, by digest."""
    found: dict[str, list[Notice]] = {delivery_id: [] for delivery_id in delivery_ids}
    for row in session.exec(
        select(Notice).where(col(Notice.delivery_id).in_(delivery_ids)).order_by(col(Notice.id))
    ):
        found[row.delivery_id or ""].append(row)
    return found


def notices_in(session: Session, *, delivery_id: str) -> Sequence[Notice]:
    """Return the notices of one digest."""
    return notices_by_delivery(session, delivery_ids=[delivery_id])[delivery_id]


def list_notices(
    session: Session, *, status: str | None, iso3: str | None, limit: int, offset: int
) -> tuple[Sequence[Notice], int]:
    """Return a window of the notices, newest first, and their count."""
    where: list[Any] = []
    if status is not None:
        where.append(col(Notice.status) == status)
    if iso3 is not None:
        where.append(col(Notice.recipient_id).in_(recipients.ids_of_state(iso3)))
    order = [col(Notice.created_at).desc(), col(Notice.id).desc()]
    return window(session, Notice, where=where, order_by=order, limit=limit, offset=offset)
