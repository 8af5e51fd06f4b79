"""Committee assessments: committee or admin keys write them; history latest first, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from services.actions.models import audit_log
from services.common.db import create_engine
from tests.actions.conftest import WritableActionsApi

ASSESSMENT = {
    "status": "some_progress",
    "narrative": "Three States Parties reported national plans.",
    "period": "2010-06 intersessional",
    "assessed_on": "2010-06-01",
}


def assessment_audit_rows(url: str) -> list[dict]:
    engine = create_engine(url)
    with Session(engine) as session:
        rows = (
            session.execute(select(audit_log).where(audit_log.c.entity == "assessment"))
            .mappings()
            .all()
        )
    engine.dispose()
    return [dict(row) for row in rows]


def test_committee_records_an_assessment(writable: WritableActionsApi) -> None:
    response = writable.client.post(
        "/actions/14/assessments", json=ASSESSMENT, headers=writable.committee
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["action_number"] == 14
    assert body["status"] == "some_progress"
    assert body["recorded_by"]
    assert (body["basis"], body["source"]) == ("recorded", None)
    location = response.headers["location"]
    again = writable.client.get(location)
    assert again.json() == body
    assert "etag" in again.headers


def test_history_is_latest_first_and_audited(writable: WritableActionsApi) -> None:
    for status, day in (
        ("off_track", "2010-05-01"),
        ("on_track", "2010-06-01"),
        ("some_progress", "2010-05-15"),
    ):
        response = writable.client.post(
            "/actions/7/assessments",
            json={**ASSESSMENT, "status": status, "assessed_on": day},
            headers=writable.admin,
        )
        assert response.status_code == 201
    history = writable.client.get("/actions/7/assessments").json()
    assert history["total"] == 3
    assert [item["status"] for item in history["items"]] == [
        "on_track",
        "some_progress",
        "off_track",
    ]
    rows = assessment_audit_rows(writable.url)
    assert len(rows) == 3
    assert {row["actor_role"] for row in rows} == {"admin"}
    assert all(row["before"] is None and row["after"]["action_number"] == 7 for row in rows)


def test_latest_assessment_per_action(writable: WritableActionsApi) -> None:
    post = writable.client.post
    post(
        "/actions/1/assessments",
        json={**ASSESSMENT, "status": "off_track", "assessed_on": "2010-03-01"},
        headers=writable.committee,
    )
    post(
        "/actions/1/assessments",
        json={**ASSESSMENT, "status": "on_track", "assessed_on": "2010-05-01"},
        headers=writable.committee,
    )
    post(
        "/actions/5/assessments",
        json={**ASSESSMENT, "status": "not_assessed"},
        headers=writable.committee,
    )
    latest = writable.client.get("/assessments/latest").json()
    assert [(item["action_number"], item["status"]) for item in latest["items"]] == [
        (1, "on_track"),
        (5, "not_assessed"),
    ]
    # As of a day: each action's latest assessment by then, not the latest ones filtered.
    earlier = writable.client.get("/assessments/latest", params={"as_of": "2010-04-01"}).json()
    assert [(item["action_number"], item["status"]) for item in earlier["items"]] == [
        (1, "off_track")
    ]


def test_an_assessment_cites_the_document_that_records_it(writable: WritableActionsApi) -> None:
    cited = {**ASSESSMENT, "source": "  https://www.apminebanconvention.org/  "}
    response = writable.client.post("/actions/3/assessments", json=cited, headers=writable.admin)
    assert response.status_code == 201, response.text
    assert response.json()["source"] == "https://www.apminebanconvention.org/"
    assert writable.client.get(response.headers["location"]).json()["source"] == (
        "https://www.apminebanconvention.org/"
    )


def test_changes_list_the_committees_assessments_since_a_day(writable: WritableActionsApi) -> None:
    writable.client.post("/actions/9/assessments", json=ASSESSMENT, headers=writable.committee)
    changes = writable.client.get("/changes", params={"since": "2010-06-01"}).json()
    assert changes["total"] == 1
    change = changes["items"][0]
    assert (change["entity"], change["operation"], change["actor_role"]) == (
        "assessment",
        "create",
        "committee",
    )
    assert {"field": "status", "before": None, "after": "some_progress"} in change["values"]
    assert {"field": "action_number", "before": None, "after": 9} in change["values"]
    # Nothing the committee recorded after the end of the day asked.
    assert (
        writable.client.get(
            "/changes", params={"since": "2010-05-01", "until": "2010-05-31"}
        ).json()["total"]
        == 0
    )
    # The seeded plan is the system's, listed only when asked for.
    seeded = writable.client.get(
        "/changes", params={"since": "2010-01-01", "include_seed": "true"}
    ).json()
    assert seeded["total"] > 67


@pytest.mark.parametrize(("headers_of", "status"), [("state", 403), (None, 401)])
def test_state_keys_and_anonymous_callers_cannot_assess(
    writable: WritableActionsApi, headers_of, status
) -> None:
    headers = getattr(writable, headers_of) if headers_of else {}
    response = writable.client.post("/actions/14/assessments", json=ASSESSMENT, headers=headers)
    assert response.status_code == status
    assert writable.client.get("/actions/14/assessments").json()["total"] == 0
    assert assessment_audit_rows(writable.url) == []


@pytest.mark.parametrize(
    "body",
    [
        {**ASSESSMENT, "status": "excellent"},
        {**ASSESSMENT, "assessed_on": "2010-13-01"},
        {**ASSESSMENT, "assessed_on": "2011-01-01"},  # after the configured today (2010-06-01)
        {**ASSESSMENT, "period": ""},
        {**ASSESSMENT, "period": "x" * 101},
        {**ASSESSMENT, "narrative": "x" * 20_001},
        {**ASSESSMENT, "narrative": "nul\x00byte"},
        {**ASSESSMENT, "recorded_by": "someone else"},
        {**ASSESSMENT, "id": 5},
        {**ASSESSMENT, "source": "x"},
        {**ASSESSMENT, "source": "x" * 501},
        {key: value for key, value in ASSESSMENT.items() if key != "status"},
    ],
)
def test_bad_assessments_are_422_and_write_nothing(
    writable: WritableActionsApi, body: dict
) -> None:
    response = writable.client.post(
        "/actions/14/assessments", json=body, headers=writable.committee
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert writable.client.get("/actions/14/assessments").json()["total"] == 0
    assert assessment_audit_rows(writable.url) == []


def test_assessing_an_unknown_action_is_404(writable: WritableActionsApi) -> None:
    response = writable.client.post(
        "/actions/68/assessments", json=ASSESSMENT, headers=writable.committee
    )
    assert response.status_code == 404
    assert assessment_audit_rows(writable.url) == []


def test_unknown_assessment_is_404(writable: WritableActionsApi) -> None:
    created = writable.client.post(
        "/actions/14/assessments", json=ASSESSMENT, headers=writable.committee
    ).json()
    assert writable.client.get(f"/actions/15/assessments/{created['id']}").status_code == 404
    assert writable.client.get("/actions/14/assessments/999999").status_code == 404


def test_malformed_json_is_422(writable: WritableActionsApi) -> None:
    response = writable.client.post(
        "/actions/14/assessments",
        content=b'{"status": "on_track",',
        headers={**writable.committee, "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "json_invalid"


def test_body_over_one_mebibyte_is_413(writable: WritableActionsApi) -> None:
    body = {**ASSESSMENT, "narrative": "x" * (1024 * 1024 + 1)}
    response = writable.client.post(
        "/actions/14/assessments", json=body, headers=writable.committee
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert assessment_audit_rows(writable.url) == []


def test_a_retried_assessment_with_its_idempotency_key_is_recorded_once(
    writable: WritableActionsApi,
) -> None:
    headers = {**writable.committee, "Idempotency-Key": "msp10-action14"}
    first = writable.client.post("/actions/14/assessments", json=ASSESSMENT, headers=headers)
    again = writable.client.post("/actions/14/assessments", json=ASSESSMENT, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert writable.client.get("/actions/14/assessments").json()["total"] == 1
