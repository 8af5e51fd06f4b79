"""The actions: commitment status by action and by section, who lags, the assessments."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from dashboard.api_models import Action, ActionProgress, Assessment, ProgressCounts
from dashboard.compute.formatting import (
    NOT_RECORDED,
    STATUS_LABELS,
    STATUSES,
    applies_to,
    day,
    moment,
    shown,
    status_label,
)
from dashboard.i18n import N_, _, state_name

# The plan's section titles (the actions service's), translated for the reader; the actions'
# own text stays in the language of the adopted plan.
SECTION_TITLES = (
    N_("Universalizing the Convention"),
    N_("Destroying Stockpiled Anti-Personnel Mines"),
    N_("Clearing Mined Areas"),
    N_("Assisting the Victims"),
    N_("International Cooperation and Assistance for Achieving the Convention’s Aims"),
    N_("Additional Actions Essential to Achieving the Convention’s Aims"),
)
# The committee's ratings (the actions service's assessment statuses).
ASSESSMENT_STATUSES = {
    "on_track": N_("on track"),
    "some_progress": N_("some progress"),
    "off_track": N_("off track"),
    "not_assessed": N_("not assessed"),
}


def heatmap(progress: list[ProgressCounts], actions: list[Action]) -> list[dict[str, Any]]:
    """Per action: the share (%) of the parties it binds in each commitment status."""
    sections = {a.number: a.section.number for a in actions}
    return [_heatmap_row(item, sections.get(item.action_number, "")) for item in progress]


def _heatmap_row(item: ProgressCounts, section: str) -> dict[str, Any]:
    bound = item.applicable_parties
    row: dict[str, Any] = {
        N_("action"): item.action_number,
        N_("section"): section,
        N_("binds"): applies_to(item.applies_to),
        N_("parties bound"): bound,
        # States Parties neither bound nor free: their membership of the group is not recorded.
        N_("membership not recorded"): item.membership_not_recorded,
        # Where a source counts the group without naming its members (the brochure's 64).
        N_("counted by a source"): int(item.group_figure.value) if item.group_figure else None,
    }
    for status in STATUSES:
        share = round(100 * item.by_status.get(status, 0) / bound, 1) if bound else None
        row[STATUS_LABELS[status]] = share
    return row


def section_shares(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Average completion share per section, weighted by the parties each action binds."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        if row["parties bound"]:
            totals[row["section"]][0] += row["completed"] * row["parties bound"] / 100
            totals[row["section"]][1] += row["parties bound"]
    return [
        {N_("section"): s, N_("completed (%)"): round(100 * done / bound, 1)}
        for s, (done, bound) in totals.items()
        if bound
    ]


def lagging_rows(progress: ActionProgress) -> list[dict[str, Any]]:
    """The parties an action binds that have not completed it: not started, in progress, then
    those that recorded nothing."""
    order = {status: i for i, status in enumerate(STATUSES)}
    return [
        {
            N_("state"): state_name(p.iso3, p.name),
            N_("iso3"): p.iso3,
            N_("status"): status_label(p.status),
            N_("target date"): day(p.target_date) or "",
            N_("last update"): moment(p.updated_at) if p.updated_at else "",
        }
        for p in sorted(
            progress.parties, key=lambda p: (order[shown(p.status)], state_name(p.iso3, p.name))
        )
        if shown(p.status) in ("not_started", "in_progress", NOT_RECORDED)
    ]


def assessment_rows(
    assessments: list[Assessment], as_of: date | None, *, with_action: bool = False
) -> list[dict[str, Any]]:
    """The committee's assessments up to a day, in the order given (an action's history
    latest first; the latest of each action by number, `with_action` naming it)."""
    return [
        {
            **({N_("action"): f"#{a.action_number}"} if with_action else {}),
            N_("assessed on"): day(a.assessed_on),
            N_("status"): _(ASSESSMENT_STATUSES.get(a.status, a.status.replace("_", " "))),
            N_("period"): a.period,
            N_("narrative"): a.narrative,
            N_("source"): a.source or _("recorded by the committee, no document cited"),
        }
        for a in assessments
        if as_of is None or a.assessed_on <= as_of
    ]


def action_heading(action: Action) -> str:
    """An action's number and its section, as the action's subheader."""
    return _("Action #{number} — section {section}: {title}").format(
        number=action.number, section=action.section.number, title=_(action.section.title)
    )
