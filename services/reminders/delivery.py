"""Delivery: gather the due outbox rows into digests, send them, record every attempt.

At least once on the wire, exactly once in effect. A digest is formed and committed before it is
sent, so its id is fixed; each attempt is committed as `started` before the send and finished
after it, in the transaction that also marks the digest and its reminders delivered. A sender
killed mid-send leaves the digest undelivered: it is sent again under the same id, which the
receiver uses to drop the copy. A delivered digest is never sent again.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from services.common.audit import Actor
from services.common.db import writer
from services.common.errors import Conflict
from services.reminders import repository
from services.reminders.channels import Channel, DeliveryFailed
from services.reminders.digest import Addressee, Digest, EventView, Item
from services.reminders.models import Delivery, DeliveryAttempt, Event, Recipient, Reminder
from services.reminders.schemas import DeliveryStatus, ReminderStatus
from services.reminders.settings import RemindersSettings

logger = logging.getLogger(__name__)
SENDABLE = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


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


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    formed: int = 0
    expired: int = 0
    delivered: int = 0
    failed: int = 0


def new_digest_id() -> str:
    """Return a fresh digest id (kept in the database, so every retry reuses it)."""
    return f"dg_{uuid.uuid4().hex}"


def form_digests(session: Session, *, now: datetime) -> tuple[int, int]:
    """Group the due reminders by recipient, channel and day into digests; expire stale ones."""
    repository.lock_outbox(session)
    groups: dict[tuple[int, str, date], list[Reminder]] = defaultdict(list)
    expired = 0
    for row in repository.loose_reminders(session, due_by=now):
        if now >= row.expires_at:
            row.status, row.updated_at = ReminderStatus.EXPIRED, now
            expired += 1
        else:
            groups[(row.recipient_id, row.channel, row.due_at.date())].append(row)
    for (recipient_id, channel, day), rows in groups.items():
        last = repository.last_sequence(
            session, recipient_id=recipient_id, channel=channel, day=day
        )
        delivery = Delivery(
            id=new_digest_id(),
            recipient_id=recipient_id,
            channel=channel,
            day=day,
            sequence=last + 1,
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            created_at=now,
        )
        session.add(delivery)
        session.flush()
        for row in rows:
            row.delivery_id, row.updated_at = delivery.id, now
    session.flush()
    return len(groups), expired


def begin_attempt(session: Session, *, delivery_id: str, now: datetime) -> Digest | None:
    """Record the start of an attempt and return the digest to send (None: nothing to send)."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or delivery.status not in SENDABLE or delivery.next_attempt_at > now:
        return None
    recipient = session.get(Recipient, delivery.recipient_id)
    assert recipient is not None
    rows = repository.reminders_in(session, delivery_id=delivery_id)
    address = recipient.email if delivery.channel == "email" else recipient.webhook_url
    if not recipient.active or address is None:
        _settle(delivery, rows, DeliveryStatus.CANCELLED, ReminderStatus.CANCELLED, now)
        return None
    delivery.attempts += 1
    session.add(
        DeliveryAttempt(
            delivery_id=delivery_id,
            number=_last_attempt(session, delivery_id) + 1,
            started_at=now,
            outcome="started",
        )
    )
    events = {
        e.id: e
        for e in session.exec(select(Event).where(col(Event.id).in_({r.event_id for r in rows})))
    }
    return Digest(
        id=delivery.id,
        day=delivery.day,
        channel=delivery.channel,
        created_at=delivery.created_at,
        recipient=Addressee.of(recipient),
        items=tuple(Item(r.id or 0, r.offset_days, EventView.of(events[r.event_id])) for r in rows),
    )


def finish_attempt(
    session: Session,
    *,
    delivery_id: str,
    now: datetime,
    transport: str,
    error: str | None,
    policy: RetryPolicy,
) -> None:
    """Record an attempt's outcome; success marks the digest and its reminders delivered."""
    delivery = repository.get_delivery(session, delivery_id=delivery_id)
    attempt = repository.get_attempt(
        session, delivery_id=delivery_id, number=_last_attempt(session, delivery_id)
    )
    attempt.finished_at = now
    rows = repository.reminders_in(session, delivery_id=delivery_id)
    if error is None:
        attempt.outcome = "delivered"
        delivery.transport, delivery.last_error = transport, None
        _settle(delivery, rows, DeliveryStatus.DELIVERED, ReminderStatus.DELIVERED, now)
        delivery.delivered_at = now
        for row in rows:
            row.delivered_at = now
        return
    attempt.outcome, attempt.error = "failed", error[:1000]
    delivery.last_error = error[:1000]
    next_attempt = policy.next_attempt(attempts=delivery.attempts, now=now)
    if next_attempt is None:
        _settle(delivery, rows, DeliveryStatus.DEAD, ReminderStatus.DEAD, now)
        logger.error("delivery dead-lettered", extra={"delivery_id": delivery_id, "error": error})
    else:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.RETRYING, next_attempt


def _settle(
    delivery: Delivery, rows: Sequence[Reminder], status: str, row_status: str, now: datetime
) -> None:
    """Give a digest and its reminders their (final, or retrying) status together."""
    delivery.status = status
    for row in rows:
        row.status, row.updated_at = row_status, now


def _last_attempt(session: Session, delivery_id: str) -> int:
    found = session.exec(
        select(func.max(DeliveryAttempt.number)).where(
            col(DeliveryAttempt.delivery_id) == delivery_id
        )
    ).one()
    return int(found or 0)


def deliver_due(
    engine: Engine,
    *,
    now: Callable[[], datetime],
    channels: Mapping[str, Channel],
    policy: RetryPolicy,
    stop: threading.Event | None = None,
    concurrency: int = 1,
) -> DeliveryReport:
    """Form the due digests, then send each whose attempt is due, until done or told to stop."""
    report = DeliveryReport()
    with Session(writer(engine), expire_on_commit=False) as session:
        report.formed, report.expired = form_digests(session, now=now())
        session.commit()
    with Session(engine) as session:
        due = repository.sendable_deliveries(session, now=now())

    def send(delivery_id: str) -> bool | None:
        if stop is not None and stop.is_set():
            return None
        return send_one(engine, delivery_id=delivery_id, now=now, channels=channels, policy=policy)

    # Sends wait on the network, not on the database: several at once, so that one slow
    # receiver does not hold up the others.
    try:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="deliver") as pool:
            for delivered in pool.map(send, due):
                if delivered is not None:
                    report.delivered += delivered
                    report.failed += not delivered
    finally:
        for channel in channels.values():
            channel.close()
    return report


def send_one(
    engine: Engine,
    *,
    delivery_id: str,
    now: Callable[[], datetime],
    channels: Mapping[str, Channel],
    policy: RetryPolicy,
) -> bool | None:
    """Attempt one digest; return whether it went (None when there was nothing to send)."""
    with Session(writer(engine), expire_on_commit=False) as session:
        digest = begin_attempt(session, delivery_id=delivery_id, now=now())
        session.commit()
    if digest is None:
        return None
    channel = channels[digest.channel]
    error = _send(channel, digest)
    with Session(writer(engine)) as session:
        finish_attempt(
            session,
            delivery_id=delivery_id,
            now=now(),
            transport=channel.transport,
            error=error,
            policy=policy,
        )
        session.commit()
    return error is None


def _send(channel: Channel, digest: Digest) -> str | None:
    try:
        channel.send(digest)
    except DeliveryFailed as exc:
        logger.warning("delivery failed", extra={"delivery_id": digest.id, "error": str(exc)})
        return str(exc)
    except Exception as exc:
        # A bug in one digest must not stop the others, nor leave this attempt unrecorded.
        logger.exception("delivery crashed", extra={"delivery_id": digest.id})
        return f"internal error: {type(exc).__name__}"
    logger.info("delivered", extra={"delivery_id": digest.id, "transport": channel.transport})
    return None


def requeue(session: Session, *, delivery: Delivery, actor: Actor, now: datetime) -> None:
    """Give a dead-lettered digest a fresh round of attempts (its attempt log stays)."""
    if delivery.status != DeliveryStatus.DEAD:
        raise Conflict(f"Delivery {delivery.id} is {delivery.status}; only a dead one is retried.")
    before = repository.dump(delivery)
    rows = repository.reminders_in(session, delivery_id=delivery.id)
    _settle(delivery, rows, DeliveryStatus.RETRYING, ReminderStatus.PENDING, now)
    delivery.attempts, delivery.next_attempt_at = 0, now
    session.flush()
    repository.audit(
        session,
        entity="delivery",
        entity_id=delivery.id,
        version=1,
        before=before,
        after=repository.dump(delivery),
        actor=actor,
        at=now,
        operation="requeue",
    )
