"""What the forms send, and what a reader sees when the record changed under their edit."""

from __future__ import annotations

from datetime import date
from typing import Any

from dashboard.api_models import Commitment
from dashboard.compute.formatting import day, moment, status_label
from dashboard.i18n import N_, _

# The fields of a commitment a party writes (the parties service's `CommitmentFields`).
COMMITMENT_FIELDS = {
    "status": N_("status"),
    "target_date": N_("target date"),
    "narrative": N_("narrative"),
    "evidence_url": N_("evidence (web address)"),
}


# What `PUT /parties/{iso3}/obligations` replaces (the parties service's `ObligationsUpdate`):
# a form that changes the declarations sends the others back as recorded.
OBLIGATION_FIELDS = (
    "article3_mines_retained",
    "article4_completed_on",
    "article4_mines_destroyed",
    "article5_completed_on",
    "article5_area_released_m2",
    "article9_status",
    "in_a_position_to_assist",
    "needs_article5_extension",
    "evidence_url",
)
# The groups of the action plan a party joins by its own declaration.
DECLARATIONS = {
    "in_a_position_to_assist": N_("Declares itself in a position to assist"),
    "needs_article5_extension": N_("Declares it needs an Article 5 extension"),
}


def declarations_body(
    recorded: dict[str, Any], declared: dict[str, bool | None], evidence_url: str
) -> dict[str, Any]:
    """The obligations as recorded, with the party's declarations (and their evidence) as the
    form holds them."""
    body = {name: recorded.get(name) for name in OBLIGATION_FIELDS}
    body.update(declared)
    body["evidence_url"] = evidence_url.strip() or None
    return body


def commitment_body(
    status: str | None, target_date: date | None, narrative: str, evidence_url: str
) -> dict[str, Any]:
    """The JSON of `PUT /parties/{iso3}/commitments/{n}`: every field, as the form holds it
    (the service validates it as it does any client's)."""
    return {
        "status": status,
        "target_date": target_date.isoformat() if target_date else None,
        "narrative": narrative,
        "evidence_url": evidence_url.strip() or None,
    }


def assessment_body(
    status: str, period: str, assessed_on: date, narrative: str, source: str
) -> dict[str, Any]:
    """The JSON of `POST /actions/{n}/assessments`."""
    return {
        "status": status,
        "period": period,
        "assessed_on": assessed_on.isoformat(),
        "narrative": narrative,
        "source": source.strip() or None,
    }


def side_by_side(mine: dict[str, Any], current: Commitment) -> list[dict[str, Any]]:
    """The reader's unsaved version beside the one now recorded, field by field, so that
    nothing typed is lost when someone else saved first."""
    theirs = commitment_body(
        current.status, current.target_date, current.narrative, current.evidence_url or ""
    )
    rows = [
        {
            N_("field"): _(label),
            N_("your version (not saved)"): _cell(name, mine.get(name)),
            N_("recorded now"): _cell(name, theirs.get(name)),
            N_("differs"): _("yes") if mine.get(name) != theirs.get(name) else _("no"),
        }
        for name, label in COMMITMENT_FIELDS.items()
    ]
    written = _("version {version}, by {who} at {when} UTC").format(
        version=current.version,
        who=current.updated_by or "—",
        when=moment(current.updated_at) if current.updated_at else "—",
    )
    rows.append(
        {
            N_("field"): _("saved"),
            N_("your version (not saved)"): "",
            N_("recorded now"): written,
            N_("differs"): "",
        }
    )
    return rows


def _cell(name: str, value: Any) -> str:
    if name == "status":
        return status_label(value)
    if name == "target_date" and value:
        return day(date.fromisoformat(value)) or ""
    return "" if value is None else str(value)
