"""The scheduler process (`python -m services.reminders scheduler`): sync, plan, deliver.

APScheduler 3 in a process of its own, with its job store in the reminders database. Jobs have
explicit ids and are (re)registered with `replace_existing=True` at every start, each to run at
once and then every interval: a restart catches up immediately. `coalesce` folds runs missed
while the process was busy or down into one, and a misfire grace of hours lets a late run still
start. Reminders themselves are outbox rows, not jobs: a run that never happened delays them, it
never drops them. A lease in the database lets one scheduler process at a time run the jobs.
SIGTERM or SIGINT stops it: the running job finishes its current send, the lease is released.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine

from services.common.clock import Clock
from services.common.db import create_engine, write_session, writer
from services.common.memory import limit_malloc_arenas
from services.common.observability import configure_logging
from services.common.startup import load_settings, run_guarded
from services.reminders import attempts, delivery, lease, planning, scheduler_http, sync
from services.reminders.attempts import RetryPolicy
from services.reminders.channels import channels_for
from services.reminders.channels.base import Sender
from services.reminders.clients import PartiesClient, parties_client
from services.reminders.models import JOBSTORE_TABLE
from services.reminders.settings import RemindersSettings

logger = logging.getLogger(__name__)
WORKERS = 5  # sync, follow, plan, deliver and the lease's heartbeat can all run at once


def wall_clock() -> datetime:
    """Return the real time: leases and APScheduler's timing ignore CLOCK_TODAY."""
    return datetime.now(UTC)


@dataclass
class Runtime:
    """What the jobs work with: the database, the clock, the channels, the parties service."""

    settings: RemindersSettings
    engine: Engine
    clock: Clock
    channels: dict[str, Sender]  # the sender of each channel, by channel name
    parties: Callable[[], PartiesClient]
    scheduler: Any = None  # set once built: a failed sync schedules its own retry
    deadlines_etag: str | None = None  # the parties' deadlines as last followed
    holder: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    )
    stop: threading.Event = field(default_factory=threading.Event)
    holding: lease.Holding = field(init=False)

    def __post_init__(self) -> None:
        self.holding = lease.Holding(self.holder)

    @classmethod
    def open(cls, settings: RemindersSettings) -> Runtime:
        """Connect to the database and build the senders the settings configure."""
        return cls(
            settings=settings,
            engine=create_engine(settings.database_url),
            clock=Clock(settings.clock_today),
            channels=channels_for(settings),
            parties=lambda: parties_client(settings),
        )

    def holds_lease(self) -> bool:
        """Take or renew the lease; False while another scheduler holds it.

        A holder that takes the lease over first closes the attempts its predecessors left
        open, under its new token.
        """
        ttl = timedelta(seconds=self.settings.lease_seconds)
        claimed_at = time.monotonic()
        found = lease.claim(self.engine, holder=self.holder, now=wall_clock(), ttl=ttl)
        self.holding.record(found, claimed_at=claimed_at, ttl=ttl)
        if found.token is not None and found.taken_over:
            with write_session(self.engine) as session:
                closed = attempts.interrupt_orphans(
                    session, fence=lease.Fence(found.token), now=self.clock.now()
                )
            logger.info("took the lease", extra={"token": found.token, "interrupted": closed})
        return found.token is not None

    def wait_for_lease(self) -> bool:
        """Block until this process holds the lease; False when told to stop meanwhile."""
        if self.holds_lease():
            return True
        logger.info("waiting for the lease", extra={"holder": self.holder})
        while not self.stop.wait(max(1, self.settings.lease_seconds // 4)):
            if self.holds_lease():
                return True
        return False

    def sync(self, fence: lease.Fence) -> None:
        """Pull every party's deadlines; plan at once when they changed, retry soon when failed."""
        run = sync.sync_deadlines(self.engine, self.parties, now=self.clock.now, fence=fence)
        if self.stop.is_set():
            return
        if run.outcome != "ok":
            # Not an hour later: the parties service is often just starting (`make run`).
            self.scheduler.add_job(
                sync_deadlines_job,
                "date",
                run_date=wall_clock() + timedelta(seconds=self.settings.sync_retry_seconds),
                id="sync_deadlines_retry",
                name="Retry a failed sync",
                replace_existing=True,
            )
        elif run.changed:
            self.plan(fence)

    def follow(self, fence: lease.Fence) -> None:
        """Sync when the parties' deadlines moved since last asked; plan at once if they did."""
        run, self.deadlines_etag = sync.follow_deadlines(
            self.engine, self.parties, now=self.clock.now, etag=self.deadlines_etag, fence=fence
        )
        if run is not None and run.outcome == "ok" and run.changed and not self.stop.is_set():
            self.plan(fence)

    def plan(self, fence: lease.Fence) -> None:
        """Plan the reminders the records call for."""
        with write_session(self.engine) as session:
            fence.check(session)
            outcome = planning.plan(
                session, now=self.clock.now(), send_hour=self.settings.send_hour_utc
            )
        logger.info("planned", extra={"plan": outcome.model_dump()})

    def deliver(self, fence: lease.Fence) -> None:
        """Send what is due."""
        report = delivery.deliver_due(
            self.engine,
            now=self.clock.now,
            channels=self.channels,
            policy=RetryPolicy.of(self.settings),
            stop=self.stop,
            concurrency=self.settings.delivery_concurrency,
            fence=fence,
        )
        logger.info("delivery run", extra={"delivery": vars(report)})


_runtime: Runtime | None = None


def runtime() -> Runtime:
    """Return this process's runtime (jobs are stored by name, so they cannot carry it)."""
    if _runtime is None:
        raise RuntimeError("the scheduler's runtime is not open")
    return _runtime


def _with_lease(work: Callable[[Runtime, lease.Fence], None]) -> None:
    current = runtime()
    if not current.holds_lease():
        logger.warning("another scheduler holds the lease: this run does nothing")
        return
    try:
        work(current, current.holding.fence())
    except lease.LeaseLost as lost:
        logger.warning("lost the lease: this run stops", extra={"reason": str(lost)})


def sync_deadlines_job() -> None:
    """Pull every party's deadlines from the parties service."""
    _with_lease(Runtime.sync)


def follow_deadlines_job() -> None:
    """Follow the parties' deadlines: sync as soon as one moves."""
    _with_lease(Runtime.follow)


def plan_reminders_job() -> None:
    """Plan reminders from events, rules and recipients."""
    _with_lease(Runtime.plan)


def deliver_reminders_job() -> None:
    """Send the digests that are due."""
    _with_lease(Runtime.deliver)


def renew_lease_job() -> None:
    """Keep the lease while long jobs run."""
    current = runtime()
    if current.stop.is_set():
        # Told to stop before the scheduler ran, so the signal could not shut it down.
        current.scheduler.shutdown(wait=False)
        return
    current.holds_lease()


def build_scheduler(current: Runtime, executor: Any) -> Any:
    """Return a BlockingScheduler with the jobs registered on the persistent store."""
    settings = current.settings
    scheduler = BlockingScheduler(
        # BEGIN IMMEDIATE on SQLite, like every writer of this database.
        jobstores={
            "default": SQLAlchemyJobStore(engine=writer(current.engine), tablename=JOBSTORE_TABLE)
        },
        executors={"default": executor},
        job_defaults={
            "coalesce": True,
            "misfire_grace_time": settings.misfire_grace_hours * 3600,
            "max_instances": 1,
        },
        timezone=UTC,
    )
    now = wall_clock()
    for job, seconds in (
        (renew_lease_job, max(1, settings.lease_seconds // 4)),
        (sync_deadlines_job, settings.sync_interval_seconds),
        (follow_deadlines_job, settings.sync_follow_seconds),
        (plan_reminders_job, settings.plan_interval_seconds),
        (deliver_reminders_job, settings.deliver_interval_seconds),
    ):
        scheduler.add_job(
            job,
            "interval",
            seconds=seconds,
            id=job.__name__.removesuffix("_job"),
            name=(job.__doc__ or "").strip(),
            replace_existing=True,
            next_run_time=now,
        )
    return scheduler


def run(settings: RemindersSettings) -> int:
    """Run the scheduler until SIGTERM or SIGINT."""
    global _runtime
    limit_malloc_arenas()
    current = _runtime = Runtime.open(settings)
    endpoint = scheduler_http.serve_in_background(
        host=settings.host,
        port=settings.scheduler_port,
        holding=current.holding,
        engine=current.engine,
        now=current.clock.now,
    )
    executor = ThreadPoolExecutor(WORKERS)
    scheduler = current.scheduler = build_scheduler(current, executor)

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("stopping", extra={"signal": signal.Signals(signum).name})
        current.stop.set()
        if scheduler.running:
            scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        # A scheduler restarted after a crash waits out its predecessor's lease, then catches up.
        if current.wait_for_lease():
            # A stop that came while the lease was being taken found no scheduler running to
            # shut down: it is honoured here (or, past this check, by the next lease renewal).
            if not current.stop.is_set():
                logger.info("scheduler started", extra={"holder": current.holder})
                scheduler.start()
                executor.shutdown(wait=True)  # the running jobs end after their current step
            lease.release(current.engine, holder=current.holder, now=wall_clock())
    finally:
        endpoint.should_exit = True
        current.engine.dispose()
    logger.info("scheduler stopped")
    return 0


def health(settings: RemindersSettings) -> int:
    """Exit 0 when a scheduler has renewed the lease in time (a liveness probe), else 1."""
    engine = create_engine(settings.database_url)
    try:
        held = lease.current(engine)
    finally:
        engine.dispose()
    if held is None or held.expires_at <= wall_clock():
        print("unhealthy: no scheduler has renewed the lease in time")
        return 1
    print(f"healthy: {held.holder} holds the lease until {held.expires_at.isoformat()}")
    return 0


def main(command: str, argv: Sequence[str]) -> int:
    """Run `scheduler` or `scheduler-health`."""
    argparse.ArgumentParser(
        prog=f"python -m services.reminders {command}",
        description="scheduler: sync deadlines, plan and deliver reminders until SIGTERM or "
        "SIGINT. scheduler-health: exit 0 when a scheduler holds a fresh lease.",
    ).parse_args(argv)
    program = f"python -m services.reminders {command}"
    return run_guarded(program, "REMINDERS_", lambda: _main(command))


def _main(command: str) -> int:
    settings = load_settings(RemindersSettings)
    configure_logging(
        level=settings.log_level, json=settings.log_json, service="reminders-scheduler"
    )
    problems = settings.production_problems()
    if problems:
        logger.error("refusing to start in production: %s", "; ".join(problems))
        return 2
    return health(settings) if command == "scheduler-health" else run(settings)
