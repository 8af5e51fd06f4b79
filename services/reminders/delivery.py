"""Delivery: gather the due outbox rows and notices into digests, send them, record every
attempt.

At least once on the wire, exactly once in effect. A digest is formed and committed before it is
sent, so its id is fixed; each attempt is committed as `started` before the send and finished
after it (`attempts`), in the transaction that also marks the digest and its reminders
delivered. A sender killed mid-send leaves the digest undelivered: it is sent again under the
same id, which the receiver uses to drop the copy. A delivered digest is never sent again.

Run by the scheduler, every transaction carries the lease's fence: a run whose lease passed to
another scheduler writes nothing more, and sends nothing more once its lease is too old to trust.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from services.common.db import write_session
from services.reminders import attempts
from services.reminders.attempts import Begun, Outcome, RetryPolicy
from services.reminders.channels.base import DeliveryFailed, Sender
from services.reminders.digest import Digest
from services.reminders.lease import Fence, LeaseLost
from services.reminders.models import Delivery, Notice, Reminder
from services.reminders.repository import deliveries as delivery_repository
from services.reminders.repository import locks
from services.reminders.repository import notices as notice_repository
from services.reminders.repository import outbox as outbox_repository
from services.reminders.schemas import DeliveryStatus, ReminderStatus

logger = logging.getLogger(__name__)
# How often a delivery run records the outcomes of the sends that finished meanwhile.
RECORD_EVERY_SECONDS = 0.05
DigestKey = tuple[int, str, date]  # recipient id, channel, day: one digest's reminders


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    formed: int = 0
    expired: int = 0
    delivered: int = 0
    failed: int = 0
    lease_lost: bool = False

    def count(self, outcomes: Iterable[Outcome]) -> None:
        """Tally the outcomes of attempts (an interrupted one sent nothing)."""
        for outcome in outcomes:
            if not outcome.interrupted:
                self.delivered += outcome.error is None
                self.failed += outcome.error is not None


def new_digest_id() -> str:
    """Return a fresh digest id (kept in the database, so every retry reuses it)."""
    return f"dg_{uuid.uuid4().hex}"


def form_digests(session: Session, *, now: datetime, fence: Fence | None = None) -> tuple[int, int]:
    """Group the due reminders and notices by recipient, channel and day into digests; expire
    stale reminders. Return how many digests were formed and how many reminders expired."""
    if fence is not None:
        fence.check(session)
    locks.lock_outbox(session)
    groups, expired = _group_due(outbox_repository.loose_reminders(session, due_by=now), now)
    for notice in notice_repository.loose_notices(session, due_by=now):
        groups[(notice.recipient_id, notice.channel, notice.due_at.date())].append(notice)
    last = delivery_repository.last_sequences(
        session,
        recipient_ids={recipient for recipient, _, _ in groups},
        days={day for _, _, day in groups},
    )
    digests = {key: _new_digest(key, last.get(key, 0) + 1, now) for key in groups}
    session.add_all(digests.values())
    session.flush()  # the digests exist before their rows point at them
    for key, rows in groups.items():
        for row in rows:
            row.delivery_id, row.updated_at = digests[key].id, now
    session.flush()
    return len(groups), expired


def _group_due(
    rows: Iterable[Reminder], now: datetime
) -> tuple[dict[DigestKey, list[Reminder | Notice]], int]:
    """Group the rows still worth sending by digest, expire the others; count the expired."""
    groups: dict[DigestKey, list[Reminder | Notice]] = defaultdict(list)
    expired = 0
    for row in rows:
        if now >= row.expires_at:
            row.status, row.updated_at = ReminderStatus.EXPIRED, now
            expired += 1
        else:
            groups[(row.recipient_id, row.channel, row.due_at.date())].append(row)
    return groups, expired


def _new_digest(key: DigestKey, sequence: int, now: datetime) -> Delivery:
    recipient_id, channel, day = key
    return Delivery(
        id=new_digest_id(),
        recipient_id=recipient_id,
        channel=channel,
        day=day,
        sequence=sequence,
        status=DeliveryStatus.PENDING,
        next_attempt_at=now,
        created_at=now,
    )


@dataclass
class _Run:
    """One delivery run: where it records, what it sends with, and under which lease."""

    engine: Engine
    now: Callable[[], datetime]
    channels: Mapping[str, Sender]  # the sender of each channel, by channel name
    policy: RetryPolicy
    stop: threading.Event
    fence: Fence | None

    def begin(self, delivery_ids: Collection[str]) -> list[Begun]:
        with write_session(self.engine, expire_on_commit=False) as session:
            return attempts.begin_attempts(
                session, delivery_ids=delivery_ids, now=self.now(), fence=self.fence
            )

    def finish(self, outcomes: Sequence[Outcome]) -> None:
        with write_session(self.engine) as session:
            attempts.finish_attempts(
                session, outcomes=outcomes, now=self.now(), policy=self.policy, fence=self.fence
            )

    def attempt(self, begun: Begun) -> Outcome:
        digest = begun.digest
        sender = self.channels[digest.channel]
        # Told to stop, or the lease is too old to trust: nothing goes out.
        if self.stop.is_set() or (self.fence is not None and not self.fence.valid()):
            return Outcome(begun.attempt_id, digest.id, sender.transport, interrupted=True)
        return Outcome(begun.attempt_id, digest.id, sender.transport, error=_send(sender, digest))


def deliver_due(
    engine: Engine,
    *,
    now: Callable[[], datetime],
    channels: Mapping[str, Sender],
    policy: RetryPolicy,
    stop: threading.Event | None = None,
    concurrency: int = 1,
    batch_size: int = 100,
    fence: Fence | None = None,
) -> DeliveryReport:
    """Form the due digests, then send each whose attempt is due, until done or told to stop.

    Attempts are begun a batch at a time and their outcomes recorded every fraction of a second,
    while `concurrency` threads send: sends wait on the network, so one slow receiver holds up
    neither the other sends nor the recording of theirs. Under a `fence` (the scheduler's lease),
    a run that finds its lease taken over stops at once and writes nothing more.
    """
    report = DeliveryReport()
    run = _Run(engine, now, channels, policy, stop or threading.Event(), fence)
    try:
        with write_session(engine, expire_on_commit=False) as session:
            report.formed, report.expired = form_digests(session, now=now(), fence=fence)
        with Session(engine) as session:
            due = deque(delivery_repository.sendable_deliveries(session, now=now()))
        _send_all(run, due, batch_size, concurrency, report)
    except LeaseLost as lost:
        logger.warning("lost the lease: this delivery run stops", extra={"reason": str(lost)})
        report.lease_lost = True
    finally:
        for sender in channels.values():
            sender.close()
    return report


def _send_all(
    run: _Run, due: deque[str], batch_size: int, concurrency: int, report: DeliveryReport
) -> None:
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="deliver") as pool:
        in_flight: set[Future[Outcome]] = set()
        try:
            while in_flight or (due and not run.stop.is_set()):
                if due and not run.stop.is_set() and len(in_flight) <= batch_size // 2:
                    batch = [
                        due.popleft() for _ in range(min(batch_size - len(in_flight), len(due)))
                    ]
                    in_flight.update(pool.submit(run.attempt, begun) for begun in run.begin(batch))
                    continue
                done, in_flight = wait(in_flight, timeout=RECORD_EVERY_SECONDS)
                if done:
                    outcomes = [future.result() for future in done]
                    run.finish(outcomes)
                    report.count(outcomes)
        except LeaseLost:
            # Whatever is in flight finishes its send (or, not yet sent, sends nothing) and is
            # recorded by nobody: the holder that took over closes those attempts.
            run.stop.set()
            raise


def _send(sender: Sender, digest: Digest) -> str | None:
    try:
        sender.send(digest)
    except DeliveryFailed as exc:
        logger.warning("delivery failed", extra={"delivery_id": digest.id, "error": str(exc)})
        return str(exc)
    except Exception as exc:
        # A bug in one digest must not stop the others, nor leave this attempt unrecorded.
        logger.exception("delivery crashed", extra={"delivery_id": digest.id})
        return f"internal error: {type(exc).__name__}"
    logger.info("delivered", extra={"delivery_id": digest.id, "transport": sender.transport})
    return None
