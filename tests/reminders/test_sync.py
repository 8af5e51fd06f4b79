"""The deadlines sync against the parties service in-process: every party's deadlines, idempotent;
a granted extension moves a deadline and its reminders; a met one cancels them; the parties service
down or answering nonsense leaves everything as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from sqlmodel import Session, col, select

from services.common.auth import Role
from services.common.db import create_engine
from services.reminders.clients import PartiesClient
from services.reminders.models import Event, Reminder, SyncRun
from services.reminders.sync import follow_deadlines, sync_deadlines
from tests.calendar import TENTH_MEETING_ID
from tests.factories import bearer, create_key
from tests.reminders.conftest import (
    TODAY,
    PartiesApp,
    add_recipient,
    at,
    open_api,
    open_parties,
    parties_down,
    plan,
    prepare_database,
    row_counts,
)

CHAD_ARTICLE5 = "deadline:TCD:article5_clearance"


def sync(url: str, transport: httpx.BaseTransport, now: datetime | None = None) -> SyncRun:
    engine = create_engine(url)
    try:
        return sync_deadlines(
            engine,
            lambda: PartiesClient("http://parties.test", transport=transport, attempts=1),
            now=lambda: now or at(TODAY),
        )
    finally:
        engine.dispose()


def follow(
    url: str, transport: httpx.BaseTransport, etag: str | None
) -> tuple[SyncRun | None, str | None]:
    engine = create_engine(url)
    try:
        return follow_deadlines(
            engine,
            lambda: PartiesClient("http://parties.test", transport=transport, attempts=1),
            now=lambda: at(TODAY),
            etag=etag,
        )
    finally:
        engine.dispose()


def event(url: str, key: str) -> Event:
    engine = create_engine(url)
    with Session(engine) as session:
        found = session.exec(select(Event).where(Event.key == key)).one()
    engine.dispose()
    return found


def reminders_of(url: str, key: str) -> list[Reminder]:
    engine = create_engine(url)
    with Session(engine) as session:
        found = session.exec(select(Event).where(Event.key == key)).one()
        rows = session.exec(
            select(Reminder)
            .where(Reminder.event_id == found.id)
            .order_by(col(Reminder.offset_days))
        ).all()
    engine.dispose()
    return list(rows)


def test_sync_pulls_every_partys_deadlines_and_again_changes_nothing(
    database_url: str, parties: PartiesApp
) -> None:
    prepare_database(database_url)
    first = sync(database_url, parties.transport())
    assert (first.outcome, first.parties) == ("ok", 156)
    ukraine = event(database_url, "deadline:UKR:article4_stockpile_destruction")
    # The seed's event is the parties service's deadline: one row, its title and source kept.
    assert (ukraine.starts_on, ukraine.status, ukraine.origin) == (
        date(2010, 6, 1),
        "scheduled",
        "seed",
    )
    assert ukraine.title == "Deadline for Ukraine to destroy stockpiled anti-personnel mines"
    # Albania has met its clearance deadline (the seed lists it among the 16 that did, undated);
    # Nicaragua's last mine went on 13 April 2010, so on 1 April its deadline still stands.
    assert event(database_url, "deadline:ALB:article5_clearance").status == "met"
    assert event(database_url, "deadline:NIC:article5_clearance").status == "scheduled"
    report = event(database_url, "deadline:UKR:article7_annual_report:2009")
    assert (report.title, report.starts_on, report.on_calendar) == (
        "Ukraine: transparency report covering 2009 due (Article 7.2)",
        date(2010, 4, 30),
        False,
    )
    assert report.source.startswith("parties service, deadlines of UKR: Article 7.2")
    # Unverified travels: Argentina's deposit date is inferred, so are the deadlines from it.
    argentina = event(database_url, "deadline:ARG:article7_initial_report")
    assert argentina.unverified_because == (
        "derived from an entry into force whose deposit date no located source states"
    )
    assert event(database_url, "deadline:AFG:article7_initial_report").unverified_because is None
    with open_api(database_url, parties.transport()) as client:
        listed = client.get("/events", params={"iso3": "ARG", "kind": "deadline"}).json()
        feed = client.get("/calendar/ARG.ics").text
    verified = {item["title"]: item["verified"] for item in listed["items"]}
    # A party's deadline is derived by the parties service, never recorded here.
    assert {item["basis"] for item in listed["items"]} == {"derived"}
    assert verified["Argentina: initial transparency report due (Article 7.1)"] is False
    assert verified["Argentina: transparency report covering 2010 due (Article 7.2)"] is True
    assert "Unverified: derived from an entry into force" in feed.replace("\r\n ", "")
    before = row_counts(database_url)
    again = sync(database_url, parties.transport())
    assert (again.outcome, again.changed) == ("ok", 0)
    assert {k: v for k, v in row_counts(database_url).items() if k != "sync_runs"} == {
        k: v for k, v in before.items() if k != "sync_runs"
    }


def decide_extension(parties: PartiesApp, iso3: str, deadline: str) -> None:
    """Grant an extension through the parties service, as on 6 December 2010, once the Tenth
    Meeting (29 November-3 December) has decided it."""
    admin = bearer(create_key(parties.url, Role.ADMIN))
    with open_parties(parties.url, today=date(2010, 12, 6)) as client:
        request = client.post(
            f"/parties/{iso3}/extension-requests",
            json={"requested_deadline": deadline, "explanation": "Remaining areas in the north."},
            headers=admin,
        )
        assert request.status_code == 201, request.text
        path = f"/parties/{iso3}/extension-requests/{request.json()['id']}"
        analysis = client.put(
            f"{path}/analysis",
            json={"analysis": "The plan is credible."},
            headers={**admin, "If-Match": request.headers["etag"]},
        )
        assert analysis.status_code == 200, analysis.text
        decision = client.put(
            f"{path}/decision",
            json={
                "decision": "granted",
                "meeting_id": TENTH_MEETING_ID,
                "decided_on": "2010-12-03",
            },
            headers={**admin, "If-Match": analysis.headers["etag"]},
        )
        assert decision.status_code == 200, decision.text
    # Written by another process: the service under test would see it at its next check of the
    # database (`check_seconds`); the test tells it now rather than waiting.
    parties.client.app.state.current.invalidate()  # type: ignore[attr-defined]


def test_a_granted_extension_moves_the_deadline_and_its_reminders(
    database_url: str, writable_parties: PartiesApp
) -> None:
    prepare_database(database_url)
    add_recipient(database_url, iso3="TCD", name="Chad", email="hcnd@tcd.example")
    sync(database_url, writable_parties.transport())
    plan(database_url, at(TODAY))
    before = reminders_of(database_url, CHAD_ARTICLE5)
    assert [r.due_at.date() for r in before] == [
        date(2010, 12, 2),
        date(2010, 12, 25),
        date(2011, 1, 2),
    ]
    decide_extension(writable_parties, "TCD", "2013-01-01")
    assert sync(database_url, writable_parties.transport()).changed == 1
    moved = event(database_url, CHAD_ARTICLE5)
    assert moved.starts_on == date(2013, 1, 1)
    assert "extension granted at Tenth Meeting of the States Parties" in moved.source
    plan(database_url, at(TODAY, 10))
    after = reminders_of(database_url, CHAD_ARTICLE5)
    assert [r.id for r in after] == [r.id for r in before]
    assert [r.due_at.date() for r in after] == [
        date(2012, 12, 2),
        date(2012, 12, 25),
        date(2013, 1, 2),
    ]
    assert {r.status for r in after} == {"pending"}


def test_following_syncs_only_when_a_deadline_moved(
    database_url: str, writable_parties: PartiesApp
) -> None:
    prepare_database(database_url)
    add_recipient(database_url, iso3="TCD", name="Chad", email="hcnd@tcd.example")
    first, etag = follow(database_url, writable_parties.transport(), None)
    assert first is not None and first.outcome == "ok" and etag
    # Every party's deadlines take several pages of /deadlines: the tag names each page's.
    assert len(etag.split(" ")) > 1
    plan(database_url, at(TODAY))
    runs = row_counts(database_url)["sync_runs"]
    # Nothing moved: the parties service answers 304 and nothing is written, not even a run.
    assert follow(database_url, writable_parties.transport(), etag) == (None, etag)
    assert row_counts(database_url)["sync_runs"] == runs
    decide_extension(writable_parties, "TCD", "2013-01-01")
    moved, newer = follow(database_url, writable_parties.transport(), etag)
    assert moved is not None and (moved.outcome, moved.changed) == ("ok", 1) and newer != etag
    assert event(database_url, CHAD_ARTICLE5).starts_on == date(2013, 1, 1)
    plan(database_url, at(TODAY, 10))
    assert [(r.due_at.date(), r.status) for r in reminders_of(database_url, CHAD_ARTICLE5)] == [
        (date(2012, 12, 2), "pending"),
        (date(2012, 12, 25), "pending"),
        (date(2013, 1, 2), "pending"),
    ]


def test_a_met_deadline_cancels_its_reminders(
    database_url: str, writable_parties: PartiesApp
) -> None:
    prepare_database(database_url)
    add_recipient(database_url, iso3="UKR", name="Ukraine", email="mfa@ukr.example")
    plan(database_url, at(TODAY))
    key = "deadline:UKR:article4_stockpile_destruction"
    assert {r.status for r in reminders_of(database_url, key)} == {"pending"}
    ukraine = bearer(create_key(writable_parties.url, Role.STATE, "UKR"))
    path = "/parties/UKR/obligations"
    etag = writable_parties.client.get(path).headers["etag"]
    reported = writable_parties.client.put(
        path, json={"article4_completed_on": "2010-03-30"}, headers={**ukraine, "If-Match": etag}
    )
    assert reported.status_code == 200, reported.text
    sync(database_url, writable_parties.transport())
    assert event(database_url, key).status == "met"
    assert plan(database_url, at(TODAY, 10)).cancelled == 3
    assert {r.status for r in reminders_of(database_url, key)} == {"cancelled"}


@pytest.mark.parametrize(
    "transport",
    [
        parties_down(),
        httpx.MockTransport(lambda request: httpx.Response(500, json={"detail": "boom"})),
        httpx.MockTransport(lambda request: httpx.Response(200, json={"items": "nonsense"})),
    ],
    ids=["down", "failing", "nonsense"],
)
def test_the_parties_service_failing_during_sync_keeps_what_it_had(
    database_url: str, parties: PartiesApp, transport: httpx.BaseTransport
) -> None:
    prepare_database(database_url)
    sync(database_url, parties.transport())
    before = row_counts(database_url)
    failed = sync(database_url, transport, now=at(TODAY, 11))
    assert failed.outcome == "failed"
    assert failed.detail
    after = row_counts(database_url)
    assert after == {**before, "sync_runs": before["sync_runs"] + 1}
    # The next run, with the parties service back, finds nothing to change.
    assert sync(database_url, parties.transport(), now=at(TODAY, 12)).changed == 0


def test_readiness_reports_a_failed_sync_without_going_unready(
    database_url: str, parties: PartiesApp
) -> None:
    prepare_database(database_url)
    sync(database_url, parties_down(), now=datetime(2010, 4, 1, 9, tzinfo=UTC))
    with open_api(database_url, parties.transport()) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["dependencies"]["parties_sync"].startswith("unavailable")


def test_an_admin_syncs_now_and_the_reminders_follow(
    database_url: str, writable_parties: PartiesApp
) -> None:
    prepare_database(database_url)
    add_recipient(database_url, iso3="TCD", name="Chad", email="hcnd@tcd.example")
    with open_api(database_url, writable_parties.transport()) as client:
        admin = bearer(create_key(database_url, Role.ADMIN))
        chad = bearer(create_key(database_url, Role.STATE, "TCD"))
        assert client.post("/deadlines/sync").status_code == 401
        assert client.post("/deadlines/sync", headers=chad).status_code == 403
        first = client.post("/deadlines/sync", headers=admin)
        assert first.status_code == 200, first.text
        assert first.json()["sync"]["parties"] == 156
        decide_extension(writable_parties, "TCD", "2013-01-01")
        again = client.post("/deadlines/sync", headers=admin).json()
    assert (again["sync"]["changed"], again["plan"]["moved"]) == (1, 3)
    assert [r.due_at.date() for r in reminders_of(database_url, CHAD_ARTICLE5)] == [
        date(2012, 12, 2),
        date(2012, 12, 25),
        date(2013, 1, 2),
    ]


def test_syncing_now_with_the_parties_service_down_is_503(
    database_url: str, parties: PartiesApp
) -> None:
    prepare_database(database_url)
    with open_api(database_url, parties_down()) as client:
        admin = bearer(create_key(database_url, Role.ADMIN))
        response = client.post("/deadlines/sync", headers=admin)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
