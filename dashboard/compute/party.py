"""One State Party: its obligations and commitments; the victim-assistance matrix of several."""

from __future__ import annotations

from datetime import date
from typing import Any

from dashboard.api_models import Commitment, Obligations
from dashboard.compute.formatting import STATUS_LABELS, day, shown

VICTIM_ASSISTANCE_ACTIONS = range(23, 34)


OBLIGATION_LABELS = {
    "article3_mines_retained": "Mines retained for training (Article 3)",
    "article4_status": "Stockpile destruction (Article 4)",
    "article4_completed_on": "Stockpile destruction completed on",
    "article4_mines_destroyed": "Stockpiled mines destroyed",
    "article5_applies": "Reported mined areas (Article 5)",
    "article5_completed": "Clearance completed",
    "article5_completed_on": "Clearance completed on",
    "article5_area_released_m2": "Area released (m²)",
    "significant_survivors": "Significant numbers of mine survivors",
    "article7_initial_submitted": "Initial transparency report submitted (Article 7)",
    "article7_initial_submitted_on": "Initial report submitted on",
    "article9_status": "National implementation measures (Article 9)",
    "in_a_position_to_assist": "Declares itself in a position to assist",
    "needs_article5_extension": "Declares it needs an Article 5 extension",
}
VALUE_LABELS = {
    "no_stockpiles": "no stockpiles",
    "destroying": "destroying",
    "completed": "completed",
    "not_reported": "not reported",
    "legislation_adopted": "legislation adopted",
    "existing_law_sufficient": "existing law deemed sufficient",
    "not_indicated": "not indicated",
}


def obligation_rows(obligations: Obligations) -> list[dict[str, Any]]:
    """What a party owes and reported, one row per field, labelled for a reader: yes or no for
    a flag, "not recorded" where the record holds nothing."""
    return [
        {"obligation": OBLIGATION_LABELS.get(key, key.replace("_", " ")), "value": _shown(value)}
        for key, value in obligations.model_dump().items()
    ]


def _shown(value: object) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return day(value) or ""
    if isinstance(value, int):
        return f"{value:,}"
    return VALUE_LABELS.get(str(value), str(value).replace("_", " "))


def commitment_rows(commitments: list[Commitment]) -> list[dict[str, Any]]:
    """A party's commitments for a table."""
    return [
        {
            "action": c.action_number,
            "binds": c.applies_to,
            "status": STATUS_LABELS[shown(c.status)],
            "target date": day(c.target_date) or "",
            "narrative": c.narrative,
            "version": c.version,
        }
        for c in commitments
    ]


def va_matrix(
    commitments: dict[str, list[Commitment]], names: dict[str, str]
) -> list[dict[str, Any]]:
    """The 26 states × actions 23–33: each cell the commitment's status."""
    rows = []
    for iso3 in sorted(commitments, key=lambda code: names.get(code, code)):
        row: dict[str, Any] = {"state": names.get(iso3, iso3)}
        by_action = {c.action_number: shown(c.status) for c in commitments[iso3]}
        for number in VICTIM_ASSISTANCE_ACTIONS:
            row[f"#{number}"] = STATUS_LABELS.get(by_action.get(number, ""), "—")
        rows.append(row)
    return rows
