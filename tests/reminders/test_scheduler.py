"""The scheduler as a real process on loopback, and killed with SIGKILL in the middle of a
delivery: restarted, it loses no reminder and no receiver sees a digest id twice in effect."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlmodel import Session, select

from services.common.db import create_engine
from services.common.settings import PROJECT_ROOT
from services.reminders import lease
from services.reminders.models import (
    JOBSTORE_TABLE,
    Delivery,
    DeliveryAttempt,
    Event,
    Reminder,
    SyncRun,
)
from tests.reminders.conftest import TODAY, add_recipient, at, plan, prepare_database
from tests.reminders.receivers import WEBHOOK_SECRET, SmtpServer, WebhookReceiver
from tools.processes import free_port, python_module, stop

SETTLE_TIMEOUT_S = 120.0
# Contact points of 34 states, on both channels, with three reminders each of the Standing
# Committees: 204 reminders, one digest each, to send on 20 June 2010.
STATES = [
    *("AFG", "ALB", "DZA", "AND", "AGO", "ATG", "ARG", "AUS", "AUT", "BHS", "BGD", "BRB"),
    *("BLR", "BEL", "BLZ", "BEN", "BTN", "BOL", "BIH", "BWA", "BRA", "BRN", "BGR", "BFA"),
    *("BDI", "KHM", "CMR", "CAN", "CPV", "CAF", "TCD", "CHL", "COL", "COM"),
]
HELD_REQUEST = 40  # the webhook request the receiver holds open while the sender is killed
STANDING_COMMITTEES = "seed:2010-06-21:standing-committees"


def scheduler_env(url: str, smtp: SmtpServer) -> dict[str, str]:
    return {
        "REMINDERS_DATABASE_URL": url,
        "KEYS_DATABASE_URL": url,
        "CLOCK_TODAY": "2010-06-20",  # the day before the Standing Committees open
        "REMINDERS_PARTIES_URL": f"http://127.0.0.1:{free_port()}",  # the parties service is down
        "REMINDERS_PARTIES_TIMEOUT_SECONDS": "1",
        "REMINDERS_SMTP_HOST": "127.0.0.1",
        "REMINDERS_SMTP_PORT": str(smtp.port),
        "REMINDERS_SMTP_SECURITY": "none",
        "REMINDERS_WEBHOOK_SECRET": WEBHOOK_SECRET,
        # Longer than the test takes to kill the process, so the held send never times out.
        "REMINDERS_WEBHOOK_TIMEOUT_SECONDS": "60",
        "REMINDERS_DELIVER_INTERVAL_SECONDS": "1",
        "REMINDERS_PLAN_INTERVAL_SECONDS": "5",
        "REMINDERS_LEASE_SECONDS": "4",
        "REMINDERS_RETRY_BASE_SECONDS": "1",
        "REMINDERS_LOG_JSON": "false",
        "REMINDERS_SCHEDULER_PORT": str(free_port()),  # its own /metrics and /healthz
    }


@contextmanager
def scheduler(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run `python -m services.reminders scheduler` until the block ends (then stop it by pid)."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            python_module("services.reminders", "scheduler"),
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            stop(process)


def wait_for(condition: Callable[[], bool], log: Path) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while not condition():
        assert time.monotonic() < deadline, log.read_text()[-5000:]
        time.sleep(0.2)


def rows(url: str, model: type[Any]) -> list[Any]:
    engine = create_engine(url)
    with Session(engine) as session:
        found: list[Any] = list(session.exec(select(model)).all())
    engine.dispose()
    return found


def standing_committee_reminders(url: str) -> list[Reminder]:
    engine = create_engine(url)
    with Session(engine) as session:
        event = session.exec(select(Event).where(Event.key == STANDING_COMMITTEES)).one()
        found = list(session.exec(select(Reminder).where(Reminder.event_id == event.id)).all())
    engine.dispose()
    return found


def settled(url: str) -> bool:
    open_digests = [d for d in rows(url, Delivery) if d.status in ("pending", "retrying")]
    reminders = standing_committee_reminders(url)
    return not open_digests and all(r.status == "delivered" for r in reminders)


def health(env: dict[str, str]) -> int:
    return subprocess.run(
        python_module("services.reminders", "scheduler-health"),
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        timeout=60,
        check=False,
    ).returncode


def test_killing_the_scheduler_mid_delivery_loses_none_and_duplicates_none(
    database_url: str, tmp_path: Path, smtp: SmtpServer, receiver: WebhookReceiver
) -> None:
    prepare_database(database_url)
    for n, iso3 in enumerate(STATES):
        add_recipient(
            database_url,
            iso3=iso3,
            name=f"Contact point of {iso3}",
            email=f"contact{n}@states.example",
            webhook_url=receiver.url,
        )
    plan(database_url, at(TODAY))
    env, log = scheduler_env(database_url, smtp), tmp_path / "scheduler.log"
    assert len(standing_committee_reminders(database_url)) == 6 * len(STATES) == 204
    receiver.hold_request_number = HELD_REQUEST  # recorded, then held open: mid-delivery
    with scheduler(env, log) as first:
        assert receiver.held.wait(SETTLE_TIMEOUT_S), log.read_text()[-5000:]
        first.kill()
        first.wait(30)
    receiver.release.set()
    held = receiver.requests()[HELD_REQUEST - 1].webhook_id
    with scheduler(env, log) as second:
        wait_for(lambda: settled(database_url), log)
        assert health(env) == 0
        assert stop(second, signal.SIGTERM) == 0
    assert health(env) == 1  # a clean stop gives the lease up
    assert "raised an exception" not in log.read_text()  # no job failed along the way

    deliveries = rows(database_url, Delivery)
    by_channel = {c: {d.id for d in deliveries if d.channel == c} for c in ("email", "webhook")}
    assert len(by_channel["email"]) == len(by_channel["webhook"]) == 3 * len(STATES)
    assert {d.status for d in deliveries} == {"delivered"}
    # At least once on the wire: the digest held when the sender died came again, same id...
    webhook_ids = [r.webhook_id for r in receiver.requests()]
    assert webhook_ids.count(held) == 2
    # ...exactly once in effect: one distinct id per digest, each a signed, verified request.
    assert set(webhook_ids) == by_channel["webhook"]
    assert all(r.verified for r in receiver.requests())
    message_ids = {m["Message-ID"].strip("<>").partition("@")[0] for m in smtp.messages}
    assert message_ids == by_channel["email"]
    # Every reminder is in exactly one digest that arrived: none lost, none twice.
    distinct = {r.webhook_id: r.json() for r in receiver.requests()}
    arrived = [item["id"] for body in distinct.values() for item in body["data"]["reminders"]]
    planned = [
        r.id or 0 for r in standing_committee_reminders(database_url) if r.channel == "webhook"
    ]
    assert sorted(arrived) == sorted(planned)
    # The attempt the killed scheduler left open was closed by its successor, and cost nothing.
    attempts = [a.outcome for a in rows(database_url, DeliveryAttempt) if a.delivery_id == held]
    assert attempts == ["interrupted", "delivered"]
    [redone] = [d for d in deliveries if d.id == held]
    assert redone.attempts == 1
    assert_jobs_persisted(database_url)


def assert_jobs_persisted(url: str) -> None:
    """The job store holds each job once, under its explicit id, coalescing, with hours of grace."""
    engine = create_engine(url)
    store = SQLAlchemyJobStore(engine=engine, tablename=JOBSTORE_TABLE)
    store.start(None, "default")
    jobs = {job.id: job for job in store.get_all_jobs()}
    engine.dispose()
    # (and `sync_deadlines_retry`, when a sync failed: the parties service is down here)
    assert set(jobs) >= {"deliver_reminders", "plan_reminders", "renew_lease", "sync_deadlines"}
    assert {(j.coalesce, j.misfire_grace_time, j.max_instances) for j in jobs.values()} == {
        (True, 6 * 3600, 1)
    }
    assert (
        jobs["deliver_reminders"].func_ref == "services.reminders.scheduler:deliver_reminders_job"
    )


def test_the_scheduler_serves_its_own_metrics_and_health(
    database_url: str, tmp_path: Path, smtp: SmtpServer
) -> None:
    prepare_database(database_url)
    add_recipient(database_url, iso3="UKR", name="Ukraine", email="mfa@ukr.example")
    plan(database_url, at(TODAY))
    env, log = scheduler_env(database_url, smtp), tmp_path / "scheduler.log"
    endpoint = f"http://127.0.0.1:{env['REMINDERS_SCHEDULER_PORT']}"
    with scheduler(env, log):
        wait_for(lambda: settled(database_url), log)
        wait_for(lambda: any(r.outcome == "failed" for r in rows(database_url, SyncRun)), log)
        wait_for(lambda: _answers(f"{endpoint}/healthz"), log)
        health = httpx.get(f"{endpoint}/healthz").json()
        assert health["status"] == "holding" and health["token"] >= 1
        metrics = httpx.get(f"{endpoint}/metrics").text
    assert "cm_scheduler_holds_lease 1.0" in metrics
    assert 'cm_reminders{channel="email",status="delivered"} 3.0' in metrics
    assert 'cm_deliveries{channel="email",status="delivered"}' in metrics
    assert "cm_reminders_delivery_lag_seconds 0.0" in metrics
    assert "process_resident_memory_bytes" in metrics and "python_gc_collections_total" in metrics
    # The parties service is down here: the sync never succeeded, and says so.
    assert "cm_deadline_sync_age_seconds +Inf" in metrics
    assert 'cm_deadline_sync_runs{outcome="failed"}' in metrics


def _answers(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_second_scheduler_runs_nothing_while_the_first_holds_the_lease(database_url: str) -> None:
    prepare_database(database_url)
    engine = create_engine(database_url)
    now, ttl = datetime(2026, 1, 1, 12, tzinfo=UTC), timedelta(minutes=2)

    def claim(holder: str, minutes: int) -> int | None:
        return lease.claim(
            engine, holder=holder, now=now + timedelta(minutes=minutes), ttl=ttl
        ).token

    try:
        assert claim("first", 0) == 1
        assert claim("second", 1) is None
        assert claim("first", 1) == 1  # a renewal keeps the token
        assert claim("second", 2) is None
        # The first one is gone: once its lease has expired, the second takes over, token 2.
        assert claim("second", 4) == 2
        assert claim("first", 4) is None
        lease.release(engine, holder="second", now=now + timedelta(minutes=5))
        released = lease.current(engine)
        assert released is not None and released.expires_at <= now + timedelta(minutes=5)
        # The row stays, so the token only grows: whoever comes next holds token 3.
        assert claim("first", 6) == 3
    finally:
        engine.dispose()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_scheduler_stops_cleanly_on_a_signal(
    database_url: str, tmp_path: Path, smtp: SmtpServer, signum: int
) -> None:
    prepare_database(database_url)
    env, log = scheduler_env(database_url, smtp), tmp_path / "scheduler.log"
    with scheduler(env, log) as process:
        wait_for(lambda: health(env) == 0, log)
        assert stop(process, signum) == 0
    assert "scheduler stopped" in log.read_text()
    assert "raised an exception" not in log.read_text()


def test_a_scheduler_started_by_mistake_waits_and_sends_nothing(
    database_url: str, tmp_path: Path, smtp: SmtpServer, receiver: WebhookReceiver
) -> None:
    prepare_database(database_url)
    add_recipient(database_url, iso3="AUT", name="Austria", webhook_url=receiver.url)
    plan(database_url, at(TODAY))
    engine = create_engine(database_url)
    hour = timedelta(hours=1)
    assert lease.claim(engine, holder="the-first", now=datetime.now(UTC), ttl=hour).token == 1
    env, log = scheduler_env(database_url, smtp), tmp_path / "scheduler.log"
    with scheduler(env, log) as second:
        wait_for(lambda: "waiting for the lease" in log.read_text(), log)
        assert stop(second, signal.SIGTERM) == 0
    held = lease.current(engine)
    engine.dispose()
    assert held is not None and held.holder == "the-first"
    assert (receiver.requests(), rows(database_url, Delivery)) == ([], [])


def test_two_schedulers_running_at_once_deliver_every_reminder_exactly_once(
    database_url: str, tmp_path: Path, smtp: SmtpServer, receiver: WebhookReceiver
) -> None:
    prepare_database(database_url)
    for n, iso3 in enumerate(STATES):
        add_recipient(
            database_url,
            iso3=iso3,
            name=f"Contact point of {iso3}",
            email=f"contact{n}@states.example",
            webhook_url=receiver.url,
        )
    plan(database_url, at(TODAY))
    env = scheduler_env(database_url, smtp)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with scheduler(env, logs[0]) as first, scheduler(env, logs[1]) as second:
        wait_for(lambda: settled(database_url), logs[0])
        # The lease kept one of them waiting (on a starved machine the two may even trade it).
        waiting = [log for log in logs if "waiting for the lease" in log.read_text()]
        assert waiting, [log.read_text()[-2000:] for log in logs]
        assert stop(first, signal.SIGTERM) == 0
        assert stop(second, signal.SIGTERM) == 0
    deliveries = rows(database_url, Delivery)
    assert {d.status for d in deliveries} == {"delivered"}
    webhook_ids = [r.webhook_id for r in receiver.requests()]
    assert sorted(webhook_ids) == sorted({d.id for d in deliveries if d.channel == "webhook"})
    message_ids = [m["Message-ID"].strip("<>").partition("@")[0] for m in smtp.messages]
    assert sorted(message_ids) == sorted({d.id for d in deliveries if d.channel == "email"})
    assert len(deliveries) == 6 * len(STATES)
