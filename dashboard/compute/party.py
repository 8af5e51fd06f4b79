"""One State Party: its obligations and commitments; the victim-assistance matrix of several."""

from __future__ import annotations

from datetime import date
from typing import Any

from dashboard.api_models import Commitment, Obligations
from dashboard.compute.formatting import applies_to, day, status_label
from dashboard.i18n import N_, _, state_name
from dashboard.i18n import number as localized

VICTIM_ASSISTANCE_ACTIONS = range(23, 34)


OBLIGATION_LABELS = {
    "article3_mines_retained": N_("Mines retained for training (Article 3)"),
    "article4_status": N_("Stockpile destruction (Article 4)"),
    "article4_completed_on": N_("Stockpile destruction completed on"),
    "article4_mines_destroyed": N_("Stockpiled mines destroyed"),
    "article5_applies": N_("Reported mined areas (Article 5)"),
    "article5_completed": N_("Clearance completed"),
    "article5_completed_on": N_("Clearance completed on"),
    "article5_area_released_m2": N_("Area released (m²)"),
    "significant_survivors": N_("Significant numbers of mine survivors"),
    "article7_initial_submitted": N_("Initial transparency report submitted (Article 7)"),
    "article7_initial_submitted_on": N_("Initial report submitted on"),
    "article9_status": N_("National implementation measures (Article 9)"),
    "in_a_position_to_assist": N_("Declares itself in a position to assist"),
    "needs_article5_extension": N_("Declares it needs an Article 5 extension"),
}
VALUE_LABELS = {
    "no_stockpiles": N_("no stockpiles"),
    "destroying": N_("destroying"),
    "completed": N_("completed"),
    "not_reported": N_("not reported"),
    "legislation_adopted": N_("legislation adopted"),
    "existing_law_sufficient": N_("existing law deemed sufficient"),
    "not_indicated": N_("not indicated"),
}


def obligation_rows(obligations: Obligations) -> list[dict[str, Any]]:
    """What a party owes and reported, one row per field, labelled for a reader: yes or no for
    a flag, "not recorded" where the record holds nothing."""
    return [
        {N_("obligation"): _(OBLIGATION_LABELS.get(key, key)), N_("value"): _shown(value)}
        for key, value in obligations.model_dump().items()
    ]


def _shown(value: object) -> str:
    if value is None:
        return _("not recorded")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return day(value) or ""
    if isinstance(value, int):
        return localized(value, "#,##0")
    return _(VALUE_LABELS.get(str(value), str(value).replace("_", " ")))


def commitment_rows(commitments: list[Commitment]) -> list[dict[str, Any]]:
    """A party's commitments for a table."""
    return [
        {
            N_("action"): c.action_number,
            N_("binds"): applies_to(c.applies_to),
            N_("status"): status_label(c.status),
            N_("target date"): day(c.target_date) or "",
            N_("narrative"): c.narrative,
            N_("version"): c.version,
        }
        for c in commitments
    ]


def va_matrix(
    commitments: dict[str, list[Commitment]], names: dict[str, str]
) -> list[dict[str, Any]]:
    """The 26 states × actions 23–33: each cell the commitment's status."""

    def named(iso3: str) -> str:
        return state_name(iso3, names.get(iso3) or iso3)

    rows = []
    for iso3 in sorted(commitments, key=named):
        row: dict[str, Any] = {N_("state"): named(iso3)}
        by_action = {c.action_number: c for c in commitments[iso3]}
        for number in VICTIM_ASSISTANCE_ACTIONS:
            found = by_action.get(number)
            row[f"#{number}"] = status_label(found.status) if found else "—"
        rows.append(row)
    return rows
