"""10,000 due reminders, planned and delivered to an SMTP server on loopback, timed."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from services.common.db import create_engine, writer
from services.reminders.attempts import RetryPolicy
from services.reminders.channels import channels_for
from services.reminders.delivery import deliver_due
from services.reminders.models import Event, Recipient, Rule
from services.reminders.planning import plan
from services.reminders.settings import RemindersSettings
from tools.processes import free_port

MEETING = date(2011, 6, 20)


@dataclass(frozen=True)
class RemindersRun:
    reminders: int
    delivered: int
    received: int
    plan_seconds: float
    deliver_seconds: float


def add_meeting_and_contacts(database_url: str, contacts: int, now: datetime) -> None:
    """One meeting a week ahead and `contacts` contact points: a reminder each, due now."""
    engine = create_engine(database_url)
    with Session(writer(engine)) as session:
        session.add(
            Event(
                key="bench:meeting",
                title="Meeting of the States Parties (benchmark)",
                kind="meeting_of_states_parties",
                starts_on=MEETING,
                ends_on=MEETING,
                location="Geneva",
                source="benchmark",
                origin="api",
                on_calendar=True,
                status="scheduled",
                created_at=now,
                updated_at=now,
                updated_by="bench",
            )
        )
        session.add_all(
            Recipient(
                role="state_contact",
                iso3="NIC",
                name=f"Contact {n}",
                email=f"contact{n}@bench.example",
                language="en",
                created_at=now,
                updated_at=now,
                updated_by="bench",
            )
            for n in range(contacts)
        )
        session.commit()
    engine.dispose()


def run(database_url: str, workdir: Path, *, reminders: int = 10_000) -> RemindersRun:
    """Plan and deliver `reminders` e-mail reminders, one per contact point; time both."""
    now = datetime.combine(MEETING - timedelta(days=7), datetime.min.time(), tzinfo=UTC)
    now += timedelta(hours=9)
    only_the_last_week_reminder(database_url)
    add_meeting_and_contacts(database_url, reminders, now)
    port, tally = free_port(), workdir / "smtp-received.txt"
    sink = subprocess.Popen([sys.executable, "-m", "bench.smtp_sink", str(port), str(tally)])
    try:
        wait_for_port(port)
        settings = RemindersSettings(
            database_url=database_url, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none"
        )
        engine = create_engine(database_url)
        started = time.perf_counter()
        with Session(writer(engine)) as session:
            outcome = plan(session, now=now, send_hour=settings.send_hour_utc)
            session.commit()
        planned = time.perf_counter()
        report = deliver_due(
            engine,
            now=lambda: now,
            channels=channels_for(settings),
            policy=RetryPolicy.of(settings),
            concurrency=settings.delivery_concurrency,
        )
        finished = time.perf_counter()
        engine.dispose()
    finally:
        sink.terminate()
        sink.wait(30)
    received = len(tally.read_text().splitlines()) if tally.exists() else 0
    return RemindersRun(
        reminders=outcome.created,
        delivered=report.delivered,
        received=received,
        plan_seconds=planned - started,
        deliver_seconds=finished - planned,
    )


def only_the_last_week_reminder(database_url: str) -> None:
    """Remind of meetings 7 days ahead only, so each contact point gets one reminder, not three."""
    engine = create_engine(database_url)
    with Session(writer(engine)) as session:
        rule = session.exec(select(Rule).where(Rule.kind == "meeting_of_states_parties")).one()
        rule.before_days = [7]
        session.add(rule)
        session.commit()
    engine.dispose()


def wait_for_port(port: int) -> None:
    """Wait (bounded) until something listens on a loopback port."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")
