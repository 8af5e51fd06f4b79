"""Treaty deadlines: stockpile destruction (Article 4), clearance (Article 5), a party's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dashboard.api_models import Deadline, PartyDeadline, Summary
from dashboard.compute.formatting import day, deadline_label
from dashboard.i18n import N_, _, state_name
from dashboard.i18n import number as localized

CLEARANCE = "article5_clearance"
# The obligations a deadline belongs to (the parties service's deadline kinds).
DEADLINE_KINDS = {
    "article4_stockpile_destruction": N_("Stockpile destruction (Article 4)"),
    CLEARANCE: N_("Clearance of mined areas (Article 5)"),
    "article7_initial_report": N_("Initial transparency report (Article 7)"),
    "article7_annual_report": N_("Annual transparency report (Article 7)"),
    "action14_mined_area_perimeters": N_("Perimeters of mined areas identified (action #14)"),
    "action34_national_plans": N_("National plans for victim assistance (action #34)"),
}


def stockpile_rows(summary: Summary) -> list[dict[str, Any]]:
    """States still destroying stockpiles: deadline, status, mines destroyed."""
    return [
        {
            N_("state"): state_name(s.iso3, s.name),
            N_("iso3"): s.iso3,
            N_("Article 4 deadline"): day(s.deadline),
            N_("status"): deadline_label(s.status),
            N_("overdue"): s.status == "overdue",
            N_("verified"): verification(s.verified, s.unverified_because),
            N_("mines destroyed (reported)"): (
                localized(s.mines_destroyed, "#,##0")
                if s.mines_destroyed is not None
                else _("not reported")
            ),
        }
        for s in summary.stockpile_destruction.still_destroying.states
    ]


@dataclass(frozen=True)
class TimelineBar:
    """One state's clearance deadline: entry into force → original deadline (→ extension)."""

    state: str
    iso3: str
    start: date
    original: date
    extended: date | None
    status: str
    verified: bool = True
    unverified_because: str | None = None


def clearance_timeline(deadlines: list[PartyDeadline]) -> list[TimelineBar]:
    """Bars for the states still clearing, as in the seed's chart, by deadline."""
    bars = [
        TimelineBar(
            state=state_name(d.iso3, d.name),
            iso3=d.iso3,
            start=d.entry_into_force,
            # A deadline that was extended keeps its first date as `original_due`.
            original=d.original_due or d.due,
            extended=d.due if d.original_due else None,
            status=d.status,
            verified=d.verified,
            unverified_because=d.unverified_because,
        )
        for d in deadlines
        if d.kind == CLEARANCE and d.status != "met" and d.entry_into_force
    ]
    return sorted(bars, key=lambda b: (b.extended or b.original, b.state), reverse=True)


def timeline_rows(bars: list[TimelineBar]) -> list[dict[str, Any]]:
    """The timeline's bars as a table."""
    return [
        {
            N_("state"): b.state,
            N_("iso3"): b.iso3,
            N_("entry into force"): day(b.start),
            N_("original deadline"): day(b.original),
            N_("extended deadline"): day(b.extended) or "",
            N_("status"): deadline_label(b.status),
            N_("verified"): verification(b.verified, b.unverified_because),
        }
        for b in bars
    ]


def verification(verified: bool | None, because: str | None) -> str:
    """The "verified" cell: a deadline resting on an unverified input says so, with why."""
    if verified is None:
        return ""
    return _("yes") if verified else _("unverified: {because}").format(because=because)


def met_on(deadline: Deadline) -> str | None:
    """When a met deadline was met; a met one whose date no record gives says so."""
    if deadline.status != "met":
        return None
    return day(deadline.met_on) or _("date not recorded")


def completed_clearance_rows(deadlines: list[PartyDeadline]) -> list[dict[str, Any]]:
    """States that declared clearance complete."""
    return [
        {
            N_("state"): state_name(d.iso3, d.name),
            N_("iso3"): d.iso3,
            N_("deadline"): day(d.due),
            N_("completed on"): met_on(d),
        }
        for d in deadlines
        if d.kind == CLEARANCE and d.status == "met"
    ]


def deadline_rows(deadlines: list[Deadline]) -> list[dict[str, Any]]:
    """A party's deadlines for a table."""
    return [
        {
            N_("obligation"): _(DEADLINE_KINDS.get(d.kind, d.kind.replace("_", " "))),
            N_("due"): day(d.due),
            N_("status"): deadline_label(d.status),
            N_("year covered"): d.covers_year,
            N_("met on"): met_on(d),
            N_("source"): d.source,
            N_("verified"): verification(d.verified, d.unverified_because),
        }
        for d in deadlines
    ]
