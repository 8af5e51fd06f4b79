"""Reading states and deadlines."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from tests.parties.conftest import PartiesApi, open_api


def test_filter_by_region_and_group(api: PartiesApi) -> None:
    americas = api.client.get(
        "/states", params={"region": "Americas", "status": "non_party"}
    ).json()
    assert [s["iso3"] for s in americas["items"]] == ["CUB", "USA"]
    eu = api.client.get("/states", params={"region": "european-union", "limit": 500}).json()
    assert eu["total"] == 27
    cis = api.client.get("/states", params={"region": "cis", "status": "party"}).json()
    assert {s["iso3"] for s in cis["items"]} <= {"BLR", "MDA", "TJK", "TKM", "UKR"}


def test_search_by_name_or_seed_spelling_or_code(api: PartiesApi) -> None:
    by_seed_name = api.client.get("/states", params={"q": "FYR"}).json()["items"]
    assert [s["iso3"] for s in by_seed_name] == ["MKD"]
    assert api.client.get("/states", params={"q": "nic"}).json()["items"][0]["iso3"] == "NIC"


@pytest.mark.parametrize(
    ("q", "iso3"),
    [
        ("DRC", "COD"),  # the brochure's clearance chart
        ("Bosnia and H.", "BIH"),
        ("Congo, Rep. of", "COG"),
        ("Cote d'Ivoire", "CIV"),  # neither the accent nor the brochure's curly apostrophe
        ("côte d’ ivoire", "CIV"),
    ],
)
def test_search_finds_the_brochures_spellings_and_unaccented_names(
    api: PartiesApi, q: str, iso3: str
) -> None:
    found = api.client.get("/states", params={"q": q}).json()["items"]
    assert [s["iso3"] for s in found] == [iso3]


def test_a_state_is_named_as_it_was_on_the_day(api: PartiesApi, actions_client: TestClient) -> None:
    # 1 May 2010: the names of 2010, as the brochure and the United Nations used them.
    names = {
        s["iso3"]: s["name"]
        for s in api.client.get("/states", params={"limit": 500}).json()["items"]
    }
    assert [names[c] for c in ("TUR", "SWZ", "CZE", "CPV")] == [
        "Turkey",
        "Swaziland",
        "Czech Republic",
        "Cape Verde",
    ]
    assert names["MKD"] == "The former Yugoslav Republic of Macedonia"
    assert api.client.get("/states/TUR").json()["name"] == "Turkey"
    with open_api(api.url, actions_client, today=date(2022, 6, 1)) as client:
        assert client.get("/states/TUR").json()["name"] == "Türkiye"
        assert client.get("/states/MKD").json()["name"] == "North Macedonia"
        assert client.get("/states/TUR", params={"as_of": "2022-05-31"}).json()["name"] == (
            "Turkey"
        )
        # Either name finds the state, whatever the day.
        assert [
            s["iso3"] for s in client.get("/states", params={"q": "turkey"}).json()["items"]
        ] == ["TUR"]


def test_the_seed_spelling_is_kept(api: PartiesApi) -> None:
    state = api.client.get("/states/CIV").json()
    assert state["name_in_seed"] == "Côte d’ Ivoire"
    assert state["name"] != state["name_in_seed"]


def test_state_detail_has_membership_obligations_deadlines_groups(api: PartiesApi) -> None:
    response = api.client.get("/states/ukr")
    assert response.status_code == 200
    body = response.json()
    assert body["membership"]["entry_into_force"] == "2006-06-01"
    assert body["obligations"]["article4_status"] == "destroying"
    kinds = [d["kind"] for d in body["deadlines"]]
    assert kinds[0] == "article4_stockpile_destruction"
    assert "article4_in_progress" in body["groups"]
    assert "missed_article4_deadline" not in body["groups"]
    assert "etag" in response.headers


def test_non_party_has_no_obligations_or_deadlines(api: PartiesApi) -> None:
    body = api.client.get("/states/USA").json()
    assert body["membership"]["status"] == "non_party"
    assert body["obligations"] is None
    assert body["deadlines"] == [] and body["groups"] == []
    assert api.client.get("/parties/USA/deadlines").status_code == 404


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/states/XYZ", 404),
        ("/states/XY", 422),
        ("/states/12A", 422),
        ("/parties/ZZZ/deadlines", 404),
    ],
)
def test_unknown_or_malformed_codes(api: PartiesApi, path: str, status: int) -> None:
    response = api.client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


def test_deadlines_of_nicaragua_and_ukraine_on_1_may_2010(api: PartiesApi) -> None:
    nicaragua = {d["kind"]: d for d in api.client.get("/parties/NIC/deadlines").json()["items"]}
    clearance = nicaragua["article5_clearance"]
    assert (clearance["due"], clearance["original_due"], clearance["status"]) == (
        "2010-05-01",
        "2009-05-01",
        "met",
    )
    ukraine = {d["kind"]: d for d in api.client.get("/parties/UKR/deadlines").json()["items"]}
    assert (
        ukraine["article4_stockpile_destruction"]["due"],
        ukraine["article4_stockpile_destruction"]["status"],
    ) == ("2010-06-01", "due_soon")


def test_deadlines_resting_on_unverified_dates_say_so(api: PartiesApi) -> None:
    # Argentina's deposit date is inferred (no located source states it); Afghanistan's is sourced.
    argentina = api.client.get("/parties/ARG/deadlines").json()["items"]
    initial = next(d for d in argentina if d["kind"] == "article7_initial_report")
    assert (initial["verified"], initial["unverified_because"]) == (
        False,
        "derived from an entry into force whose deposit date no located source states",
    )
    annual = [d for d in argentina if d["kind"] == "article7_annual_report"]
    assert annual and all(d["verified"] for d in annual)  # 30 April of the next year: no input
    afghanistan = api.client.get("/parties/AFG/deadlines").json()["items"]
    assert all(d["verified"] and d["unverified_because"] is None for d in afghanistan)
    clearance = api.client.get("/deadlines", params={"kind": "article5_clearance"}).json()["items"]
    # The 9 extended deadlines whose pairing with their party no source confirms.
    unpaired = {
        row["iso3"]
        for row in clearance
        if row["unverified_because"]
        == "the extension it rests on is not confirmed by a located source (see the extension's "
        "source)"
    }
    assert unpaired == {"BIH", "DNK", "ECU", "GBR", "HRV", "PER", "SEN", "VEN", "ZWE"}
    detail = api.client.get("/states/ARG").json()["deadlines"]
    assert [d["verified"] for d in detail] == [d["verified"] for d in argentina]
    # And in the summary: the deadlines it lists say whether they rest on unverified inputs.
    summary = api.client.get("/summary").json()
    listed = summary["clearance"]["next_deadlines"] + summary["clearance"]["overdue"]
    by_state = {item["iso3"]: item for item in listed}
    assert by_state and all("verified" in item for item in listed)
    assert {iso3 for iso3, item in by_state.items() if not item["verified"]} >= (
        set(by_state) & unpaired
    )
    destroying = summary["stockpile_destruction"]["still_destroying"]["states"]
    assert all(isinstance(item["verified"], bool) for item in destroying)
    # Every figure says how it is known: counted from the records, or stated by a source.
    parties = summary["universalization"]["parties"]
    assert (parties["basis"], parties["seed_figure"]["basis"]) == ("derived", "recorded")
    assert summary["stockpile_destruction"]["destroyed_total"]["basis"] == "recorded"


def test_the_plans_dated_undertakings_are_deadlines_of_the_parties_they_bind(
    api: PartiesApi,
) -> None:
    chad = {d["kind"]: d for d in api.client.get("/parties/TCD/deadlines").json()["items"]}
    perimeters = chad["action14_mined_area_perimeters"]
    assert (perimeters["due"], perimeters["status"], perimeters["basis"]) == (
        "2010-11-29",
        "pending",
        "derived",
    )
    assert "no later than the Tenth Meeting of the States Parties" in perimeters["source"]
    assert "action34_national_plans" in chad  # Chad is still clearing: it owes national plans
    # Andorra never held stockpiles, has no mined areas and no survivors to assist: neither.
    andorra = {d["kind"] for d in api.client.get("/parties/AND/deadlines").json()["items"]}
    assert not andorra & {"action14_mined_area_perimeters", "action34_national_plans"}
    owed = api.client.get("/deadlines", params={"kind": "action14_mined_area_perimeters"}).json()[
        "items"
    ]
    assert len(owed) == 38  # the parties still clearing mined areas


def test_an_undertaking_past_its_day_is_not_recorded_not_overdue(
    writable: PartiesApi, actions_client: TestClient
) -> None:
    with open_api(writable.url, actions_client, today=date(2010, 12, 6)) as client:
        items = client.get("/parties/TCD/deadlines").json()["items"]
    perimeters = next(d for d in items if d["kind"] == "action14_mined_area_perimeters")
    assert (perimeters["status"], perimeters["basis"]) == ("unknown", "not_recorded")


def test_equatorial_guineas_initial_report_is_overdue(api: PartiesApi) -> None:
    deadlines = {d["kind"]: d for d in api.client.get("/parties/GNQ/deadlines").json()["items"]}
    assert deadlines["article7_initial_report"]["status"] == "overdue"
    assert deadlines["article7_initial_report"]["basis"] == "derived"
    assert deadlines["article7_initial_report"]["due"] == "1999-08-28"
    assert "initial_article7_report_missing" in api.client.get("/states/GNQ").json()["groups"]


def test_as_of_before_the_records_begin_is_422(api: PartiesApi) -> None:
    assert api.client.get("/summary", params={"as_of": "2009-12-31"}).status_code == 422
    assert api.client.get("/summary", params={"as_of": "2010-13-01"}).status_code == 422
    assert api.client.get("/summary", params={"as_of": "2011-01-01"}).status_code == 422


def test_readiness_reports_the_actions_service(api: PartiesApi) -> None:
    assert api.client.get("/readyz").json()["dependencies"] == {"actions": "ok"}


def test_all_article5_deadlines_at_once(api: PartiesApi) -> None:
    rows = api.client.get("/deadlines", params={"kind": "article5_clearance"}).json()["items"]
    assert len(rows) == 54
    by_state = {row["iso3"]: row for row in rows}
    assert (by_state["KHM"]["original_due"], by_state["KHM"]["due"]) == ("2010-01-01", "2020-01-01")
    assert by_state["KHM"]["entry_into_force"] == "2000-01-01"
    overdue = api.client.get(
        "/deadlines", params={"kind": "article4_stockpile_destruction", "status": "overdue"}
    ).json()["items"]
    assert sorted(row["iso3"] for row in overdue) == ["BLR", "GRC", "TUR"]
    assert api.client.get("/deadlines", params={"kind": "article9"}).status_code == 422


def test_progress_of_every_action_at_once(api: PartiesApi) -> None:
    rows = api.client.get("/progress").json()["items"]
    assert [row["action_number"] for row in rows] == list(range(1, 68))
    by_action = {row["action_number"]: row for row in rows}
    assert by_action[1]["applicable_parties"] == 156
    assert by_action[23]["applicable_parties"] == 26
    assert by_action[7]["applicable_parties"] == 3
    assert by_action[54]["applicable_parties"] == 1
    assert by_action[1]["by_status"]["not_recorded"] == 156  # no party has written yet
    assert by_action[1]["by_status"]["not_started"] == 0
    assert by_action[1]["membership_not_recorded"] == 0


def test_an_action_whose_group_no_record_decides_says_so(api: PartiesApi) -> None:
    rows = {row["applies_to"]: row for row in api.client.get("/progress").json()["items"]}
    # No party has declared whether it is in a position to assist, reported the mines it
    # retains or said how far its legislation goes: such actions bind nobody yet, and say why.
    for group in (
        "in_a_position_to_assist",
        "retained_mines_article3",
        "no_national_implementation_measures",
    ):
        assert (rows[group]["applicable_parties"], rows[group]["membership_not_recorded"]) == (
            0,
            156,
        )
    one = api.client.get(f"/actions/{rows['in_a_position_to_assist']['action_number']}/progress")
    assert one.json()["membership_not_recorded"] == 156
    # The brochure counts the parties without legislation, though it names none of them.
    legislation = rows["no_national_implementation_measures"]["group_figure"]
    assert legislation["value"] == 64 and legislation["source"].startswith("seed")
    assert rows["in_a_position_to_assist"]["group_figure"] is None
