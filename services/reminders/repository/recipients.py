"""Queries of the recipients: state contact points and committee members."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ScalarSelect, func
from sqlmodel import Session, col, select

from services.common.errors import Gone, NotFound
from services.reminders.models import Recipient
from services.reminders.repository.window import window


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
    order = [col(Recipient.id)]
    return window(session, Recipient, where=where, order_by=order, limit=limit, offset=offset)


def ids_of_state(iso3: str) -> ScalarSelect[int]:
    """Return a subquery of the ids of a state's recipients, to filter what they received."""
    return select(Recipient.id).where(col(Recipient.iso3) == iso3).scalar_subquery()


def active_recipients(
    session: Session, *, recipient_ids: Collection[int] | None
) -> Sequence[Recipient]:
    """Return the recipients that are reminded: active, not paused (of the given ids, if any)."""
    query = select(Recipient).where(
        col(Recipient.active).is_(True), col(Recipient.paused_at).is_(None)
    )
    if recipient_ids is not None:
        query = query.where(col(Recipient.id).in_(recipient_ids))
    return session.exec(query.order_by(col(Recipient.id))).all()
