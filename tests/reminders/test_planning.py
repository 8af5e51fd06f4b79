"""Planning: events × rules × recipients into the outbox, idempotently, in UTC, never late."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from services.common.db import create_engine
from services.reminders.models import Event, Recipient, Reminder
from services.reminders.planning import due_time, slot_of
from tests.reminders.conftest import TODAY, add_recipient, at, plan, prepare_database

STANDING_COMMITTEES = "seed:2010-06-21:standing-committees"


def reminders(url: str, key: str | None = None) -> list[Reminder]:
    engine = create_engine(url)
    with Session(engine) as session:
        query = select(Reminder).order_by(col(Reminder.due_at), col(Reminder.id))
        if key is not None:
            event = session.exec(select(Event).where(Event.key == key)).one()
            query = query.where(Reminder.event_id == event.id)
        rows = list(session.exec(query).all())
    engine.dispose()
    return rows


def set_event(url: str, key: str, **values: object) -> None:
    engine = create_engine(url)
    with Session(engine) as session:
        event = session.exec(select(Event).where(Event.key == key)).one()
        for name, value in values.items():
            setattr(event, name, value)
        session.add(event)
        session.commit()
    engine.dispose()


@pytest.fixture
def seeded(database_url: str) -> str:
    prepare_database(database_url)
    add_recipient(database_url, iso3="UKR", name="Ukraine", email="mfa@ukr.example")
    add_recipient(database_url, role="committee_member", name="Chair", webhook_url="http://h.test/")
    return database_url


def test_plan_yields_the_60_30_7_day_reminders_before_the_standing_committees(seeded: str) -> None:
    plan(seeded, at(TODAY))
    rows = reminders(seeded, STANDING_COMMITTEES)
    assert [(r.offset_days, r.channel, r.due_at) for r in rows] == [
        (-60, "email", datetime(2010, 4, 22, 8, tzinfo=UTC)),
        (-60, "webhook", datetime(2010, 4, 22, 8, tzinfo=UTC)),
        (-30, "email", datetime(2010, 5, 22, 8, tzinfo=UTC)),
        (-30, "webhook", datetime(2010, 5, 22, 8, tzinfo=UTC)),
        (-7, "email", datetime(2010, 6, 14, 8, tzinfo=UTC)),
        (-7, "webhook", datetime(2010, 6, 14, 8, tzinfo=UTC)),
    ]
    assert {r.expires_at for r in rows} == {datetime(2010, 6, 21, tzinfo=UTC)}
    assert {r.status for r in rows} == {"pending"}


def test_a_deadline_reaches_its_own_state_and_a_day_after_unless_met(seeded: str) -> None:
    plan(seeded, at(TODAY))
    rows = reminders(seeded, "deadline:UKR:article4_stockpile_destruction")
    assert [(r.offset_days, r.channel, r.due_at.date()) for r in rows] == [
        (-30, "email", date(2010, 5, 2)),
        (-7, "email", date(2010, 5, 25)),
        (1, "email", date(2010, 6, 2)),
    ]
    # Nicaragua's deadline concerns Nicaragua, which has no contact point here.
    assert reminders(seeded, "deadline:NIC:article5_clearance") == []


def test_planning_twice_changes_nothing(seeded: str) -> None:
    first = plan(seeded, at(TODAY))
    before = [(r.id, r.due_at, r.status) for r in reminders(seeded)]
    assert first.created == len(before) > 0
    again = plan(seeded, at(TODAY, 23))
    assert again.changed == 0
    assert [(r.id, r.due_at, r.status) for r in reminders(seeded)] == before


def test_a_late_plan_sends_at_once_and_never_in_the_past(seeded: str) -> None:
    now = at(date(2010, 6, 16), 10, 30)
    plan(seeded, now)
    rows = reminders(seeded, STANDING_COMMITTEES)
    assert {r.offset_days for r in rows} == {-60, -30, -7}
    assert {r.due_at for r in rows} == {now}
    plan(seeded, now + timedelta(hours=3))
    assert {r.due_at for r in reminders(seeded, STANDING_COMMITTEES)} == {now}


def test_no_reminder_before_an_event_once_it_has_begun(seeded: str) -> None:
    plan(seeded, at(date(2010, 6, 21), 0, 1))
    assert reminders(seeded, STANDING_COMMITTEES) == []


def test_a_moved_event_moves_its_pending_reminders(seeded: str) -> None:
    plan(seeded, at(TODAY))
    ids = [r.id for r in reminders(seeded, STANDING_COMMITTEES)]
    set_event(seeded, STANDING_COMMITTEES, starts_on=date(2010, 7, 5), ends_on=date(2010, 7, 9))
    outcome = plan(seeded, at(TODAY, 10))
    moved = reminders(seeded, STANDING_COMMITTEES)
    assert outcome.moved == len(ids) == 6
    assert [r.id for r in moved] == ids
    assert {r.due_at.date() for r in moved} == {
        date(2010, 5, 6),
        date(2010, 6, 5),
        date(2010, 6, 28),
    }
    assert {r.expires_at for r in moved} == {datetime(2010, 7, 5, tzinfo=UTC)}


def test_a_met_deadline_cancels_its_pending_reminders(seeded: str) -> None:
    plan(seeded, at(TODAY))
    key = "deadline:UKR:article4_stockpile_destruction"
    set_event(seeded, key, status="met")
    assert plan(seeded, at(TODAY, 10)).cancelled == 3
    assert {r.status for r in reminders(seeded, key)} == {"cancelled"}
    set_event(seeded, key, status="scheduled")
    assert plan(seeded, at(TODAY, 11)).restored == 3
    assert {r.status for r in reminders(seeded, key)} == {"pending"}


def test_a_deactivated_recipient_loses_its_pending_reminders(seeded: str) -> None:
    plan(seeded, at(TODAY))
    engine = create_engine(seeded)
    with Session(engine) as session:
        chair = session.exec(select(Recipient).where(Recipient.name == "Chair")).one()
        chair.active = False
        session.add(chair)
        session.commit()
    engine.dispose()
    outcome = plan(seeded, at(TODAY, 10))
    assert outcome.cancelled == 6  # the two meetings' three lead times
    assert {r.status for r in reminders(seeded) if r.channel == "webhook"} == {"cancelled"}


@pytest.mark.parametrize(
    ("offset", "due", "expires"),
    [
        (-7, datetime(2010, 6, 14, 8, tzinfo=UTC), datetime(2010, 6, 21, tzinfo=UTC)),
        (1, datetime(2010, 6, 22, 8, tzinfo=UTC), datetime(2010, 6, 29, 8, tzinfo=UTC)),
    ],
)
def test_slot_of_puts_a_reminder_at_the_send_hour_in_utc(
    offset: int, due: datetime, expires: datetime
) -> None:
    slot = slot_of(date(2010, 6, 21), offset, send_hour=8)
    assert (slot.due_at, slot.expires_at) == (due, expires)


def test_due_time_is_never_in_the_past() -> None:
    now = datetime(2010, 6, 1, 12, tzinfo=UTC)
    future, past = now + timedelta(days=1), now - timedelta(days=1)
    assert due_time(future, now) == future
    assert due_time(past, now) == now
    assert due_time(past, now, current=past) == past  # already due: left alone
    assert due_time(past, now, current=future) == now  # moved earlier: at once
