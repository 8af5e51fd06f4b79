"""Planning, as properties over any event, day, send hour and move: reminders before an event are
never after it, none is due in the past, every time is UTC, planning again changes nothing, and a
moved event leaves no reminder at its old dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from services.common.db import create_engine
from services.reminders import planning
from services.reminders.models import Event, Reminder
from services.reminders.repository import recipients as recipient_repository
from services.reminders.repository import rules as rule_repository
from services.reminders.schemas import EventKind, ReminderStatus
from tests.reminders.conftest import TODAY, add_recipient, prepare_database

SEND_HOUR = 8
DAYS = st.dates(min_value=date(2010, 1, 1), max_value=date(2016, 12, 31))
MOMENTS = st.datetimes(
    min_value=datetime(2010, 1, 1), max_value=datetime(2016, 12, 31), timezones=st.just(UTC)
)
KINDS = st.sampled_from([k.value for k in EventKind])
PROPERTIES = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('planning')) / 'reminders.db'}"
    prepare_database(url)
    add_recipient(url, iso3="NIC", name="Nicaragua", email="cnd@nic.example")
    add_recipient(url, role="committee_member", name="Chair", webhook_url="https://h.example/")
    return url


def _event(kind: str, starts_on: date, *, iso3: str | None) -> Event:
    moment = datetime.combine(TODAY, time(9), UTC)
    return Event(
        key=f"property:{kind}:{starts_on}:{iso3}",
        title="An event",
        kind=kind,
        starts_on=starts_on,
        ends_on=starts_on,
        iso3=iso3,
        source="test",
        origin="api",
        on_calendar=False,
        status="scheduled",
        created_at=moment,
        updated_at=moment,
        updated_by="test",
    )


def _pending(session: Session, event: Event) -> list[Reminder]:
    return list(
        session.exec(
            select(Reminder).where(
                col(Reminder.event_id) == event.id, col(Reminder.status) == ReminderStatus.PENDING
            )
        )
    )


def _wanted(session: Session, event: Event, now: datetime) -> dict[planning.Key, planning.Slot]:
    rules = {rule.kind: rule for rule in rule_repository.list_rules(session)}
    people = recipient_repository.active_recipients(session, recipient_ids=None)
    return planning.wanted([event], rules, people, send_hour=SEND_HOUR, now=now)


def _plan(session: Session, now: datetime) -> int:
    return planning.plan(session, now=now, send_hour=SEND_HOUR).changed


@given(kind=KINDS, starts_on=DAYS, now=MOMENTS, state=st.sampled_from([None, "NIC"]))
@PROPERTIES
def test_reminders_are_never_in_the_past_never_after_their_event_and_always_utc(
    database: str, kind: str, starts_on: date, now: datetime, state: str | None
) -> None:
    engine = create_engine(database)
    with Session(engine) as session:
        event = _event(kind, starts_on, iso3=state)
        session.add(event)
        session.flush()
        _plan(session, now)
        session.expire_all()  # read back what the database holds, not the objects in memory
        pending = _pending(session, event)
        # Complete as well as sound: exactly the reminders the rules call for are planned.
        assert {planning._key(r) for r in pending} == set(_wanted(session, event, now))
        for reminder in pending:
            assert reminder.due_at.utcoffset() == timedelta(0)
            assert reminder.due_at >= now.replace(microsecond=0) - timedelta(seconds=1)
            assert reminder.due_at < reminder.expires_at
            if reminder.offset_days < 0:
                assert reminder.due_at < datetime.combine(starts_on, time.min, UTC)
            else:  # only "after, unless met" reminders, of a party's own deadline
                assert (kind, state) == (EventKind.DEADLINE, "NIC")
        session.rollback()
    engine.dispose()


@given(kind=KINDS, starts_on=DAYS, now=MOMENTS)
@PROPERTIES
def test_planning_again_changes_nothing(
    database: str, kind: str, starts_on: date, now: datetime
) -> None:
    engine = create_engine(database)
    with Session(engine) as session:
        session.add(_event(kind, starts_on, iso3="NIC"))
        session.flush()
        _plan(session, now)

        assert _plan(session, now) == 0
        session.rollback()
    engine.dispose()


@given(kind=KINDS, starts_on=DAYS, moved_by=st.integers(-400, 400), now=MOMENTS)
@PROPERTIES
def test_a_moved_event_leaves_no_reminder_at_its_old_dates(
    database: str, kind: str, starts_on: date, moved_by: int, now: datetime
) -> None:
    engine = create_engine(database)
    with Session(engine) as session:
        event = _event(kind, starts_on, iso3="NIC")
        session.add(event)
        session.flush()
        _plan(session, now)
        event.starts_on = event.ends_on = starts_on + timedelta(days=moved_by)
        session.flush()
        _plan(session, now)

        # Every pending reminder is one the event at its new date calls for, at the time it
        # calls for; nothing is left pointing at the old date.
        wanted = _wanted(session, event, now)
        pending = _pending(session, event)
        assert {planning._key(r) for r in pending} == set(wanted)
        for reminder in pending:
            slot = wanted[planning._key(reminder)]
            assert reminder.expires_at == slot.expires_at
            assert reminder.due_at == planning.due_time(slot.due_at, now)
        session.rollback()
    engine.dispose()
