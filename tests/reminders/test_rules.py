"""The rules API: lead times per kind of event; anyone reads them, admins set them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reminders.conftest import RemindersApi, etag_of, row_counts


def put_rule(api: RemindersApi, kind: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    path = f"/rules/{kind}"
    return api.client.put(
        path, json=body, headers={**headers, "If-Match": etag_of(api.client, path)}
    )


def test_list_rules_has_the_default_lead_times(api: RemindersApi) -> None:
    rules = {r["kind"]: r for r in api.client.get("/rules").json()["items"]}
    assert {k: (r["before_days"], r["after_days_unless_met"]) for k, r in rules.items()} == {
        "anniversary": ([], []),
        "deadline": ([30, 7], [1]),
        "meeting_of_states_parties": ([60, 30, 7], []),
        "review_conference": ([60, 30, 7], []),
        "special_meeting": ([60, 30, 7], []),
        "standing_committees": ([60, 30, 7], []),
    }
    assert rules["deadline"]["audience"] == "states"
    assert api.client.get("/rules/picnic").status_code == 404


def test_admin_changes_lead_times_and_the_reminders_are_replanned(api: RemindersApi) -> None:
    api.client.post(
        "/committee-members", json={"name": "Chair", "email": "c@x.org"}, headers=api.admin
    )
    response = put_rule(
        api, "standing_committees", {"before_days": [7, 14], "audience": "committee"}, api.admin
    )
    assert response.status_code == 200, response.text
    assert response.json()["before_days"] == [14, 7]
    assert response.json()["source"].startswith("set through the API with key ")
    reminders = api.client.get("/reminders", params={"event_id": 6}, headers=api.admin).json()
    by_status = {(r["offset_days"], r["status"]) for r in reminders["items"]}
    assert by_status == {(-60, "cancelled"), (-30, "cancelled"), (-7, "pending"), (-14, "pending")}


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        (
            "standing_committees",
            {"before_days": [60], "after_days_unless_met": [1], "audience": "all"},
        ),
        ("deadline", {"before_days": [30, 30], "audience": "states"}),
        ("deadline", {"before_days": [0], "audience": "states"}),
        ("deadline", {"before_days": [400], "audience": "states"}),
        ("deadline", {"before_days": [30], "after_days_unless_met": [45], "audience": "states"}),
        ("deadline", {"before_days": [30], "audience": "everyone"}),
        ("deadline", {"before_days": [30], "audience": "states", "kind": "x"}),
    ],
)
def test_bad_rules_are_refused_and_nothing_changes(
    api: RemindersApi, kind: str, body: dict[str, Any]
) -> None:
    before = row_counts(api.url)
    response = put_rule(api, kind, body, api.admin)
    assert response.status_code == 422, response.text
    assert row_counts(api.url) == before


def test_only_admins_change_rules(api: RemindersApi) -> None:
    body = {"before_days": [1], "audience": "all"}
    for key in (api.committee, api.ukraine):
        assert put_rule(api, "deadline", body, key).status_code == 403
    assert api.client.get("/rules/deadline").json()["before_days"] == [30, 7]
