"""The events API: listing, reading with ETags, admins adding and moving meetings, bad input."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.reminders.conftest import (
    PartiesApp,
    RemindersApi,
    etag_of,
    keys_for,
    open_api,
    parties_down,
    prepare_database,
    row_counts,
)

MSP_2011 = {
    "title": "Eleventh Meeting of the States Parties",
    "kind": "meeting_of_states_parties",
    "start": "2011-11-28",
    "end": "2011-12-02",
    "location": "Phnom Penh",
}


def test_list_events_holds_the_seven_2010_dates(api: RemindersApi) -> None:
    body = api.client.get("/events").json()
    assert body["total"] == 7
    assert body["items"][5] == {
        "id": body["items"][5]["id"],
        "title": "Meetings of the Standing Committees established by the States Parties to the"
        " Convention",
        "kind": "standing_committees",
        "start": "2010-06-21",
        "end": "2010-06-25",
        "location": "Geneva",
        "iso3": None,
        "source": 'seed: "8. Important dates | 2010"',
        "status": "scheduled",
        "basis": "recorded",
        "verified": True,
        "unverified_because": None,
    }


@pytest.mark.parametrize(
    ("params", "starts"),
    [
        ({"from": "2010-06-22", "to": "2010-11-29"}, ["2010-06-21", "2010-11-29"]),
        ({"kind": "deadline"}, ["2010-03-31", "2010-04-30", "2010-05-01", "2010-06-01"]),
        ({"iso3": "ukr"}, ["2010-06-01"]),
        ({"kind": "deadline", "to": "2010-04-30"}, ["2010-03-31", "2010-04-30"]),
    ],
)
def test_list_events_filters_by_period_kind_and_state(
    api: RemindersApi, params: dict[str, str], starts: list[str]
) -> None:
    body = api.client.get("/events", params=params).json()
    assert [item["start"] for item in body["items"]] == starts
    assert body["total"] == len(starts)


@pytest.mark.parametrize(
    "params",
    [{"from": "2010-07-01", "to": "2010-06-01"}, {"kind": "picnic"}, {"iso3": "U1"}, {"from": "x"}],
)
def test_list_events_refuses_bad_filters(api: RemindersApi, params: dict[str, str]) -> None:
    response = api.client.get("/events", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_read_event_carries_an_etag_and_answers_304(api: RemindersApi) -> None:
    first = api.client.get("/events/1")
    assert first.status_code == 200
    again = api.client.get("/events/1", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert api.client.get("/events/999").status_code == 404


def test_admin_adds_a_meeting_of_a_later_year_and_its_reminders_are_planned(
    api: RemindersApi,
) -> None:
    contact = {"name": "Ukraine", "email": "mfa@ukr.example"}
    assert api.client.post("/parties/UKR/contacts", json=contact, headers=api.ukraine).is_success
    created = api.client.post("/events", json=MSP_2011, headers=api.admin)
    assert created.status_code == 201, created.text
    event = created.json()
    assert created.headers["location"] == f"/events/{event['id']}"
    assert event["source"].startswith("recorded through the API with key ")
    planned = api.client.get("/reminders", params={"event_id": event["id"]}, headers=api.admin)
    assert sorted(r["due_at"] for r in planned.json()["items"]) == [
        "2011-09-29T08:00:00Z",
        "2011-10-29T08:00:00Z",
        "2011-11-21T08:00:00Z",
    ]


def test_admin_moves_a_meeting_and_its_pending_reminders_follow(api: RemindersApi) -> None:
    contact = {"name": "Ukraine", "email": "mfa@ukr.example"}
    api.client.post("/parties/UKR/contacts", json=contact, headers=api.ukraine)
    sc = next(
        e for e in api.client.get("/events").json()["items"] if e["kind"] == "standing_committees"
    )
    path = f"/events/{sc['id']}"
    moved = {
        **{k: sc[k] for k in ("title", "kind", "location")},
        "start": "2010-06-28",
        "end": "2010-07-02",
    }
    response = api.client.put(
        path, json=moved, headers={**api.admin, "If-Match": etag_of(api.client, path)}
    )
    assert response.status_code == 200, response.text
    assert response.json()["source"] == 'seed: "8. Important dates | 2010"'
    planned = api.client.get("/reminders", params={"event_id": sc["id"]}, headers=api.admin)
    assert sorted(r["due_at"][:10] for r in planned.json()["items"]) == [
        "2010-04-29",
        "2010-05-29",
        "2010-06-21",
    ]


def test_changes_list_the_meetings_moved_and_added_but_nothing_private(
    api: RemindersApi,
) -> None:
    contact = {"name": "Ukraine", "email": "mfa@ukr.example"}
    assert api.client.post("/parties/UKR/contacts", json=contact, headers=api.ukraine).is_success
    path = "/events/7"  # the Tenth Meeting of the States Parties
    moved = {**MSP_2011, "title": "Tenth Meeting of the States Parties"}
    moved |= {"start": "2010-11-30", "end": "2010-12-04", "location": "Geneva"}
    response = api.client.put(
        path, json=moved, headers={**api.admin, "If-Match": etag_of(api.client, path)}
    )
    assert response.status_code == 200, response.text
    assert api.client.post("/events", json=MSP_2011, headers=api.admin).status_code == 201
    changes = api.client.get("/changes", params={"since": "2010-04-01"}).json()
    assert changes["total"] == 2
    assert [(c["entity"], c["operation"]) for c in changes["items"]] == [
        ("event", "update"),
        ("event", "create"),
    ]
    assert {"field": "starts_on", "before": "2010-11-29", "after": "2010-11-30"} in changes[
        "items"
    ][0]["values"]
    # The contact's address is not public: recipients never appear, even with the seed's rows.
    seeded = api.client.get("/changes", params={"since": "2010-01-01", "include_seed": True})
    assert {c["entity"] for c in seeded.json()["items"]} == {"event"}
    assert "mfa@ukr.example" not in seeded.text


def test_updating_an_event_needs_the_current_etag(api: RemindersApi) -> None:
    body = {**MSP_2011, "title": "Changed"}
    assert api.client.put("/events/7", json=body, headers=api.admin).status_code == 428
    stale = {**api.admin, "If-Match": '"stale"'}
    assert api.client.put("/events/7", json=body, headers=stale).status_code == 412
    assert api.client.get("/events/7").json()["title"] == "Tenth Meeting of the States Parties"


def test_a_partys_deadline_is_changed_at_the_parties_service_not_here(api: RemindersApi) -> None:
    path = "/events/5"  # Ukraine's stockpile destruction deadline
    body = {"title": "Moved", "kind": "deadline", "start": "2011-06-01", "end": "2011-06-01"}
    response = api.client.put(
        path, json=body, headers={**api.admin, "If-Match": etag_of(api.client, path)}
    )
    assert response.status_code == 409
    assert api.client.get(path).json()["start"] == "2010-06-01"


def test_only_admins_write_events(api: RemindersApi) -> None:
    assert api.client.post("/events", json=MSP_2011).status_code == 401
    for key in (api.ukraine, api.committee):
        assert api.client.post("/events", json=MSP_2011, headers=key).status_code == 403
    assert api.client.get("/events").json()["total"] == 7


@pytest.mark.parametrize(
    "change",
    [
        {"end": "2011-11-27"},  # ends before it starts
        {"kind": "picnic"},  # unknown kind
        {"iso3": "XYZ"},  # not ISO 3166
        {"iso3": "ATA"},  # ISO 3166, but no state the parties service knows
        {"iso3": "UKRAINE"},
        {"start": "1890-01-01"},
        {"title": "  "},
        {"title": "Null\u0000byte"},
        {"title": "x" * 301},
        {"id": 99},  # unknown field
        {"status": "met"},
    ],
)
def test_bad_events_are_refused_and_nothing_is_stored(
    api: RemindersApi, change: dict[str, Any]
) -> None:
    before = row_counts(api.url)
    response = api.client.post("/events", json={**MSP_2011, **change}, headers=api.admin)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"]
    assert row_counts(api.url) == before


def test_malformed_json_is_a_problem_not_a_crash(api: RemindersApi) -> None:
    response = api.client.post(
        "/events", content=b"{not json", headers={**api.admin, "content-type": "application/json"}
    )
    assert response.status_code == 422


def test_with_the_parties_service_down_iso_3166_still_decides(database_url: str) -> None:
    prepare_database(database_url)
    with open_api(database_url, parties_down()) as client:
        api = keys_for(client, database_url)
        kept = client.post("/events", json={**MSP_2011, "iso3": "UKR"}, headers=api.admin)
        refused = client.post("/events", json={**MSP_2011, "iso3": "XYZ"}, headers=api.admin)
    assert (kept.status_code, refused.status_code) == (201, 422)


def test_events_whose_day_has_passed_are_held_or_past(
    database_url: str, parties: PartiesApp
) -> None:
    prepare_database(database_url)
    with open_api(database_url, parties.transport(), today=date(2010, 6, 23)) as client:
        events = client.get("/events").json()["items"]
        statuses = {(item["kind"], item["start"]): item["status"] for item in events}
        june = next(item["id"] for item in events if item["kind"] == "standing_committees")
        during = client.get(f"/events/{june}").headers["etag"]
    # The Standing Committees still sit on 23 June; the deadlines of spring are past.
    assert statuses[("standing_committees", "2010-06-21")] == "scheduled"
    assert statuses[("deadline", "2010-04-30")] == "past"
    assert statuses[("deadline", "2010-06-01")] == "past"
    with open_api(database_url, parties.transport(), today=date(2010, 6, 26)) as client:
        items = client.get("/events", params={"kind": "standing_committees"}).json()["items"]
        after = client.get(f"/events/{june}").headers["etag"]
    assert [item["status"] for item in items] == ["held"]
    assert during != after  # a cached answer does not outlive the day its status changed
