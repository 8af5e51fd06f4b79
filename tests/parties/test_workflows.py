"""Extension requests, Article 7 reports, obligation progress, membership, changes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.common.auth import Role
from services.parties.main import create_app
from tests.calendar import STANDING_COMMITTEES_ID, TENTH_MEETING_ID
from tests.factories import bearer, create_key
from tests.parties.conftest import (
    PartiesApi,
    etag_of,
    forwarding_transport,
    open_api,
    prepare_database,
    settings_for,
)

REQUEST = {
    "requested_deadline": "2013-04-01",
    "explanation": "Survey found more areas.",
    "implications": "Roads stay closed.",
    "other_information": "",
}


@pytest.fixture
def tajikistan(writable: PartiesApi) -> dict[str, str]:
    return bearer(create_key(writable.url, Role.STATE, "TJK"))


@pytest.fixture
def after_the_meeting(writable: PartiesApi, actions_client: TestClient) -> Iterator[PartiesApi]:
    """The same records on 6 December 2010, once the Tenth Meeting (29 Nov-3 Dec) has sat."""
    with open_api(writable.url, actions_client, today=date(2010, 12, 6)) as client:
        yield replace(writable, client=client)


GRANTED = {"decision": "granted", "meeting_id": TENTH_MEETING_ID, "decided_on": "2010-12-03"}
REFUSED = {**GRANTED, "decision": "refused"}


def decide(api: PartiesApi, request_id: int, body: dict) -> Any:
    path = f"/parties/TJK/extension-requests/{request_id}"
    return api.client.put(
        f"{path}/decision", json=body, headers={**api.admin, "If-Match": etag_of(api.client, path)}
    )


def analyse(api: PartiesApi, request_id: int) -> Any:
    path = f"/parties/TJK/extension-requests/{request_id}"
    return api.client.put(
        f"{path}/analysis",
        json={"analysis": "Plan is credible."},
        headers={**api.admin, "If-Match": etag_of(api.client, path)},
    )


def submitted(api: PartiesApi, key: dict, deadline: str) -> int:
    created = api.client.post(
        "/parties/TJK/extension-requests",
        json={**REQUEST, "requested_deadline": deadline},
        headers=key,
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_a_granted_extension_moves_the_deadline_and_keeps_both(
    after_the_meeting: PartiesApi, tajikistan: dict
) -> None:
    before = {
        d["kind"]: d for d in after_the_meeting.client.get("/parties/TJK/deadlines").json()["items"]
    }
    assert before["article5_clearance"]["due"] == "2020-04-01"
    created = after_the_meeting.client.post(
        "/parties/TJK/extension-requests",
        json={**REQUEST, "requested_deadline": "2025-04-01"},
        headers=tajikistan,
    )
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    assert created.json()["current_deadline"] == "2020-04-01"
    path = f"/parties/TJK/extension-requests/{request_id}"
    analysed = after_the_meeting.client.put(
        f"{path}/analysis",
        json={"analysis": "Plan is credible."},
        headers={**after_the_meeting.admin, "If-Match": etag_of(after_the_meeting.client, path)},
    )
    assert analysed.status_code == 200 and analysed.json()["status"] == "under_analysis"
    assert (
        "needs_article5_extension" in after_the_meeting.client.get("/states/TJK").json()["groups"]
    )
    decided = decide(after_the_meeting, request_id, {**GRANTED, "source": "APLC/MSP.10/2010/7"})
    assert decided.status_code == 200, decided.text
    assert decided.json()["decided_at"] == "Tenth Meeting of the States Parties (Geneva, 2010)"
    assert decided.json()["meeting_id"] == TENTH_MEETING_ID
    after = {
        d["kind"]: d for d in after_the_meeting.client.get("/parties/TJK/deadlines").json()["items"]
    }
    assert after["article5_clearance"]["due"] == "2025-04-01"
    assert after["article5_clearance"]["original_due"] == "2010-04-01"
    extensions = after_the_meeting.client.get("/parties/TJK/extensions").json()
    assert [e["extended_deadline"] for e in extensions] == ["2020-04-01", "2025-04-01"]
    assert after_the_meeting.client.get(path).json()["status"] == "granted"
    assert decide(after_the_meeting, request_id, REFUSED).status_code == 409
    granted = extensions[-1]
    assert (granted["verified"], granted["source"]) == (True, "APLC/MSP.10/2010/7")


def test_a_refused_request_leaves_the_deadline(
    after_the_meeting: PartiesApi, tajikistan: dict
) -> None:
    request_id = submitted(after_the_meeting, tajikistan, "2022-04-01")
    analyse(after_the_meeting, request_id)
    assert decide(after_the_meeting, request_id, REFUSED).status_code == 200
    deadlines = {
        d["kind"]: d for d in after_the_meeting.client.get("/parties/TJK/deadlines").json()["items"]
    }
    assert deadlines["article5_clearance"]["due"] == "2020-04-01"


def test_a_decision_needs_the_analysis_first(
    after_the_meeting: PartiesApi, tajikistan: dict
) -> None:
    request_id = submitted(after_the_meeting, tajikistan, "2022-04-01")
    before = decide(after_the_meeting, request_id, GRANTED)
    assert before.status_code == 409
    assert "analysis first" in before.json()["detail"]
    assert after_the_meeting.client.get("/parties/TJK/extensions").json()[-1][
        "extended_deadline"
    ] == ("2020-04-01")


def test_a_decision_is_not_recorded_before_its_meeting(
    writable: PartiesApi, tajikistan: dict
) -> None:
    # 1 May 2010: the Tenth Meeting has not sat yet, so no decision of it can be recorded.
    request_id = submitted(writable, tajikistan, "2022-04-01")
    analyse(writable, request_id)
    early = decide(writable, request_id, GRANTED)
    assert early.status_code == 422
    assert "after today" in early.json()["detail"]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({**GRANTED, "meeting_id": STANDING_COMMITTEES_ID, "decided_on": "2010-06-25"}, "5.5"),
        ({**GRANTED, "decided_on": "2010-11-28"}, "is not a day of"),
        ({**GRANTED, "meeting_id": 999}, "no event 999"),
    ],
    ids=["not-a-deciding-meeting", "outside-the-meeting", "no-such-meeting"],
)
def test_a_decision_is_taken_by_a_meeting_of_the_states_parties_on_its_days(
    after_the_meeting: PartiesApi, tajikistan: dict, body: dict, detail: str
) -> None:
    request_id = submitted(after_the_meeting, tajikistan, "2022-04-01")
    analyse(after_the_meeting, request_id)
    refused = decide(after_the_meeting, request_id, body)
    assert refused.status_code == 422, refused.text
    assert detail in refused.json()["detail"]
    assert after_the_meeting.client.get(f"/parties/TJK/extension-requests/{request_id}").json()[
        "status"
    ] == ("under_analysis")


def test_a_grant_without_its_document_is_unverified(
    after_the_meeting: PartiesApi, tajikistan: dict
) -> None:
    request_id = submitted(after_the_meeting, tajikistan, "2022-04-01")
    analyse(after_the_meeting, request_id)
    assert decide(after_the_meeting, request_id, GRANTED).status_code == 200
    granted = after_the_meeting.client.get("/parties/TJK/extensions").json()[-1]
    assert granted["verified"] is False
    clearance = next(
        d
        for d in after_the_meeting.client.get("/parties/TJK/deadlines").json()["items"]
        if d["kind"] == "article5_clearance"
    )
    assert (clearance["due"], clearance["verified"]) == ("2022-04-01", False)


def test_with_the_calendar_down_a_decision_is_503_and_changes_nothing(
    writable: PartiesApi, tajikistan: dict, actions_client: TestClient
) -> None:
    request_id = submitted(writable, tajikistan, "2022-04-01")
    analyse(writable, request_id)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    app = create_app(
        settings_for(writable.url),
        actions_transport=forwarding_transport(actions_client),
        reminders_transport=httpx.MockTransport(refuse),
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        path = f"/parties/TJK/extension-requests/{request_id}"
        etag = client.get(path).headers["etag"]
        down = client.put(
            f"{path}/decision", json=GRANTED, headers={**writable.admin, "If-Match": etag}
        )
        assert down.status_code == 503
        assert down.headers["content-type"] == "application/problem+json"
        assert client.get(path).json()["status"] == "under_analysis"


@pytest.mark.parametrize(
    ("iso3", "deadline", "status"),
    [
        ("TJK", "2019-01-01", 422),  # before the current deadline
        ("TJK", "2031-04-01", 422),  # more than ten years (Article 5.3)
        ("NIC", "2015-01-01", 422),  # Nicaragua has completed clearance
    ],
)
def test_invalid_requests_are_refused(
    writable: PartiesApi, iso3: str, deadline: str, status: int
) -> None:
    key = bearer(create_key(writable.url, Role.STATE, iso3))
    response = writable.client.post(
        f"/parties/{iso3}/extension-requests",
        json={**REQUEST, "requested_deadline": deadline},
        headers=key,
    )
    assert response.status_code == status, response.text
    assert writable.client.get(f"/parties/{iso3}/extension-requests").json() == []


def test_a_second_pending_request_is_409(writable: PartiesApi, tajikistan: dict) -> None:
    body = {**REQUEST, "requested_deadline": "2021-04-01"}
    assert (
        writable.client.post(
            "/parties/TJK/extension-requests", json=body, headers=tajikistan
        ).status_code
        == 201
    )
    assert (
        writable.client.post(
            "/parties/TJK/extension-requests", json=body, headers=tajikistan
        ).status_code
        == 409
    )


def test_recording_the_2009_report_meets_its_deadline(writable: PartiesApi) -> None:
    report = {
        "period": "2009",
        "submitted_on": "2010-04-20",
        "link": "https://example.org/nic-2009.pdf",
    }
    assert (
        writable.client.post(
            "/parties/NIC/article7-reports", json=report, headers=writable.nicaragua
        ).status_code
        == 201
    )
    deadlines = writable.client.get("/parties/NIC/deadlines").json()["items"]
    annual = next(d for d in deadlines if d["covers_year"] == 2009)
    assert (annual["status"], annual["met_on"], annual["late"]) == ("met", "2010-04-20", False)
    assert (
        writable.client.post(
            "/parties/NIC/article7-reports", json=report, headers=writable.nicaragua
        ).status_code
        == 409
    )


@pytest.mark.parametrize(
    "report",
    [
        {"period": "2009", "submitted_on": "2010-06-01"},  # after today (2010-05-01)
        {"period": "2010", "submitted_on": "2010-04-01"},  # before the year it covers ends
        {"period": "20x9", "submitted_on": "2010-04-01"},
        {"period": "2009", "submitted_on": "2010-04-01", "link": "ftp://example.org/x"},
    ],
)
def test_bad_reports_are_422(writable: PartiesApi, report: dict) -> None:
    assert (
        writable.client.post(
            "/parties/NIC/article7-reports", json=report, headers=writable.nicaragua
        ).status_code
        == 422
    )
    assert writable.client.get("/parties/NIC/article7-reports").json() == []


def test_equatorial_guineas_initial_report_once_recorded_is_met_late(writable: PartiesApi) -> None:
    key = bearer(create_key(writable.url, Role.STATE, "GNQ"))
    body = {"period": "initial", "submitted_on": "2010-04-01"}
    assert (
        writable.client.post("/parties/GNQ/article7-reports", json=body, headers=key).status_code
        == 201
    )
    deadline = next(
        d
        for d in writable.client.get("/parties/GNQ/deadlines").json()["items"]
        if d["kind"] == "article7_initial_report"
    )
    assert (deadline["status"], deadline["late"]) == ("met", True)
    summary = writable.client.get("/summary").json()
    assert summary["transparency"]["initial_reports_missing"]["value"] == 0


def test_obligation_progress_is_versioned_and_sourced(writable: PartiesApi) -> None:
    path = "/parties/UKR/obligations"
    response = writable.client.put(
        path,
        json={
            "article4_mines_destroyed": 1_200_000,
            "article3_mines_retained": 223,
            "article9_status": "legislation_adopted",
            "evidence_url": "https://example.org/ukr",
        },
        headers={**writable.ukraine, "If-Match": etag_of(writable.client, path)},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["article4_mines_destroyed"], body["article3_mines_retained"], body["version"]) == (
        1_200_000,
        223,
        2,
    )
    assert (
        "reported by UKR" in body["article3_source"]
        and "https://example.org/ukr" in body["article9_source"]
    )
    groups = writable.client.get("/states/UKR").json()["groups"]
    assert "retained_mines_article3" in groups
    assert writable.client.put(path, json={}, headers=writable.ukraine).status_code == 428


def test_a_completion_sent_back_as_recorded_keeps_its_source(writable: PartiesApi) -> None:
    """A form that changes a declaration sends the rest back as recorded: Nicaragua's
    clearance completion stays sourced as before, not re-attributed to this update."""
    path = "/parties/NIC/obligations"
    before = writable.client.get(path).json()
    response = writable.client.put(
        path,
        json={
            "article5_completed_on": before["article5_completed_on"],
            "in_a_position_to_assist": True,
        },
        headers={**writable.nicaragua, "If-Match": etag_of(writable.client, path)},
    )
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["article5_completed_on"] == before["article5_completed_on"] is not None
    assert after["article5_source"] == before["article5_source"]
    assert after["in_a_position_to_assist"] is True


def test_completing_stockpile_destruction_that_never_was_is_422(writable: PartiesApi) -> None:
    path = "/parties/NIC/obligations"
    response = writable.client.put(
        path,
        json={"article4_completed_on": "2010-04-01"},
        headers={**writable.nicaragua, "If-Match": etag_of(writable.client, path)},
    )
    assert response.status_code == 422


def test_admin_records_an_accession(writable: PartiesApi) -> None:
    path = "/states/FIN/membership"
    response = writable.client.put(
        path,
        json={
            "status": "party",
            "deposit_date": "2012-01-09",
            "entry_into_force": "2012-07-01",
            "source": "UN depositary notification",
        },
        headers={**writable.admin, "If-Match": etag_of(writable.client, path)},
    )
    assert response.status_code == 200, response.text
    summary = writable.client.get("/summary").json()
    assert summary["universalization"]["parties"]["value"] == 157
    assert summary["stockpile_destruction"]["no_longer_holding"]["value"] == 152
    deadlines = {
        d["kind"]: d for d in writable.client.get("/parties/FIN/deadlines").json()["items"]
    }
    assert deadlines["article4_stockpile_destruction"]["due"] == "2016-07-01"
    assert deadlines["article7_initial_report"]["status"] == "pending"
    assert "all_states_parties" in writable.client.get("/states/FIN").json()["groups"]


def test_changes_since_a_day_list_what_users_changed(writable: PartiesApi) -> None:
    path = "/parties/NIC/commitments/1"
    writable.client.put(
        path,
        json={"status": "in_progress"},
        headers={**writable.nicaragua, "If-Match": etag_of(writable.client, path)},
    )
    changes = writable.client.get("/changes", params={"since": "2010-05-01"}).json()
    assert changes["total"] == 1
    change = changes["items"][0]
    assert (change["entity"], change["entity_id"], change["operation"]) == (
        "commitment",
        "NIC:1",
        "create",
    )
    assert "status" in change["fields"]
    # Each field with what it was and what it became: nothing recorded before its first write.
    assert {"field": "status", "before": None, "after": "in_progress"} in change["values"]
    assert writable.client.get("/changes", params={"since": "2010-05-02"}).json()["total"] == 0
    seeded = writable.client.get(
        "/changes", params={"since": "2010-01-01", "include_seed": "true"}
    ).json()
    assert seeded["total"] > 300


def test_actions_service_down_at_start(database_url: str) -> None:
    import httpx

    from services.parties.main import create_app
    from tests.parties.conftest import settings_for

    prepare_database(database_url)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    app = create_app(settings_for(database_url), actions_transport=httpx.MockTransport(refuse))
    with TestClient(app, raise_server_exceptions=False) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["status"] == "degraded"
        assert ready.json()["dependencies"]["actions"].startswith("unavailable")
        assert client.get("/summary").status_code == 200  # needs no catalogue
        response = client.get("/parties/NIC/commitments")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"


def test_a_catalogue_fetched_once_survives_the_actions_service_going_down(
    database_url: str, actions_client: TestClient
) -> None:
    prepare_database(database_url)
    with open_api(database_url, actions_client, today=date(2010, 5, 1)) as client:
        assert client.get("/parties/NIC/commitments").status_code == 200
    # A restart with the actions service down: the copy kept in the database serves.
    import httpx

    from services.parties.main import create_app
    from tests.parties.conftest import settings_for

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    app = create_app(settings_for(database_url), actions_transport=httpx.MockTransport(refuse))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/parties/NIC/commitments").json()["total"] > 30
        assert client.get("/readyz").json()["status"] == "degraded"


def test_changes_of_one_state(writable: PartiesApi, tajikistan: dict) -> None:
    path = "/parties/NIC/commitments/1"
    writable.client.put(
        path,
        json={"status": "in_progress"},
        headers={**writable.nicaragua, "If-Match": etag_of(writable.client, path)},
    )
    writable.client.post(
        "/parties/TJK/extension-requests",
        json={**REQUEST, "requested_deadline": "2021-04-01"},
        headers=tajikistan,
    )
    since = {"since": "2010-01-01"}
    nicaragua = writable.client.get("/changes", params={**since, "iso3": "nic"}).json()["items"]
    tajik = writable.client.get("/changes", params={**since, "iso3": "TJK"}).json()["items"]
    assert [(c["entity"], c["entity_id"]) for c in nicaragua] == [("commitment", "NIC:1")]
    assert [c["entity"] for c in tajik] == ["extension_request"]
    assert writable.client.get("/changes", params={**since, "iso3": "N1C"}).status_code == 422


def test_a_retried_report_with_its_idempotency_key_gets_its_first_answer_not_409(
    writable: PartiesApi,
) -> None:
    report = {"period": "2009", "submitted_on": "2010-04-20"}
    headers = {**writable.nicaragua, "Idempotency-Key": "nic-2009-report"}

    first = writable.client.post("/parties/NIC/article7-reports", json=report, headers=headers)
    again = writable.client.post("/parties/NIC/article7-reports", json=report, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert len(writable.client.get("/parties/NIC/article7-reports").json()) == 1
