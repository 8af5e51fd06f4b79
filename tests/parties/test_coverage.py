"""Coverage of the records: before the records of a kind are complete, a missing record is
`unknown` (not recorded), never `overdue`; an admin states when they become complete."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from tests.parties.conftest import PartiesApi, open_api

ANNUAL = "/coverage/article7_annual_report"
FROM_2010 = {
    "complete_from": "2010-01-01",
    "source": "ISU: every annual report received since 1 January 2010 is recorded here",
}


def annual_2009(client: TestClient, iso3: str, **params: str) -> dict:
    items = client.get(f"/parties/{iso3}/deadlines", params=params).json()["items"]
    return next(d for d in items if d["covers_year"] == 2009)


def test_the_coverage_of_each_kind_is_listed_with_its_source(api: PartiesApi) -> None:
    kinds = {c["kind"]: c for c in api.client.get("/coverage").json()}
    assert set(kinds) == {
        "article4_stockpile_destruction",
        "article5_clearance",
        "article7_initial_report",
        "article7_annual_report",
        "action14_mined_area_perimeters",
        "action34_national_plans",
    }
    assert kinds["article7_initial_report"]["complete_from"] == "1999-03-01"
    assert "With the exception of one" in kinds["article7_initial_report"]["source"]
    assert kinds["article7_annual_report"]["complete_from"] is None


def test_annual_reports_no_record_covers_are_not_overdue(api: PartiesApi) -> None:
    # 1 May 2010: the 30 April deadline of the reports covering 2009 has passed, and no report
    # records are kept yet: nobody is overdue, and nobody is presumed to have reported.
    report = annual_2009(api.client, "UKR")
    assert (report["status"], report["basis"]) == ("unknown", "not_recorded")
    overdue = api.client.get("/summary").json()["transparency"]["annual_reports_overdue"]
    assert (overdue["value"], overdue["not_recorded"], overdue["states"]) == (0, 156, [])


def test_an_admin_states_when_the_records_are_complete(writable: PartiesApi) -> None:
    client = writable.client
    etag = client.get(ANNUAL).headers["etag"]
    assert client.put(ANNUAL, json=FROM_2010, headers=writable.admin).status_code == 428
    refused = client.put(ANNUAL, json=FROM_2010, headers={**writable.ukraine, "If-Match": etag})
    assert refused.status_code == 403
    unknown = client.put(
        "/coverage/article9", json=FROM_2010, headers={**writable.admin, "If-Match": etag}
    )
    assert unknown.status_code == 422
    changed = client.put(ANNUAL, json=FROM_2010, headers={**writable.admin, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.json()["complete_from"] == "2010-01-01"
    report = annual_2009(client, "UKR")
    assert (report["status"], report["basis"]) == ("overdue", "derived")
    overdue = client.get("/summary").json()["transparency"]["annual_reports_overdue"]
    assert (overdue["value"], overdue["not_recorded"]) == (156, 0)
    stale = client.put(ANNUAL, json=FROM_2010, headers={**writable.admin, "If-Match": etag})
    assert stale.status_code == 412


def test_a_past_day_keeps_the_coverage_it_had(
    writable: PartiesApi, actions_client: TestClient
) -> None:
    # The ISU starts recording annual reports on 2 June 2010; 1 June is replayed as it stood.
    with open_api(writable.url, actions_client, today=date(2010, 6, 2)) as client:
        etag = client.get(ANNUAL).headers["etag"]
        headers = {**writable.admin, "If-Match": etag}
        assert client.put(ANNUAL, json=FROM_2010, headers=headers).status_code == 200
        assert annual_2009(client, "UKR")["status"] == "overdue"
        assert annual_2009(client, "UKR", as_of="2010-06-01")["status"] == "unknown"
