"""Planning: events × rules × recipients → the outbox, idempotently.

Each wanted reminder has a key (event, lead time, recipient, channel) — the outbox's unique key —
and a nominal time: the event's start plus the lead time, at the send hour (UTC). Planning again
inserts what is missing, moves pending rows whose event moved, cancels pending rows nobody wants
any more (a met deadline, a removed lead time, a deactivated contact) and restores cancelled rows
that are wanted again. Rows already in a digest, delivered, expired or dead are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from services.common import audit
from services.common.audit import Actor
from services.reminders.channels import reachable_on
from services.reminders.models import Event, Recipient, Reminder, Rule, audit_log
from services.reminders.repository import events as event_repository
from services.reminders.repository import locks
from services.reminders.repository import outbox as outbox_repository
from services.reminders.repository import recipients as recipient_repository
from services.reminders.repository import rules as rule_repository
from services.reminders.schemas import (
    MAX_AFTER_DAYS,
    Audience,
    EventKind,
    PlanOutcome,
    ReminderStatus,
    Role,
)

PLANNER = Actor(id="planner", role="system")
# An "after" reminder ("the deadline passed yesterday") still helps a week late, not a year late.
AFTER_REMINDER_LIFETIME = timedelta(days=7)
LOOKBACK = timedelta(days=MAX_AFTER_DAYS) + AFTER_REMINDER_LIFETIME

Key = tuple[int, int, int, str]  # event id, offset in days, recipient id, channel


@dataclass(frozen=True)
class Scope:
    """Which part of the outbox a planning run may change (everything by default)."""

    event_ids: frozenset[int] | None = None
    kinds: frozenset[str] | None = None
    recipient_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class Slot:
    """When a wanted reminder is due (nominally) and when it stops being worth sending."""

    due_at: datetime
    expires_at: datetime


def slot_of(starts_on: date, offset_days: int, *, send_hour: int) -> Slot:
    """Return the nominal time of a reminder `offset_days` from an event's start."""
    nominal = datetime.combine(starts_on + timedelta(days=offset_days), time(send_hour), UTC)
    if offset_days < 0:
        # A reminder "before" is pointless once the event has begun.
        return Slot(nominal, datetime.combine(starts_on, time.min, UTC))
    return Slot(nominal, nominal + AFTER_REMINDER_LIFETIME)


def offsets_of(event: Event, rule: Rule) -> list[int]:
    """Return the lead times that apply to an event: none once a deadline is met."""
    if event.status == "met":
        return []
    before = [-days for days in rule.before_days]
    # Only a party's own deadline has a status to check; "unless met" means nothing elsewhere.
    tracked = event.kind == EventKind.DEADLINE and event.iso3 is not None
    return before + (list(rule.after_days_unless_met) if tracked else [])


def audience_of(event: Event, audience: str, recipients: Iterable[Recipient]) -> list[Recipient]:
    """Return who gets an event's reminders: its state's contacts (every state's when it
    concerns none), committee members, or both."""
    states = audience in (Audience.ALL, Audience.STATES)
    committee = audience in (Audience.ALL, Audience.COMMITTEE)
    return [
        r
        for r in recipients
        if (committee and r.role == Role.COMMITTEE_MEMBER)
        or (states and r.role == Role.STATE_CONTACT and event.iso3 in (None, r.iso3))
    ]


def wanted(
    events: Iterable[Event],
    rules: dict[str, Rule],
    recipients: Sequence[Recipient],
    *,
    send_hour: int,
    now: datetime,
) -> dict[Key, Slot]:
    """Return every reminder the records call for that has not expired."""
    found: dict[Key, Slot] = {}
    for event in events:
        rule = rules.get(event.kind)
        if rule is None or event.id is None:
            continue
        people = audience_of(event, rule.audience, recipients)
        for offset in offsets_of(event, rule):
            slot = slot_of(event.starts_on, offset, send_hour=send_hour)
            if now >= slot.expires_at:
                continue
            for person in people:
                assert person.id is not None
                for channel in reachable_on(person):
                    found[(event.id, offset, person.id, channel)] = slot
    return found


def due_time(nominal: datetime, now: datetime, current: datetime | None = None) -> datetime:
    """Return when a reminder goes: on time, at once when late, and never in the past."""
    if nominal > now:
        return nominal
    # Already due: leave it be, or re-planning would move it to "now" on every run.
    if current is not None and current <= now:
        return current
    return now


def plan(
    session: Session,
    *,
    now: datetime,
    send_hour: int,
    scope: Scope = Scope(),
    actor: Actor = PLANNER,
) -> PlanOutcome:
    """Bring the outbox in line with the events, rules and recipients in scope."""
    locks.lock_outbox(session)
    events = event_repository.plannable_events(
        session, since=(now - LOOKBACK).date(), event_ids=scope.event_ids, kinds=scope.kinds
    )
    rules = {rule.kind: rule for rule in rule_repository.list_rules(session)}
    people = recipient_repository.active_recipients(session, recipient_ids=scope.recipient_ids)
    want = wanted(events, rules, people, send_hour=send_hour, now=now)
    rows = outbox_repository.reminders_of(
        session,
        event_ids=[e.id for e in events if e.id is not None],
        recipient_ids=scope.recipient_ids,
    )
    outcome = PlanOutcome()
    for row in rows:
        _reconcile(row, want.get(_key(row)), now, outcome)
    known = {_key(row) for row in rows}
    for key, slot in want.items():
        if key not in known:
            session.add(_new_row(key, slot, now))
            outcome.created += 1
    session.flush()
    if outcome.changed:
        audit.record_change(
            session,
            audit_log,
            entity="outbox",
            entity_id="plan",
            version=1,
            before=None,
            after=outcome.model_dump(),
            actor=actor,
            at=now,
            operation="plan",
        )
    return outcome


def _key(row: Reminder) -> Key:
    return (row.event_id, row.offset_days, row.recipient_id, row.channel)


def _reconcile(row: Reminder, slot: Slot | None, now: datetime, outcome: PlanOutcome) -> None:
    """Move, cancel, expire or restore one outbox row; rows in flight or done stay as they are."""
    if row.status == ReminderStatus.CANCELLED and slot is not None:
        # A cancelled row was never sent; if a digest held it, that digest was cancelled unsent.
        row.status, row.delivery_id = ReminderStatus.PENDING, None
        row.due_at, row.expires_at = due_time(slot.due_at, now), slot.expires_at
        row.updated_at = now
        outcome.restored += 1
        return
    if row.status != ReminderStatus.PENDING or row.delivery_id is not None:
        return
    if slot is None:
        row.updated_at = now
        if now >= row.expires_at:
            row.status = ReminderStatus.EXPIRED
            outcome.expired += 1
        else:
            row.status = ReminderStatus.CANCELLED
            outcome.cancelled += 1
        return
    due = due_time(slot.due_at, now, row.due_at)
    if (due, slot.expires_at) != (row.due_at, row.expires_at):
        row.due_at, row.expires_at, row.updated_at = due, slot.expires_at, now
        outcome.moved += 1


def _new_row(key: Key, slot: Slot, now: datetime) -> Reminder:
    event_id, offset, recipient_id, channel = key
    return Reminder(
        event_id=event_id,
        offset_days=offset,
        recipient_id=recipient_id,
        channel=channel,
        due_at=due_time(slot.due_at, now),
        expires_at=slot.expires_at,
        status=ReminderStatus.PENDING,
        created_at=now,
        updated_at=now,
    )
