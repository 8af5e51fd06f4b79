"""One State Party: its obligations and commitments; the victim-assistance matrix of several."""

from __future__ import annotations

from typing import Any

from dashboard.api_models import Commitment, Obligations
from dashboard.compute.formatting import STATUS_LABELS, day, shown

VICTIM_ASSISTANCE_ACTIONS = range(23, 34)


def obligation_rows(obligations: Obligations) -> list[dict[str, Any]]:
    """What a party owes and reported, one row per field, as the service writes the values."""
    return [
        {"obligation": key.replace("_", " "), "value": value}
        for key, value in obligations.model_dump(mode="json").items()
    ]


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
