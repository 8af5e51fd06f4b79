"""The scheduler's lease: at most one scheduler process runs the jobs at a time.

The lease is a row in the reminders database naming its holder and when it expires. The holder
renews it (every job does, and a heartbeat job besides); another process takes it over only once
it has expired. Lease times are real time, even when CLOCK_TODAY pretends another day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from services.common.db import writer
from services.reminders.models import SchedulerLease

LEASE = "scheduler"


def claim(engine: Engine, *, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease; return whether `holder` holds it now."""
    with Session(writer(engine)) as session:
        lease = session.get(SchedulerLease, LEASE, with_for_update=True)
        if lease is None:
            session.add(
                SchedulerLease(
                    name=LEASE, holder=holder, acquired_at=now, renewed_at=now, expires_at=now + ttl
                )
            )
        elif lease.holder == holder or lease.expires_at <= now:
            if lease.holder != holder:
                lease.holder, lease.acquired_at = holder, now
            lease.renewed_at, lease.expires_at = now, now + ttl
        else:
            return False
        try:
            session.commit()
        except IntegrityError:  # another process inserted the first lease at the same moment
            return False
    return True


def release(engine: Engine, *, holder: str) -> None:
    """Give the lease up, so that a restarted scheduler need not wait for it to expire."""
    with Session(writer(engine)) as session:
        session.execute(
            delete(SchedulerLease).where(
                col(SchedulerLease.name) == LEASE, col(SchedulerLease.holder) == holder
            )
        )
        session.commit()


def current(engine: Engine) -> SchedulerLease | None:
    """Return the lease as it stands, if any scheduler ever held it."""
    with Session(engine, expire_on_commit=False) as session:
        return session.get(SchedulerLease, LEASE)
