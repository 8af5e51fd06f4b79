"""Who has joined: the world map's rows, the States not party, adherence by region."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from dashboard.api_models import State, Summary
from dashboard.compute.formatting import day, membership_label

# South Sudan became independent on 9 July 2011 (admitted to the United Nations by General
# Assembly resolution A/RES/65/308 of 14 July 2011): before it, its territory was Sudan's, and the
# map draws it so rather than as a hole. After it the records hold no South Sudan: no data.
SOUTH_SUDAN_INDEPENDENCE = date(2011, 7, 9)


def map_rows(states: list[State]) -> list[dict[str, Any]]:
    """One row per state, for the table under the map."""
    return [
        {
            "iso3": s.iso3,
            "state": s.name,
            "status": membership_label(s.membership),
            "entry into force": day(s.membership.entry_into_force) or "",
        }
        for s in states
    ]


def map_shapes(rows: list[dict[str, Any]], as_of: date) -> list[dict[str, Any]]:
    """The shapes the map colours: one per state, and the territory of a state that was part of
    another on `as_of` in that state's colour (marked `part_of`, so it is not counted twice)."""
    sudan = next((row for row in rows if row["iso3"] == "SDN"), None)
    if sudan is None or as_of >= SOUTH_SUDAN_INDEPENDENCE:
        return rows
    south = {**sudan, "iso3": "SSD", "state": f"{sudan['state']} (until 9 July 2011)"}
    return [*rows, {**south, "part_of": "SDN"}]


def non_party_rows(states: list[State]) -> list[dict[str, Any]]:
    """The states that are not party, with their region."""
    return [
        {
            "state": s.name,
            "iso3": s.iso3,
            "region": s.regions.un_region,
            "sub-region": s.regions.un_subregion,
        }
        for s in states
        if s.membership.status != "party"
    ]


def region_rows(summary: Summary, names: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Adherence by region: States, parties, share, who is missing (by name, where `names`
    has it)."""
    names = names or {}
    return [
        {
            "region": r.region,
            "States": r.states,
            "States Parties": r.parties,
            "share joined (%)": round(100 * (r.share or 0), 1),
            "not party": ", ".join(names.get(code, code) for code in r.non_parties),
        }
        for r in summary.universalization.regions
    ]
