"""Queries of the deliveries (the digests) and of the attempts to send them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.common.errors import NotFound
from services.reminders.models import Delivery, DeliveryAttempt
from services.reminders.repository import recipients
from services.reminders.repository.window import window
from services.reminders.schemas import DeliveryStatus

# The statuses of a digest that still has attempts to come.
SENDABLE = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


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
                col(Delivery.status).in_(SENDABLE),
                col(Delivery.next_attempt_at) <= now,
            )
            .order_by(col(Delivery.next_attempt_at), col(Delivery.id))
        ).all()
    )


def due_deliveries(
    session: Session, *, delivery_ids: Collection[str], now: datetime
) -> Sequence[Delivery]:
    """Return those of the given digests whose next attempt is due, oldest first."""
    return session.exec(
        select(Delivery)
        .where(
            col(Delivery.id).in_(delivery_ids),
            col(Delivery.status).in_(SENDABLE),
            col(Delivery.next_attempt_at) <= now,
        )
        .order_by(col(Delivery.next_attempt_at), col(Delivery.id))
    ).all()


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
        where.append(col(Delivery.recipient_id).in_(recipients.ids_of_state(iso3)))
    order = [col(Delivery.created_at).desc(), col(Delivery.id)]
    return window(session, Delivery, where=where, order_by=order, limit=limit, offset=offset)


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
