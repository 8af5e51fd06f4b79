"""Seed the important dates of 2010 (as the seed lists them) and the default reminder rules.

Both are only ever inserted: admins move meetings and change rules through the API, and the sync
moves deadlines, so a later seed must not put the old values back.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from services.common.clock import Clock
from services.common.db import create_engine, writer
from services.common.seeding import sync_record
from services.common.settings import ServiceSettings
from services.reminders.models import JOBSTORE_TABLE, Event, Rule, audit_log
from services.reminders.schemas import Audience, EventKind
from services.reminders.settings import RemindersSettings
from services.reminders.signing import keep_development_webhook_secret

SEED_SOURCE = 'seed: "8. Important dates | 2010"'
SEED_ACTOR = "system"
MEETING_LEADS = [60, 30, 7]
DEFAULT_RULES_SOURCE = (
    "default: 60, 30 and 7 days before each meeting; 30 and 7 days before a deadline, "
    "then 1 day after if it is still not met"
)

# (key, kind, start, end, title as the seed words it, location, ISO-3 of the state it concerns)
IMPORTANT_DATES_2010: list[tuple[str, EventKind, date, date, str, str | None, str | None]] = [
    (
        "seed:2010-03-01:entry-into-force-anniversary",
        EventKind.ANNIVERSARY,
        date(2010, 3, 1),
        date(2010, 3, 1),
        "Eleventh anniversary of the entry into force of the Convention",
        None,
        None,
    ),
    (
        "seed:2010-03-31:article5-extension-requests",
        EventKind.DEADLINE,
        date(2010, 3, 31),
        date(2010, 3, 31),
        "Suggested deadline for States Parties with Article 5 deadlines in 2011 to submit requests"
        " for extensions on the period of time needed to destroy all anti-personnel mines in"
        " mined areas",
        None,
        None,
    ),
    (
        "seed:2010-04-30:article7-reports",
        EventKind.DEADLINE,
        date(2010, 4, 30),
        date(2010, 4, 30),
        "Deadline for States Parties to submit Article 7 transparency reports covering calendar"
        " year 2009",
        None,
        None,
    ),
    (
        # The same key as the sync's, so the parties service's record of it is this event.
        "deadline:NIC:article5_clearance",
        EventKind.DEADLINE,
        date(2010, 5, 1),
        date(2010, 5, 1),
        "Deadline for Nicaragua to clear all areas containing anti-personnel mines",
        None,
        "NIC",
    ),
    (
        "deadline:UKR:article4_stockpile_destruction",
        EventKind.DEADLINE,
        date(2010, 6, 1),
        date(2010, 6, 1),
        "Deadline for Ukraine to destroy stockpiled anti-personnel mines",
        None,
        "UKR",
    ),
    (
        "seed:2010-06-21:standing-committees",
        EventKind.STANDING_COMMITTEES,
        date(2010, 6, 21),
        date(2010, 6, 25),
        "Meetings of the Standing Committees established by the States Parties to the Convention",
        "Geneva",
        None,
    ),
    (
        "seed:2010-11-29:tenth-meeting-of-the-states-parties",
        EventKind.MEETING_OF_STATES_PARTIES,
        date(2010, 11, 29),
        date(2010, 12, 3),
        "Tenth Meeting of the States Parties",
        "Geneva",
        None,
    ),
]

# kind → (days before, days after unless met, audience)
DEFAULT_RULES: dict[EventKind, tuple[list[int], list[int], Audience]] = {
    EventKind.STANDING_COMMITTEES: (MEETING_LEADS, [], Audience.ALL),
    EventKind.MEETING_OF_STATES_PARTIES: (MEETING_LEADS, [], Audience.ALL),
    EventKind.REVIEW_CONFERENCE: (MEETING_LEADS, [], Audience.ALL),
    EventKind.SPECIAL_MEETING: (MEETING_LEADS, [], Audience.ALL),
    EventKind.DEADLINE: ([30, 7], [1], Audience.STATES),
    # An anniversary is on the calendar, but calls for no action and so for no reminder.
    EventKind.ANNIVERSARY: ([], [], Audience.ALL),
}


def seed(settings: ServiceSettings) -> None:
    """Seed the reminders database, and the development webhook secret; a second run changes
    nothing."""
    keep_development_webhook_secret(cast(RemindersSettings, settings))
    engine = create_engine(settings.database_url)
    try:
        with Session(writer(engine)) as session:
            seed_session(session, clock=Clock(settings.clock_today))
            session.commit()
        create_job_store(engine)
    finally:
        engine.dispose()


def create_job_store(engine: Engine) -> None:
    """Create the scheduler's job table now, as the role that sets up the database.

    APScheduler would create it on the scheduler's first start, but on PostgreSQL the scheduler
    may run as a runtime role that cannot create tables (and is granted only what exists).
    """
    store = SQLAlchemyJobStore(engine=engine, tablename=JOBSTORE_TABLE)
    store.jobs_t.create(engine, checkfirst=True)


def seed_session(session: Session, *, clock: Clock) -> int:
    """Insert the dates and rules that are missing; return how many rows were added."""
    at = clock.now()
    return sum(
        sync_record(
            session,
            record,
            natural_key=key,
            audit=audit_log,
            entity=entity,
            at=at,
            correct=False,
        )
        for record, key, entity in _records(at)
    )


def _records(at: datetime) -> list[tuple[SQLModel, dict[str, Any], str]]:
    records: list[tuple[SQLModel, dict[str, Any], str]] = []
    for key, kind, start, end, title, location, iso3 in IMPORTANT_DATES_2010:
        event = Event(
            key=key,
            title=title,
            kind=kind,
            starts_on=start,
            ends_on=end,
            location=location,
            iso3=iso3,
            source=SEED_SOURCE,
            origin="seed",
            on_calendar=True,
            status="scheduled",
            created_at=at,
            updated_at=at,
            updated_by=SEED_ACTOR,
        )
        records.append((event, {"key": key}, "event"))
    for kind, (before, after, audience) in DEFAULT_RULES.items():
        rule = Rule(
            kind=kind,
            before_days=before,
            after_days_unless_met=after,
            audience=audience,
            source=DEFAULT_RULES_SOURCE,
            updated_at=at,
            updated_by=SEED_ACTOR,
        )
        records.append((rule, {"kind": kind}, "rule"))
    return records
