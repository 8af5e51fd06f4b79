"""The scheduler's lease: at most one scheduler process runs the jobs at a time, and a process
that lost the lease can no longer write.

The lease is a row in the reminders database naming its holder, when it expires, and a token
that grows by one with every new holder. The holder renews it (every job does, and a heartbeat
besides); another process takes it over only once it has expired. A holder can be paused past
its lease (a stopped container, a long garbage collection, a frozen VM) and wake up believing it
still holds it: so every write transaction of the scheduler first checks, in the database, that
the lease's token is still the one it began its run with (`Fence.check`), and every send first
checks that the lease was renewed recently enough (`Fence.valid`). Lease times are real time,
even when CLOCK_TODAY pretends another day.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select, text

from services.common.db import write_session
from services.reminders.models import SchedulerLease

LEASE = "scheduler"
# How long a takeover waits for a holder's transaction that holds the lease row (PostgreSQL):
# a holder paused inside one must not stall its successor for ever.
LOCK_TIMEOUT = "2s"


class LeaseLost(Exception):
    """The lease this run began under has passed to another holder: it must write nothing more."""


@dataclass(frozen=True)
class Claim:
    """What a claim found: the token held (None when another holder has the lease), and
    whether this claim took the lease over from a previous holder."""

    token: int | None
    taken_over: bool = False


def claim(engine: Engine, *, holder: str, now: datetime, ttl: timedelta) -> Claim:
    """Take or renew the lease; a new holder gets the next token."""
    try:
        with write_session(engine) as session:
            _limit_lock_wait(session)
            lease = session.get(SchedulerLease, LEASE, with_for_update=True)
            if lease is None:
                session.add(_first(holder, now, ttl))
                return Claim(token=1, taken_over=True)
            if lease.holder == holder and lease.expires_at > now:
                lease.renewed_at, lease.expires_at = now, now + ttl
                return Claim(token=lease.token)
            if lease.expires_at > now:
                return Claim(token=None)
            # Expired: taken over, also by a holder coming back to it after a pause (another
            # may have held it in between), so the token moves on either way.
            lease.holder, lease.token = holder, lease.token + 1
            lease.acquired_at, lease.renewed_at, lease.expires_at = now, now, now + ttl
            return Claim(token=lease.token, taken_over=True)
    except IntegrityError:  # another process inserted the first lease at the same moment
        return Claim(token=None)
    except OperationalError:  # the row is held by a transaction that does not end (paused)
        return Claim(token=None)


def _first(holder: str, now: datetime, ttl: timedelta) -> SchedulerLease:
    return SchedulerLease(
        name=LEASE,
        holder=holder,
        token=1,
        acquired_at=now,
        renewed_at=now,
        expires_at=now + ttl,
    )


def _limit_lock_wait(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))


def release(engine: Engine, *, holder: str, now: datetime) -> None:
    """Give the lease up (it expires now), so that a restarted scheduler need not wait for it.

    The row stays: its token must keep growing, or a holder paused before the release could
    find its old token current again.
    """
    with write_session(engine) as session:
        session.execute(
            update(SchedulerLease)
            .where(col(SchedulerLease.name) == LEASE, col(SchedulerLease.holder) == holder)
            .values(expires_at=now)
        )


def current(engine: Engine) -> SchedulerLease | None:
    """Return the lease as it stands, if any scheduler ever held it."""
    with Session(engine, expire_on_commit=False) as session:
        return session.get(SchedulerLease, LEASE)


@dataclass
class Holding:
    """This process's hold on the lease, as its last claims found it (renewed by the jobs)."""

    holder: str
    token: int | None = None
    # Until when (monotonic) this process may act on its own: a margin before the lease's
    # expiry, counted from before the claim was sent.
    valid_until: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, found: Claim, *, claimed_at: float, ttl: timedelta) -> None:
        """Remember what a claim begun at `claimed_at` (monotonic) found."""
        with self._lock:
            if found.token is None:
                self.token, self.valid_until = None, 0.0
                return
            until = claimed_at + ttl.total_seconds() * 3 / 4  # a quarter's margin for skew
            if found.token == self.token:  # a renewal that began before another one ended
                until = max(until, self.valid_until)
            self.token, self.valid_until = found.token, until

    def fence(self) -> Fence:
        """A fence for a run starting now, under the token held (LeaseLost when none is)."""
        with self._lock:
            if self.token is None:
                raise LeaseLost(f"{self.holder} does not hold the lease")
            return Fence(token=self.token, holding=self)

    def still_valid(self, token: int) -> bool:
        """Whether `token` is still held, and was renewed recently enough to act on."""
        with self._lock:
            return self.token == token and time.monotonic() < self.valid_until


@dataclass(frozen=True)
class Fence:
    """What a scheduler run carries into every write: the token of the lease it began under."""

    token: int
    holding: Holding | None = None

    def check(self, session: Session) -> None:
        """Raise LeaseLost unless the lease's token is still this run's; first in a transaction.

        On PostgreSQL the lease row is then share-locked until the transaction ends, so no
        takeover commits in between; on SQLite the transaction holds the only write turn.
        """
        lease = session.exec(
            select(SchedulerLease)
            .where(col(SchedulerLease.name) == LEASE)
            .with_for_update(read=True)
        ).first()
        if lease is None or lease.token != self.token:
            raise LeaseLost(f"the lease passed from token {self.token} to another holder")

    def valid(self) -> bool:
        """Whether the run may still act (send) on its own: its lease renewed in time."""
        return self.holding is None or self.holding.still_valid(self.token)
