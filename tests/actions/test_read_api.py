"""The public read API: plans, sections, actions, indicators."""

from __future__ import annotations

import pytest

from tests.actions.conftest import ActionsApi


def test_actions_list_holds_all_67(api: ActionsApi) -> None:
    body = api.client.get("/actions", params={"limit": 100}).json()
    assert body["total"] == 67
    assert (body["limit"], body["offset"]) == (100, 0)
    assert [item["number"] for item in body["items"]] == list(range(1, 68))


def test_action_has_the_documented_shape(api: ActionsApi) -> None:
    response = api.client.get("/actions/42")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "number": 42,
        "plan_id": "cartagena-2010-2014",
        "section": {
            "number": "V",
            "title": "International Cooperation and Assistance for Achieving the Convention’s Aims",
        },
        "subheading": None,
        "actor_group": {
            "text": "States Parties in a position to do so will:",
            "applies_to": "in_a_position_to_assist",
        },
        "text": "Support the further investigation and development of technical solutions to "
        "overcome the particular challenges associated with destroying PFM mines.",
        "source": 'seed: "10. Cartagena Action Plan 2010-2014", Action #42',
    }


def test_action_carries_an_etag_and_answers_304(api: ActionsApi) -> None:
    etag = api.client.get("/actions/1").headers["etag"]
    assert api.client.get("/actions/1", headers={"If-None-Match": etag}).status_code == 304
    assert api.client.get("/actions/2").headers["etag"] != etag


@pytest.mark.parametrize("path", ["/actions/68", "/actions/0", "/actions/999999999"])
def test_unknown_action_is_404_or_out_of_range_422(api: ActionsApi, path: str) -> None:
    response = api.client.get(path)
    assert response.status_code in (404, 422)
    assert response.headers["content-type"] == "application/problem+json"


def test_unknown_action_number_is_404(api: ActionsApi) -> None:
    response = api.client.get("/actions/68")
    assert response.status_code == 404
    assert response.json()["detail"] == "The plan 'cartagena-2010-2014' has no action #68."


def test_filter_by_section(api: ActionsApi) -> None:
    body = api.client.get("/actions", params={"section": "iii"}).json()
    assert [item["number"] for item in body["items"]] == list(range(13, 23))
    assert body["total"] == 10


def test_filter_by_unknown_section_is_404(api: ActionsApi) -> None:
    response = api.client.get("/actions", params={"section": "VII"})
    assert response.status_code == 404


def test_filter_by_applies_to(api: ActionsApi) -> None:
    body = api.client.get("/actions", params={"applies_to": "significant_survivors"}).json()
    assert [item["number"] for item in body["items"]] == list(range(23, 34))


def test_filter_by_unknown_applies_to_is_422(api: ActionsApi) -> None:
    assert api.client.get("/actions", params={"applies_to": "everyone"}).status_code == 422


def test_search_words(api: ActionsApi) -> None:
    body = api.client.get("/actions", params={"section": "III", "q": "clearance"}).json()
    numbers = [item["number"] for item in body["items"]]
    assert numbers and all(13 <= n <= 22 for n in numbers)
    assert all("clearance" in (i["text"] + i["actor_group"]["text"]).lower() for i in body["items"])
    both = api.client.get("/actions", params={"q": "PFM mines"}).json()
    assert [item["number"] for item in both["items"]] == [42]


def test_search_treats_wildcards_literally(api: ActionsApi) -> None:
    assert api.client.get("/actions", params={"q": "%"}).json()["total"] == 0
    assert api.client.get("/actions", params={"q": "_"}).json()["total"] == 0


def test_unknown_plan_is_404(api: ActionsApi) -> None:
    assert api.client.get("/plans/nairobi-2005-2009").status_code == 404
    assert api.client.get("/actions", params={"plan_id": "nairobi-2005-2009"}).status_code == 404


def test_limit_over_the_maximum_is_422(api: ActionsApi) -> None:
    assert api.client.get("/actions", params={"limit": 100000}).status_code == 422


def test_sections(api: ActionsApi) -> None:
    body = api.client.get("/sections").json()
    assert body["total"] == 6
    assert [(s["number"], s["actions"]["first"], s["actions"]["last"]) for s in body["items"]] == [
        ("I", 1, 6),
        ("II", 7, 12),
        ("III", 13, 22),
        ("IV", 23, 33),
        ("V", 34, 52),
        ("VI", 53, 67),
    ]
    assert body["items"][0]["title"] == "Universalizing the Convention"
    assert [p["number"] for p in body["items"][3]["paragraphs"]] == [12, 13, 14, 15, 16]


def test_one_section(api: ActionsApi) -> None:
    response = api.client.get("/sections/IV")
    assert response.status_code == 200
    assert response.json()["title"] == "Assisting the Victims"
    assert "etag" in response.headers
    assert api.client.get("/sections/XI").status_code == 404


def test_plans(api: ActionsApi) -> None:
    body = api.client.get("/plans").json()
    assert body["total"] == 1
    plan = api.client.get("/plans/cartagena-2010-2014").json()
    assert plan["title"].startswith("Cartagena Action Plan 2010-2014")
    assert (plan["adopted_from"], plan["adopted_to"]) == ("2009-11-30", "2009-12-04")
    assert [p["number"] for p in plan["introduction"]] == list(range(1, 9))
    assert plan["source"].startswith("seed: ")


def test_indicators_carry_baselines_with_sources(api: ActionsApi) -> None:
    body = api.client.get("/indicators", params={"limit": 500}).json()
    assert body["total"] == len(body["items"]) >= 15
    assert all(item["baseline"]["source"].startswith("seed: ") for item in body["items"])


def test_indicators_of_action_59_are_the_legislation_counts(api: ActionsApi) -> None:
    items = api.client.get("/indicators", params={"action": 59}).json()["items"]
    values = {item["id"]: item["baseline"]["value"] for item in items}
    assert values == {
        "legislation-adopted": 59,
        "existing-law-sufficient": 33,
        "legislation-not-indicated": 64,
    }


def test_indicator_of_action_54_is_the_missing_initial_report(api: ActionsApi) -> None:
    items = api.client.get("/indicators", params={"action": 54}).json()["items"]
    assert [(i["id"], i["baseline"]["value"]) for i in items] == [
        ("initial-article7-reports-missing", 1)
    ]


def test_cooperation_indicator(api: ActionsApi) -> None:
    response = api.client.get("/indicators/cooperation-funding")
    body = response.json()
    assert body["aim"] == "cooperation"
    assert body["unit"] == "US$"
    assert body["baseline"]["value"] == 2_000_000_000
    assert body["baseline"]["qualifier"] == "approximately"
    assert "etag" in response.headers
    assert api.client.get("/indicators/nothing").status_code == 404


def test_openapi_document_is_served(api: ActionsApi) -> None:
    assert api.client.get("/docs").status_code == 200
    paths = api.client.get("/openapi.json").json()["paths"]
    assert {"/actions", "/actions/{number}", "/sections", "/plans", "/indicators"} <= paths.keys()
