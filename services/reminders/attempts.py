"""The record of every attempt to send a digest: begun before the send, finished after it.

An attempt is committed as `started` before its digest goes out and finished, by its own row id,
after; only the run that began it may finish it, under the lease token it began with, and a
finished attempt never moves a delivered digest backwards. Attempts left `started` by a holder
that died or was paused past its lease are closed as `interrupted` by the next holder, and count
for nothing against the digest's retries. Every function costs a few queries per batch.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlmodel import Session, col, or_, select

from services.common import audit
from services.common.audit import Actor, document_of
from services.common.errors import Conflict
from services.reminders import titles, webhook_secrets
from services.reminders.channels import address_on
from services.reminders.digest import Addressee, Digest, Item, NoticeItem
from services.reminders.event_public import EventPublic
from services.reminders.lease import Fence
from services.reminders.models import (
    Delivery,
    DeliveryAttempt,
    Event,
    Notice,
    Recipient,
    Reminder,
    audit_log,
)
from services.reminders.repository import deliveries as delivery_repository
from services.reminders.repository import notices as notice_repository
from services.reminders.repository import outbox as outbox_repository
from services.reminders.repository.deliveries import SENDABLE
from services.reminders.schemas import DeliveryStatus, ReminderStatus
from services.reminders.settings import RemindersSettings
from services.reminders.sync import TITLES

logger = logging.getLogger(__name__)
Keyed = TypeVar("Keyed", Recipient, Event)
Row = Reminder | Notice  # what a digest carries


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff, and a dead letter after `max_attempts` failed attempts."""

    max_attempts: int
    base_seconds: int
    max_seconds: int

    @classmethod
    def of(cls, settings: RemindersSettings) -> RetryPolicy:
        """Read the policy from the settings."""
        return cls(settings.max_attempts, settings.retry_base_seconds, settings.retry_max_seconds)

    def next_attempt(self, *, attempts: int, now: datetime) -> datetime | None:
        """Return when to try again after `attempts` failures, or None to give up."""
        if attempts >= self.max_attempts:
            return None
        wait = min(self.max_seconds, self.base_seconds * 2 ** (attempts - 1))
        return now + timedelta(seconds=wait)


@dataclass(frozen=True)
class Begun:
    """A digest to send, and the attempt row recording this try."""

    digest: Digest
    attempt_id: int


@dataclass(frozen=True)
class Outcome:
    """How one attempt ended: sent (no error), failed (the error), or never sent (interrupted)."""

    attempt_id: int
    delivery_id: str
    transport: str
    error: str | None = None
    interrupted: bool = False


def _check(session: Session, fence: Fence | None) -> None:
    if fence is not None:
        fence.check(session)


def begin_attempts(
    session: Session, *, delivery_ids: Collection[str], now: datetime, fence: Fence | None = None
) -> list[Begun]:
    """Record the start of an attempt on each digest still due; return what to send."""
    _check(session, fence)
    deliveries = delivery_repository.due_deliveries(session, delivery_ids=delivery_ids, now=now)
    ids = [d.id for d in deliveries]
    recipients = _by_id(session, Recipient, {d.recipient_id for d in deliveries})
    secrets = webhook_secrets.signing_secrets(session, list(recipients), now=now)
    rows = outbox_repository.reminders_by_delivery(session, delivery_ids=ids)
    told = notice_repository.notices_by_delivery(session, delivery_ids=ids)
    events = _by_id(session, Event, {r.event_id for found in rows.values() for r in found})
    last = delivery_repository.last_attempts(session, delivery_ids=ids)
    started: list[tuple[Digest, DeliveryAttempt]] = []
    for delivery in deliveries:
        recipient = recipients[delivery.recipient_id]
        address = address_on(recipient, delivery.channel)
        if not recipient.active or recipient.paused_at is not None or address is None:
            # Deleted, paused, or its address on this channel removed, since the digest was formed.
            contents: list[Row] = [*rows[delivery.id], *told[delivery.id]]
            _settle(delivery, contents, DeliveryStatus.CANCELLED, ReminderStatus.CANCELLED, now)
            continue
        attempt = _start(session, delivery, last.get(delivery.id), now, fence)
        own_secrets = secrets.get(recipient.id or 0, ())
        addressee = Addressee.of(recipient, address=address, webhook_secrets=own_secrets)
        digest = _digest(delivery, addressee, rows[delivery.id], told[delivery.id], events)
        started.append((digest, attempt))
    session.flush()  # the attempts' ids
    return [Begun(digest, attempt.id or 0) for digest, attempt in started]


def _start(
    session: Session,
    delivery: Delivery,
    last: DeliveryAttempt | None,
    now: datetime,
    fence: Fence | None,
) -> DeliveryAttempt:
    """Count an attempt against its digest and add its row, numbered after the last one."""
    delivery.attempts += 1
    attempt = DeliveryAttempt(
        delivery_id=delivery.id,
        number=last.number + 1 if last is not None else 1,
        started_at=now,
        outcome="started",
        lease_token=fence.token if fence is not None else None,
    )
    session.add(attempt)
    return attempt


def _by_id(session: Session, model: type[Keyed], ids: Collection[int]) -> dict[int, Keyed]:
    return {row.id or 0: row for row in session.exec(select(model).where(col(model.id).in_(ids)))}


def _digest(
    delivery: Delivery,
    recipient: Addressee,
    rows: Sequence[Reminder],
    notices: Sequence[Notice],
    events: Mapping[int, Event],
) -> Digest:
    return Digest(
        id=delivery.id,
        day=delivery.day,
        channel=delivery.channel,
        created_at=delivery.created_at,
        recipient=recipient,
        items=tuple(
            Item(
                r.id or 0,
                r.offset_days,
                EventPublic.of(events[r.event_id], delivery.day),
                title=titles.title_in(recipient.language, events[r.event_id], TITLES),
            )
            for r in rows
        ),
        notices=tuple(
            NoticeItem(n.id or 0, n.kind, n.about_id, n.about_name, n.happened_at) for n in notices
        ),
    )


def _contents(session: Session, delivery_ids: Collection[str]) -> dict[str, list[Row]]:
    """The reminders and notices of several digests, by digest: they share their digest's fate."""
    rows: dict[str, list[Row]] = {
        key: list(found)
        for key, found in outbox_repository.reminders_by_delivery(
            session, delivery_ids=delivery_ids
        ).items()
    }
    for key, found in notice_repository.notices_by_delivery(
        session, delivery_ids=delivery_ids
    ).items():
        rows[key].extend(found)
    return rows


def finish_attempts(
    session: Session,
    *,
    outcomes: Sequence[Outcome],
    now: datetime,
    policy: RetryPolicy,
    fence: Fence | None = None,
) -> int:
    """Record how attempts ended, each on its own row; return how many were recorded.

    An attempt someone else closed meanwhile (a later holder found it orphaned) is left as it
    is; a digest already delivered (by another attempt) stays delivered.
    """
    _check(session, fence)
    attempts = _open_attempts(session, [o.attempt_id for o in outcomes], fence)
    ids = [attempt.delivery_id for attempt in attempts.values()]
    deliveries = {d.id: d for d in session.exec(select(Delivery).where(col(Delivery.id).in_(ids)))}
    rows = _contents(session, ids)
    recorded = 0
    for outcome in outcomes:
        attempt = attempts.get(outcome.attempt_id)
        if attempt is None:
            continue
        recorded += 1
        delivery = deliveries[attempt.delivery_id]
        attempt.finished_at = now
        if outcome.interrupted:
            _interrupted(delivery, attempt)
        elif delivery.status not in SENDABLE:
            # Delivered, cancelled or dead by another attempt: this one changes only its own row.
            attempt.outcome, attempt.error = _ended(outcome), outcome.error
        elif outcome.error is None:
            _delivered(delivery, attempt, rows[delivery.id], outcome.transport, now)
        else:
            _failed(delivery, attempt, rows[delivery.id], outcome.error, now, policy)
    return recorded


def _open_attempts(
    session: Session, attempt_ids: Iterable[int], fence: Fence | None
) -> dict[int, DeliveryAttempt]:
    query = select(DeliveryAttempt).where(
        col(DeliveryAttempt.id).in_(list(attempt_ids)), col(DeliveryAttempt.outcome) == "started"
    )
    if fence is not None:
        query = query.where(col(DeliveryAttempt.lease_token) == fence.token)
    return {attempt.id or 0: attempt for attempt in session.exec(query)}


def _ended(outcome: Outcome) -> str:
    return "delivered" if outcome.error is None else "failed"


def interrupt_orphans(session: Session, *, fence: Fence, now: datetime) -> int:
    """Close the attempts that holders before this one left `started`; return how many.

    Their sends may or may not have gone out: the digests stay due and go again under the same
    id, which receivers drop when they already have it.
    """
    fence.check(session)
    orphans = session.exec(
        select(DeliveryAttempt).where(
            col(DeliveryAttempt.outcome) == "started",
            or_(
                col(DeliveryAttempt.lease_token).is_(None),
                col(DeliveryAttempt.lease_token) < fence.token,
            ),
        )
    ).all()
    deliveries = {
        d.id: d
        for d in session.exec(
            select(Delivery).where(col(Delivery.id).in_({o.delivery_id for o in orphans}))
        )
    }
    for attempt in orphans:
        attempt.finished_at = now
        _interrupted(deliveries[attempt.delivery_id], attempt)
    return len(orphans)


def _interrupted(delivery: Delivery, attempt: DeliveryAttempt) -> None:
    # Nothing is known to have gone out: the attempt does not count against the digest's
    # retries, and the digest stays due for the next run.
    attempt.outcome = "interrupted"
    delivery.attempts = max(0, delivery.attempts - 1)


def _delivered(
    delivery: Delivery,
    attempt: DeliveryAttempt,
    rows: Sequence[Row],
    transport: str,
    now: datetime,
) -> None:
    attempt.outcome = "delivered"
    delivery.transport, delivery.last_error = transport, None
    _settle(delivery, rows, DeliveryStatus.DELIVERED, ReminderStatus.DELIVERED, now)
    delivery.delivered_at = now
    for row in rows:
        row.delivered_at = now


def _failed(
    delivery: Delivery,
    attempt: DeliveryAttempt,
    rows: Sequence[Row],
    error: str,
    now: datetime,
    policy: RetryPolicy,
) -> None:
    attempt.outcome, attempt.error = "failed", error[:1000]
    delivery.last_error = error[:1000]
    next_attempt = policy.next_attempt(attempts=delivery.attempts, now=now)
    if next_attempt is None:
        _settle(delivery, rows, DeliveryStatus.DEAD, ReminderStatus.DEAD, now)
        logger.error("delivery dead-lettered", extra={"delivery_id": delivery.id, "error": error})
    else:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.RETRYING, next_attempt


def _settle(
    delivery: Delivery, rows: Sequence[Row], status: str, row_status: str, now: datetime
) -> None:
    """Give a digest and its reminders and notices their (final, or retrying) status together."""
    delivery.status = status
    for row in rows:
        row.status, row.updated_at = row_status, now


def requeue(session: Session, *, delivery: Delivery, actor: Actor, now: datetime) -> None:
    """Give a dead-lettered digest a fresh round of attempts (its attempt log stays)."""
    if delivery.status != DeliveryStatus.DEAD:
        raise Conflict(f"Delivery {delivery.id} is {delivery.status}; only a dead one is retried.")
    before = document_of(delivery)
    rows = _contents(session, [delivery.id])[delivery.id]
    _settle(delivery, rows, DeliveryStatus.RETRYING, ReminderStatus.PENDING, now)
    delivery.attempts, delivery.next_attempt_at = 0, now
    session.flush()
    audit.record_change(
        session,
        audit_log,
        entity="delivery",
        entity_id=delivery.id,
        version=1,
        before=before,
        after=document_of(delivery),
        actor=actor,
        at=now,
        operation="requeue",
    )
