"""Delivery: gather the due outbox rows into digests, send them, record every attempt.

At least once on the wire, exactly once in effect. A digest is formed and committed before it is
sent, so its id is fixed; each attempt is committed as `started` before the send and finished
after it, in the transaction that also marks the digest and its reminders delivered. A sender
killed mid-send leaves the digest undelivered: it is sent again under the same id, which the
receiver uses to drop the copy. A delivered digest is never sent again. Attempts are begun and
finished in batches, so a run's bookkeeping costs a few queries per batch, not per digest.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import Engine
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
# How often a delivery run records the outcomes of the sends that finished meanwhile.
RECORD_EVERY_SECONDS = 0.05
Keyed = TypeVar("Keyed", Recipient, Event)


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

    def count(self, outcomes: Iterable[Outcome]) -> None:
        """Tally the outcomes of attempts (an interrupted one sent nothing)."""
        for outcome in outcomes:
            if not outcome.interrupted:
                self.delivered += outcome.error is None
                self.failed += outcome.error is not None


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
    last = repository.last_sequences(
        session,
        recipient_ids={recipient for recipient, _, _ in groups},
        days={day for _, _, day in groups},
    )
    deliveries = {
        key: Delivery(
            id=new_digest_id(),
            recipient_id=key[0],
            channel=key[1],
            day=key[2],
            sequence=last.get(key, 0) + 1,
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            created_at=now,
        )
        for key in groups
    }
    session.add_all(deliveries.values())
    session.flush()  # the digests exist before their reminders point at them
    for key, rows in groups.items():
        for row in rows:
            row.delivery_id, row.updated_at = deliveries[key].id, now
    session.flush()
    return len(groups), expired


@dataclass(frozen=True)
class Outcome:
    """How one attempt ended: sent (no error), failed (the error), or never sent (interrupted)."""

    delivery_id: str
    transport: str
    error: str | None = None
    interrupted: bool = False


def begin_attempts(
    session: Session, *, delivery_ids: Collection[str], now: datetime
) -> list[Digest]:
    """Record the start of an attempt on each digest still due; return the digests to send.

    The whole batch costs a handful of queries, not a handful per digest: a run of ten thousand
    digests spends its time sending, not recording.
    """
    deliveries = session.exec(
        select(Delivery)
        .where(
            col(Delivery.id).in_(delivery_ids),
            col(Delivery.status).in_(SENDABLE),
            col(Delivery.next_attempt_at) <= now,
        )
        .order_by(col(Delivery.next_attempt_at), col(Delivery.id))
    ).all()
    ids = [d.id for d in deliveries]
    recipients = _by_id(session, Recipient, {d.recipient_id for d in deliveries})
    rows = repository.reminders_by_delivery(session, delivery_ids=ids)
    events = _by_id(session, Event, {r.event_id for found in rows.values() for r in found})
    last = repository.last_attempts(session, delivery_ids=ids)
    digests = []
    for delivery in deliveries:
        recipient = recipients[delivery.recipient_id]
        address = recipient.email if delivery.channel == "email" else recipient.webhook_url
        if not recipient.active or address is None:
            _settle(
                delivery, rows[delivery.id], DeliveryStatus.CANCELLED, ReminderStatus.CANCELLED, now
            )
            continue
        delivery.attempts += 1
        number = last[delivery.id].number + 1 if delivery.id in last else 1
        session.add(
            DeliveryAttempt(
                delivery_id=delivery.id, number=number, started_at=now, outcome="started"
            )
        )
        digests.append(_digest(delivery, recipient, rows[delivery.id], events))
    return digests


def _by_id(session: Session, model: type[Keyed], ids: Collection[int]) -> dict[int, Keyed]:
    return {row.id or 0: row for row in session.exec(select(model).where(col(model.id).in_(ids)))}


def _digest(
    delivery: Delivery, recipient: Recipient, rows: Sequence[Reminder], events: Mapping[int, Event]
) -> Digest:
    return Digest(
        id=delivery.id,
        day=delivery.day,
        channel=delivery.channel,
        created_at=delivery.created_at,
        recipient=Addressee.of(recipient),
        items=tuple(Item(r.id or 0, r.offset_days, EventView.of(events[r.event_id])) for r in rows),
    )


def finish_attempts(
    session: Session, *, outcomes: Sequence[Outcome], now: datetime, policy: RetryPolicy
) -> None:
    """Record how attempts ended; a sent digest is marked delivered with its reminders."""
    ids = [outcome.delivery_id for outcome in outcomes]
    deliveries = {d.id: d for d in session.exec(select(Delivery).where(col(Delivery.id).in_(ids)))}
    attempts = repository.last_attempts(session, delivery_ids=ids)
    rows = repository.reminders_by_delivery(session, delivery_ids=ids)
    for outcome in outcomes:
        delivery, attempt = deliveries[outcome.delivery_id], attempts[outcome.delivery_id]
        attempt.finished_at = now
        if outcome.interrupted:
            _interrupted(delivery, attempt)
        elif outcome.error is None:
            _delivered(delivery, attempt, rows[delivery.id], outcome.transport, now)
        else:
            _failed(delivery, attempt, rows[delivery.id], outcome.error, now, policy)


def _interrupted(delivery: Delivery, attempt: DeliveryAttempt) -> None:
    # Told to stop before sending: nothing went out, so the attempt does not count against the
    # digest's retries, and the digest stays due for the next run.
    attempt.outcome = "interrupted"
    delivery.attempts -= 1


def _delivered(
    delivery: Delivery,
    attempt: DeliveryAttempt,
    rows: Sequence[Reminder],
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
    rows: Sequence[Reminder],
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
    delivery: Delivery, rows: Sequence[Reminder], status: str, row_status: str, now: datetime
) -> None:
    """Give a digest and its reminders their (final, or retrying) status together."""
    delivery.status = status
    for row in rows:
        row.status, row.updated_at = row_status, now


def deliver_due(
    engine: Engine,
    *,
    now: Callable[[], datetime],
    channels: Mapping[str, Channel],
    policy: RetryPolicy,
    stop: threading.Event | None = None,
    concurrency: int = 1,
    batch_size: int = 100,
) -> DeliveryReport:
    """Form the due digests, then send each whose attempt is due, until done or told to stop.

    Attempts are begun a batch at a time and their outcomes recorded every fraction of a second,
    while `concurrency` threads send: sends wait on the network, so one slow receiver holds up
    neither the other sends nor the recording of theirs.
    """
    report = DeliveryReport()
    with Session(writer(engine), expire_on_commit=False) as session:
        report.formed, report.expired = form_digests(session, now=now())
        session.commit()
    with Session(engine) as session:
        due = deque(repository.sendable_deliveries(session, now=now()))
    stopped = stop or threading.Event()
    try:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="deliver") as pool:
            in_flight: set[Future[Outcome]] = set()
            while in_flight or (due and not stopped.is_set()):
                if due and not stopped.is_set() and len(in_flight) <= batch_size // 2:
                    batch = [
                        due.popleft() for _ in range(min(batch_size - len(in_flight), len(due)))
                    ]
                    for digest in _begin(engine, batch, now()):
                        in_flight.add(pool.submit(_attempt, channels, digest, stopped))
                    continue
                done, in_flight = wait(in_flight, timeout=RECORD_EVERY_SECONDS)
                if done:
                    outcomes = [future.result() for future in done]
                    _finish(engine, outcomes, now(), policy)
                    report.count(outcomes)
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
    digests = _begin(engine, [delivery_id], now())
    if not digests:
        return None
    outcome = _attempt(channels, digests[0], threading.Event())
    _finish(engine, [outcome], now(), policy)
    return outcome.error is None


def _begin(engine: Engine, delivery_ids: Collection[str], now: datetime) -> list[Digest]:
    with Session(writer(engine), expire_on_commit=False) as session:
        digests = begin_attempts(session, delivery_ids=delivery_ids, now=now)
        session.commit()
    return digests


def _finish(
    engine: Engine, outcomes: Sequence[Outcome], now: datetime, policy: RetryPolicy
) -> None:
    with Session(writer(engine)) as session:
        finish_attempts(session, outcomes=outcomes, now=now, policy=policy)
        session.commit()


def _attempt(channels: Mapping[str, Channel], digest: Digest, stop: threading.Event) -> Outcome:
    channel = channels[digest.channel]
    if stop.is_set():
        return Outcome(digest.id, channel.transport, interrupted=True)
    return Outcome(digest.id, channel.transport, error=_send(channel, digest))


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
