"""Treaty deadlines: stockpile destruction (Article 4), clearance (Article 5), a party's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dashboard.api_models import Deadline, PartyDeadline, Summary
from dashboard.compute.formatting import DEADLINE_LABELS, day

CLEARANCE = "article5_clearance"


def stockpile_rows(summary: Summary) -> list[dict[str, Any]]:
    """States still destroying stockpiles: deadline, status, mines destroyed."""
    return [
        {
            "state": s.name,
            "iso3": s.iso3,
            "Article 4 deadline": day(s.deadline),
            "status": DEADLINE_LABELS.get(s.status or "", s.status),
            "overdue": s.status == "overdue",
            "verified": verification(s.verified, s.unverified_because),
            "mines destroyed (reported)": (
                f"{s.mines_destroyed:,}" if s.mines_destroyed is not None else "not reported"
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
            state=d.name,
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
            "state": b.state,
            "iso3": b.iso3,
            "entry into force": b.start,
            "original deadline": b.original,
            "extended deadline": b.extended or "",
            "status": b.status,
            "verified": verification(b.verified, b.unverified_because),
        }
        for b in bars
    ]


def verification(verified: bool | None, because: str | None) -> str:
    """The "verified" cell: a deadline resting on an unverified input says so, with why."""
    if verified is None:
        return ""
    return "yes" if verified else f"unverified: {because}"


def met_on(deadline: Deadline) -> str | None:
    """When a met deadline was met; a met one whose date no record gives says so."""
    if deadline.status != "met":
        return None
    return day(deadline.met_on) or "date not recorded"


def completed_clearance_rows(deadlines: list[PartyDeadline]) -> list[dict[str, Any]]:
    """States that declared clearance complete."""
    return [
        {
            "state": d.name,
            "iso3": d.iso3,
            "deadline": day(d.due),
            "completed on": met_on(d),
        }
        for d in deadlines
        if d.kind == CLEARANCE and d.status == "met"
    ]


def deadline_rows(deadlines: list[Deadline]) -> list[dict[str, Any]]:
    """A party's deadlines for a table."""
    return [
        {
            "obligation": d.kind.replace("_", " "),
            "due": day(d.due),
            "status": DEADLINE_LABELS.get(d.status, d.status),
            "year covered": d.covers_year,
            "met on": met_on(d),
            "source": d.source,
            "verified": verification(d.verified, d.unverified_because),
        }
        for d in deadlines
    ]
