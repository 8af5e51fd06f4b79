"""The iCalendar feeds parse back with icalendar, hold the 2010 dates, keep their UIDs, and carry
one alarm per lead time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import vobject
from icalendar import Calendar

from tests.reminders.conftest import PartiesApp, RemindersApi, etag_of
from tests.reminders.test_setup import SEVEN_DATES_2010
from tests.reminders.test_sync import sync


def parse(api: RemindersApi, path: str) -> Any:
    response = api.client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def dates(feed: Any) -> list[tuple[date, date]]:
    # DTEND of an all-day event is the day after it ends.
    return [
        (e.decoded("dtstart"), e.decoded("dtend") - timedelta(days=1)) for e in feed.walk("VEVENT")
    ]


def test_calendar_ics_parses_back_and_holds_the_2010_dates(api: RemindersApi) -> None:
    feed = parse(api, "/calendar.ics")
    assert dates(feed) == [(start, end) for _, start, end, _ in SEVEN_DATES_2010]
    summaries = [str(e["summary"]) for e in feed.walk("VEVENT")]
    assert summaries[-1] == "Tenth Meeting of the States Parties"
    assert [str(e.get("location", "")) for e in feed.walk("VEVENT")][-2:] == ["Geneva", "Geneva"]
    assert len({str(e["uid"]) for e in feed.walk("VEVENT")}) == 7


def test_alarms_match_the_lead_times(api: RemindersApi) -> None:
    events = {str(e["summary"]): e for e in parse(api, "/calendar.ics").walk("VEVENT")}
    standing = events[
        "Meetings of the Standing Committees established by the States Parties to the Convention"
    ]
    triggers = sorted(a.decoded("trigger") for a in standing.walk("VALARM"))
    assert triggers == [timedelta(days=-60), timedelta(days=-30), timedelta(days=-7)]
    ukraine = events["Deadline for Ukraine to destroy stockpiled anti-personnel mines"]
    assert sorted(a.decoded("trigger") for a in ukraine.walk("VALARM")) == [
        timedelta(days=-30),
        timedelta(days=-7),
        timedelta(days=1),
    ]
    anniversary = events["Eleventh anniversary of the entry into force of the Convention"]
    assert anniversary.walk("VALARM") == []


def test_uids_stay_when_a_meeting_moves(api: RemindersApi) -> None:
    before = {str(e["uid"]): e for e in parse(api, "/calendar.ics").walk("VEVENT")}
    path = "/events/7"
    body = {
        "title": "Tenth Meeting of the States Parties",
        "kind": "meeting_of_states_parties",
        "start": "2010-11-29",
        "end": "2010-12-04",
        "location": "Geneva",
    }
    headers = {**api.admin, "If-Match": etag_of(api.client, path)}
    assert api.client.put(path, json=body, headers=headers).status_code == 200
    after = {str(e["uid"]): e for e in parse(api, "/calendar.ics").walk("VEVENT")}
    assert set(after) == set(before)
    moved = after["seed:2010-11-29:tenth-meeting-of-the-states-parties@cartagena-monitor"]
    assert moved.decoded("dtend") == date(2010, 12, 5)
    assert moved.decoded("sequence") == 1


def test_a_party_calendar_adds_that_partys_own_dates(
    api: RemindersApi, parties: PartiesApp
) -> None:
    created = api.client.post(
        "/events",
        json={
            "title": "Ukraine: national workshop on stockpile destruction",
            "kind": "special_meeting",
            "start": "2010-09-14",
            "end": "2010-09-15",
            "iso3": "UKR",
        },
        headers=api.admin,
    )
    assert created.status_code == 201, created.text
    sync(api.url, parties.transport())
    ukraine = parse(api, "/calendar/UKR.ics")
    assert str(ukraine["x-wr-calname"]).endswith("Ukraine")
    titles = {str(e["summary"]) for e in ukraine.walk("VEVENT")}
    assert {
        "Ukraine: national workshop on stockpile destruction",
        "Ukraine: transparency report covering 2009 due (Article 7.2)",
        "Meetings of the Standing Committees established by the States Parties to the Convention",
    } <= titles
    assert not [t for t in titles if t.startswith("Nicaragua:")]
    assert len(parse(api, "/calendar.ics").walk("VEVENT")) == 7
    nicaragua = {str(e["summary"]) for e in parse(api, "/calendar/nic.ics").walk("VEVENT")}
    assert "Ukraine: national workshop on stockpile destruction" not in nicaragua
    assert "Nicaragua: transparency report covering 2009 due (Article 7.2)" in nicaragua


def test_the_calendar_answers_304_when_unchanged(api: RemindersApi) -> None:
    first = api.client.get("/calendar.ics")
    again = api.client.get("/calendar.ics", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_an_unknown_state_has_no_calendar(api: RemindersApi) -> None:
    assert api.client.get("/calendar/XYZ.ics").status_code == 404
    assert api.client.get("/calendar/XY.ics").status_code == 422


def test_an_independent_parser_reads_the_feed_as_a_subscribed_calendar_would(
    api: RemindersApi,
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    response = api.client.get("/calendar/UKR.ics")
    feed = vobject.readOne(response.text)
    assert feed.name == "VCALENDAR"
    assert feed.contents["name"][0].value == feed.contents["x-wr-calname"][0].value
    assert feed.contents["name"][0].value.endswith("Ukraine")
    assert feed.contents["refresh-interval"][0].value == "PT1H"
    assert feed.contents["refresh-interval"][0].params["VALUE"] == ["DURATION"]
    assert feed.contents["x-published-ttl"][0].value == "PT1H"
    events = feed.contents["vevent"]
    assert events
    for event in events:
        # METHOD:PUBLISH: DTSTAMP is when the feed was made; LAST-MODIFIED when the event was.
        assert event.dtstamp.value >= before
        assert event.last_modified.value < before
        assert event.uid.value.endswith("@cartagena-monitor")


def test_a_partys_feed_holds_no_other_partys_deadlines(api: RemindersApi) -> None:
    # The brochure's important dates include Ukraine's stockpile deadline: Ukraine's feed and the
    # Convention's have it, Nicaragua's does not.
    ukraine_deadline = "Deadline for Ukraine to destroy stockpiled anti-personnel mines"
    feeds = {
        path: {str(e["summary"]) for e in parse(api, path).walk("VEVENT")}
        for path in ("/calendar.ics", "/calendar/UKR.ics", "/calendar/NIC.ics")
    }
    assert ukraine_deadline in feeds["/calendar.ics"]
    assert ukraine_deadline in feeds["/calendar/UKR.ics"]
    assert ukraine_deadline not in feeds["/calendar/NIC.ics"]
    assert "Tenth Meeting of the States Parties" in feeds["/calendar/NIC.ics"]


def test_the_feeds_tag_is_weak_and_survives_regeneration(api: RemindersApi) -> None:
    first = api.client.get("/calendar.ics")
    assert first.headers["etag"].startswith('W/"')
    second = api.client.get("/calendar.ics")
    assert second.headers["etag"] == first.headers["etag"]
    assert (
        api.client.get(
            "/calendar.ics", headers={"If-None-Match": first.headers["etag"]}
        ).status_code
        == 304
    )
