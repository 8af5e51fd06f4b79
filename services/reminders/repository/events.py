"""Queries of the events: meetings, dates and deadlines."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from services.common.errors import NotFound
from services.reminders.models import Event, Reminder
from services.reminders.repository import outbox
from services.reminders.repository.window import window


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
    order = [col(Event.starts_on), col(Event.id)]
    return window(session, Event, where=conditions, order_by=order, limit=limit, offset=offset)


def calendar_events(session: Session, *, iso3: str | None) -> Sequence[Event]:
    """Return the Convention calendar's events; with `iso3`, the Convention-wide ones (meetings,
    dates of no one party) and that party's own, never another party's deadlines."""
    listed = col(Event.on_calendar).is_(True)
    convention_wide = and_(listed, col(Event.iso3).is_(None))
    where = listed if iso3 is None else or_(convention_wide, col(Event.iso3) == iso3)
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
    open_rows = select(Reminder.event_id).where(*outbox.loose())
    query = select(Event).where(
        or_(col(Event.starts_on) >= since, col(Event.id).in_(open_rows.scalar_subquery()))
    )
    if event_ids is not None:
        query = query.where(col(Event.id).in_(event_ids))
    if kinds is not None:
        query = query.where(col(Event.kind).in_(kinds))
    return session.exec(query).all()
