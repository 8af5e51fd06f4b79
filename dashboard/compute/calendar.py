"""Coming dates: meetings and deadlines, and when reminders of them go out."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dashboard.api_models import Event, Rule
from dashboard.compute.formatting import day

KIND_LABELS = {
    "standing_committees": "Standing Committees (intersessional meetings)",
    "meeting_of_states_parties": "Meeting of the States Parties",
    "review_conference": "Review Conference",
    "special_meeting": "Special meeting",
    "anniversary": "Anniversary",
    "deadline": "Deadline",
}
STATUS_LABELS = {
    "scheduled": "coming",
    "met": "met",
    "held": "held",
    "past": "date passed (see the party's record)",
}


def kind_label(kind: str) -> str:
    """A kind of event as a reader names it."""
    return KIND_LABELS.get(kind, kind.replace("_", " "))


def event_rows(events: list[Event]) -> list[dict[str, Any]]:
    """Meetings and deadlines for the calendar, in date order."""
    return [
        {
            "from": day(e.start),
            "to": day(e.end or e.start),
            "what": e.title,
            "kind": kind_label(e.kind),
            "status": STATUS_LABELS.get(e.status or "", e.status or "not recorded"),
            "where": e.location or "",
            "source": e.source or "",
        }
        for e in sorted(events, key=lambda e: (e.start, e.title))
    ]


def split_meetings(events: list[Event]) -> tuple[list[Event], list[Event]]:
    """The meetings and Convention-wide dates, then the States' own deadlines."""
    meetings = [e for e in events if e.iso3 is None]
    return meetings, [e for e in events if e.iso3 is not None]


def deadline_rows(events: list[Event], names: dict[str, str]) -> list[dict[str, Any]]:
    """The States' deadlines grouped by State, then by date; a State the list of states lacks
    (the parties service did not answer) is named by its code."""
    return [
        {
            "state": names.get(e.iso3 or "", e.iso3 or ""),
            "due": day(e.start),
            "deadline": e.title,
            "status": STATUS_LABELS.get(e.status or "", e.status or "not recorded"),
            "source": e.source or "",
        }
        for e in sorted(events, key=lambda e: (names.get(e.iso3 or "", e.iso3 or ""), e.start))
    ]


def reminder_rows(events: list[Event], rules: list[Rule], from_day: date) -> list[dict[str, Any]]:
    """When reminders go out ahead of each coming date, from the rules' lead times."""
    lead_times = {rule.kind: rule.before_days for rule in rules}
    rows = []
    for event in events:
        for days in lead_times.get(event.kind, []):
            sent = event.start - timedelta(days=days)
            if sent >= from_day:
                rows.append(
                    {
                        "reminder on": day(sent),
                        "days before": days,
                        "for": event.title,
                        "date": day(event.start),
                    }
                )
    return sorted(rows, key=lambda row: (row["reminder on"], row["for"]))
