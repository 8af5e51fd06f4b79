"""Who has joined: the world map's rows, the States not party, adherence by region."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from dashboard.api_models import State, Summary
from dashboard.compute.formatting import day, membership_label
from dashboard.i18n import N_, _, state_name
from dashboard.i18n import day as long_day

# South Sudan became independent on 9 July 2011 (admitted to the United Nations by General
# Assembly resolution A/RES/65/308 of 14 July 2011): before it, its territory was Sudan's, and the
# map draws it so rather than as a hole. After it the records hold no South Sudan: no data.
SOUTH_SUDAN_INDEPENDENCE = date(2011, 7, 9)
# The UN's regions and sub-regions (M49) and the groups the summary counts, for the reader.
REGIONS = (
    N_("Africa"),
    N_("Americas"),
    N_("Asia"),
    N_("Europe"),
    N_("Oceania"),
    N_("Sub-Saharan Africa"),
    N_("Western Asia"),
    N_("European Union (2010)"),
    N_("Commonwealth of Independent States (2010)"),
    N_("Australia and New Zealand"),
    N_("Caribbean"),
    N_("Central America"),
    N_("Central Asia"),
    N_("Eastern Africa"),
    N_("Eastern Asia"),
    N_("Eastern Europe"),
    N_("Melanesia"),
    N_("Micronesia"),
    N_("Middle Africa"),
    N_("Northern Africa"),
    N_("Northern America"),
    N_("Northern Europe"),
    N_("Polynesia"),
    N_("South America"),
    N_("South-eastern Asia"),
    N_("Southern Africa"),
    N_("Southern Asia"),
    N_("Southern Europe"),
    N_("Western Africa"),
    N_("Western Europe"),
)


def region_name(region: str) -> str:
    """A UN region, sub-region or group in the reader's language."""
    return _(region)


def map_rows(states: list[State]) -> list[dict[str, Any]]:
    """One row per state, for the table under the map."""
    return [
        {
            N_("iso3"): s.iso3,
            N_("state"): state_name(s.iso3, s.name),
            N_("status"): membership_label(s.membership),
            N_("entry into force"): day(s.membership.entry_into_force) or "",
        }
        for s in states
    ]


def map_shapes(rows: list[dict[str, Any]], as_of: date) -> list[dict[str, Any]]:
    """The shapes the map colours: one per state, and the territory of a state that was part of
    another on `as_of` in that state's colour (marked `part_of`, so it is not counted twice)."""
    sudan = next((row for row in rows if row["iso3"] == "SDN"), None)
    if sudan is None or as_of >= SOUTH_SUDAN_INDEPENDENCE:
        return rows
    until = _("{state} (until {day})").format(
        state=sudan["state"], day=long_day(SOUTH_SUDAN_INDEPENDENCE)
    )
    south = {**sudan, "iso3": "SSD", "state": until}
    return [*rows, {**south, "part_of": "SDN"}]


def non_party_rows(states: list[State]) -> list[dict[str, Any]]:
    """The states that are not party, with their region."""
    return [
        {
            N_("state"): state_name(s.iso3, s.name),
            N_("iso3"): s.iso3,
            N_("region"): region_name(s.regions.un_region),
            N_("sub-region"): region_name(s.regions.un_subregion),
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
            N_("region"): region_name(r.region),
            N_("States"): r.states,
            N_("States Parties"): r.parties,
            N_("share joined (%)"): round(100 * (r.share or 0), 1),
            N_("not party"): ", ".join(
                state_name(code, names.get(code, code)) for code in r.non_parties
            ),
        }
        for r in summary.universalization.regions
    ]
