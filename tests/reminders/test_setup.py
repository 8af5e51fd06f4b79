"""Migrations, idempotent seeding, and the API as a real process on loopback."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from icalendar import Calendar
from sqlmodel import Session, col, select

from services.common import migrations
from services.common.auth import Role
from services.common.clock import Clock
from services.common.db import create_engine
from services.reminders.__main__ import COMMANDS
from services.reminders.models import JOBSTORE_TABLE, Event, Rule
from services.reminders.seed import SEED_SOURCE, seed_session
from tests.conftest import RuntimeRole
from tests.factories import bearer, create_key
from tests.reminders.conftest import TODAY, open_api, parties_down, prepare_database, row_counts
from tests.reminders.test_events import MSP_2011
from tests.runtime_roles import (
    assert_the_audit_log_refuses_changes,
    audit_row_count,
    set_up_with_runtime_role,
)
from tools.processes import free_port, python_module, running

SEVEN_DATES_2010 = [
    ("anniversary", date(2010, 3, 1), date(2010, 3, 1), None),
    ("deadline", date(2010, 3, 31), date(2010, 3, 31), None),
    ("deadline", date(2010, 4, 30), date(2010, 4, 30), None),
    ("deadline", date(2010, 5, 1), date(2010, 5, 1), "NIC"),
    ("deadline", date(2010, 6, 1), date(2010, 6, 1), "UKR"),
    ("standing_committees", date(2010, 6, 21), date(2010, 6, 25), None),
    ("meeting_of_states_parties", date(2010, 11, 29), date(2010, 12, 3), None),
]


def test_migrations_match_the_models_beside_the_scheduler_table(database_url: str) -> None:
    migrations.upgrade(COMMANDS.migrations, database_url)
    migrations.check(COMMANDS.migrations, database_url)
    engine = create_engine(database_url)
    # APScheduler creates its table on start; the migrations must neither want nor drop it.
    SQLAlchemyJobStore(engine=engine, tablename=JOBSTORE_TABLE).start(None, "default")
    engine.dispose()
    migrations.check(COMMANDS.migrations, database_url)
    migrations.upgrade(COMMANDS.migrations, database_url)


def test_seed_holds_the_seven_2010_dates_exactly(database_url: str) -> None:
    prepare_database(database_url)
    engine = create_engine(database_url)
    with Session(engine) as session:
        events = session.exec(select(Event).order_by(col(Event.starts_on))).all()
        rules = {rule.kind: rule for rule in session.exec(select(Rule)).all()}
    engine.dispose()
    assert [(e.kind, e.starts_on, e.ends_on, e.iso3) for e in events] == SEVEN_DATES_2010
    assert {e.source for e in events} == {SEED_SOURCE}
    assert [e.location for e in events][-2:] == ["Geneva", "Geneva"]
    assert rules["standing_committees"].before_days == [60, 30, 7]
    assert rules["meeting_of_states_parties"].before_days == [60, 30, 7]
    assert rules["review_conference"].before_days == [60, 30, 7]
    assert (rules["deadline"].before_days, rules["deadline"].after_days_unless_met) == (
        [30, 7],
        [1],
    )


def test_seeding_twice_changes_nothing(database_url: str) -> None:
    prepare_database(database_url)
    before = row_counts(database_url)
    assert (before["events"], before["rules"], before["audit_log"]) == (7, 6, 13)
    engine = create_engine(database_url)
    with Session(engine) as session:
        assert seed_session(session, clock=Clock(TODAY)) == 0
        session.commit()
    engine.dispose()
    assert row_counts(database_url) == before


def test_python_m_services_reminders_migrates_seeds_and_serves(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "REMINDERS_DATABASE_URL": f"sqlite:///{tmp_path / 'reminders.db'}",
        "KEYS_DATABASE_URL": f"sqlite:///{tmp_path / 'keys.db'}",
        "REMINDERS_PORT": str(port),
        "REMINDERS_PARTIES_URL": f"http://127.0.0.1:{free_port()}",
        "CLOCK_TODAY": TODAY.isoformat(),
    }
    with running(
        python_module("services.reminders"),
        env=env,
        health_url=f"{base}/readyz",
        log=tmp_path / "reminders.log",
    ):
        assert httpx.get(f"{base}/events", timeout=5).json()["total"] == 7
        feed = Calendar.from_ical(httpx.get(f"{base}/calendar.ics", timeout=5).content)
        assert len(feed.walk("VEVENT")) == 7
        # No sync has reached the parties service: ready, but degraded, and it says why.
        assert httpx.get(f"{base}/readyz", timeout=5).json()["status"] == "degraded"


def test_the_runtime_role_adds_meetings_but_cannot_rewrite_history(
    runtime_role: RuntimeRole,
) -> None:
    set_up_with_runtime_role("reminders", runtime_role, TODAY)
    admin = bearer(create_key(runtime_role.owner_url, Role.ADMIN))
    before = audit_row_count(runtime_role.url)
    with open_api(runtime_role.url, parties_down()) as client:
        response = client.post("/events", json=MSP_2011, headers=admin)
    assert response.status_code == 201, response.text
    assert audit_row_count(runtime_role.url) > before
    assert_the_audit_log_refuses_changes(runtime_role)
