"""Coming dates: meetings and deadlines, and when reminders of them go out."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dashboard.api_models import Event, Rule
from dashboard.compute.formatting import day


def event_rows(events: list[Event]) -> list[dict[str, Any]]:
    """Meetings and deadlines for the calendar, in date order."""
    return [
        {
            "from": day(e.start),
            "to": day(e.end or e.start),
            "what": e.title,
            "kind": e.kind.replace("_", " "),
            "where": e.location or "",
            "state": e.iso3 or "",
            "source": e.source or "",
        }
        for e in sorted(events, key=lambda e: (e.start, e.title))
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
