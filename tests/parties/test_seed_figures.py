"""Every seed figure, served by the API, with its source or derivation."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import orjson
import pytest

from tests.parties.conftest import PartiesApi


@pytest.fixture(scope="module")
def summary(api: PartiesApi) -> dict[str, Any]:
    response = api.client.get("/summary")
    assert response.status_code == 200, response.text
    return response.json()


def test_there_are_156_parties_39_non_parties_195_states(api: PartiesApi, summary: dict) -> None:
    universal = summary["universalization"]
    assert (
        universal["parties"]["value"],
        universal["non_parties"]["value"],
        universal["states"]["value"],
    ) == (156, 39, 195)
    assert api.client.get("/states", params={"status": "party", "limit": 1}).json()["total"] == 156
    assert (
        api.client.get("/states", params={"status": "non_party", "limit": 1}).json()["total"] == 39
    )
    assert api.client.get("/states", params={"limit": 1}).json()["total"] == 195


def test_the_seeds_universalization_statements_hold(summary: dict) -> None:
    statements = {s["text"]: s for s in summary["universalization"]["statements"]}
    assert all(s["holds"] for s in statements.values()), statements
    exceptions = sorted(e for s in statements.values() for e in s["exceptions"])
    assert exceptions == ["CUB", "FIN", "POL", "SOM", "USA"]


def test_152_without_stockpiles_and_4_destroying_with_deadlines(summary: dict) -> None:
    stockpiles = summary["stockpile_destruction"]
    assert stockpiles["no_longer_holding"]["value"] == 152
    still = {
        s["iso3"]: (s["deadline"], s["status"]) for s in stockpiles["still_destroying"]["states"]
    }
    assert still == {
        "BLR": ("2008-03-01", "overdue"),
        "GRC": ("2008-03-01", "overdue"),
        "TUR": ("2008-03-01", "overdue"),
        "UKR": ("2010-06-01", "due_soon"),
    }
    assert stockpiles["destroyed_total"]["value"] == 43_000_000
    assert stockpiles["destroyed_total"]["qualifier"] == "more than"


def test_54_reported_16_completed_19_extensions(summary: dict) -> None:
    clearance = summary["clearance"]
    assert clearance["reported_mined_areas"]["value"] == 54
    assert clearance["completed"]["value"] == 16
    assert clearance["extensions_granted"]["value"] == 19
    assert clearance["in_progress"]["value"] == 38


def test_26_with_significant_numbers_of_survivors(summary: dict) -> None:
    assert summary["victim_assistance"]["significant_survivors"]["value"] == 26


def test_legislation_counts_59_33_64(summary: dict) -> None:
    compliance = summary["compliance"]
    values = [
        compliance[k]["value"]
        for k in ("legislation_adopted", "existing_law_sufficient", "legislation_not_indicated")
    ]
    assert values == [59, 33, 64]


def test_one_initial_report_missing_equatorial_guinea(summary: dict) -> None:
    missing = summary["transparency"]["initial_reports_missing"]
    assert missing["value"] == 1
    assert missing["states"] == ["GNQ"]
    assert missing["seed_figure"]["value"] == 1


def test_cooperation_figure(summary: dict) -> None:
    assert summary["cooperation"]["funding_since_2004"]["value"] == 2_000_000_000


def _figures(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if "value" in node and "unit" in node else []
        return found + [f for value in node.values() for f in _figures(value)]
    if isinstance(node, list):
        return [f for item in node for f in _figures(item)]
    return []


def test_every_served_figure_has_a_source_or_derivation(summary: dict) -> None:
    figures = _figures(summary)
    assert len(figures) > 20
    assert all(f.get("source") or f.get("derivation") for f in figures), [
        f for f in figures if not (f.get("source") or f.get("derivation"))
    ]


def test_every_state_carries_its_sources(api: PartiesApi) -> None:
    items = api.client.get("/states", params={"limit": 500}).json()["items"]
    assert len(items) == 195
    assert all(item["membership"]["source"] and item["regions"]["source"] for item in items)
    detail = api.client.get("/states/NIC").json()
    assert detail["obligations"]["article4_source"]
    assert all(deadline["source"] for deadline in detail["deadlines"])


@pytest.mark.parametrize("as_of", [None, "2010-01-01", "2010-03-01"])
def test_the_summary_served_is_the_summary_built_in_the_declared_shape(
    api: PartiesApi, as_of: str | None
) -> None:
    """`/summary` declares its model in OpenAPI, and serves exactly what `aims` built in it."""
    from sqlmodel import Session

    from services.common.db import create_engine
    from services.parties.obligations.derive import Rules
    from services.parties.records import snapshot
    from services.parties.summary.aims import summarize
    from services.parties.summary.schemas import Summary

    params = {"as_of": as_of} if as_of else {}
    served = api.client.get("/summary", params=params).json()
    app_state = api.client.app.state  # type: ignore[attr-defined]
    rules: Rules = app_state.rules
    engine = create_engine(api.url)
    try:
        with Session(engine) as session:
            today = app_state.clock.today()
            day = snapshot.current(session, today=today) if as_of is None else None
            view = day or snapshot.as_of(session, day=date.fromisoformat(as_of or ""))
            built = summarize(view, rules, served["commitments"]["by_status"])
    finally:
        engine.dispose()
    assert served == json.loads(orjson.dumps(built))
    Summary.model_validate(served)
    schema = api.client.get("/openapi.json").json()["paths"]["/summary"]["get"]
    assert schema["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Summary"
    }
