"""Labels, number formats and provenance lines shared by the pages and their tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, get_args

from dashboard.api_models import CommitmentStatus, Counted, Membership, Seeded

# What a commitment no party wrote is shown as: no record, never "not started".
NOT_RECORDED = "not_recorded"
# In the order the heatmap's columns and the "who lags" table follow.
STATUSES: tuple[str, ...] = (*get_args(CommitmentStatus), NOT_RECORDED)
STATUS_LABELS: dict[str, str] = {
    **{status: status.replace("_", " ") for status in get_args(CommitmentStatus)},
    NOT_RECORDED: "no record",
}


def shown(status: CommitmentStatus | None) -> str:
    """A commitment's status as the tables show it: its own, or that none is recorded."""
    return status or NOT_RECORDED


DEADLINE_LABELS = {
    "met": "met",
    "pending": "pending",
    "due_soon": "due soon",
    "overdue": "overdue",
    "unknown": "unknown (before the records begin)",
}


def notice(service: str, fetched_at: datetime | None) -> str:
    """The line shown where a service's data is missing or stale."""
    if fetched_at is None:
        return f"{service} unavailable — no data yet"
    return f"{service} unavailable — last data from {fetched_at:%Y-%m-%d %H:%M:%S} UTC"


def number(value: float | None, unit: str = "") -> str:
    """Format a figure with thousands separators and its unit (US$ in front)."""
    if value is None:
        return "—"
    if unit == "US$":
        if value >= 1_000_000_000:
            return f"US$ {value / 1_000_000_000:.1f} billion"
        if value >= 1_000_000:
            return f"US$ {value / 1_000_000:,.0f} million"
        return f"US$ {value:,.0f}"
    text = f"{value:,.0f}"
    return f"{text} {unit}".strip()


def qualified(figure: Seeded | None, unit: str) -> str:
    """A seeded figure with its qualifier, e.g. "approximately US$ 2.0 billion"."""
    if figure is None:
        return number(None)
    return f"{figure.qualifier or ''} {number(figure.value, unit)}".strip()


def provenance(figure: Seeded | Counted | None) -> str:
    """Where a figure comes from: its source, or how it was counted."""
    if figure is None:
        return ""
    if isinstance(figure, Seeded):
        period = f" ({figure.period})" if figure.period else ""
        return f"Source: {figure.source}{period}"
    return f"Counted from the records: {figure.derivation}"


def membership_label(membership: Membership) -> str:
    """ "State Party" or "not party"."""
    return "State Party" if membership.status == "party" else "not party"


def day(value: date | None) -> str | None:
    """A day as the services write it (YYYY-MM-DD), for a table cell."""
    return value.isoformat() if value is not None else None


def moment(value: datetime) -> str:
    """A moment as the services write it (RFC 3339, "Z" for UTC), for a table cell."""
    return value.isoformat().replace("+00:00", "Z")


def uniform_columns(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each column one type: a column mixing kinds of values (e.g. years and text) is text."""
    mixed = {column for column in (rows[0] if rows else {}) if len(_kinds(rows, column)) > 1}
    return [
        {
            key: str(value) if key in mixed and value is not None else value
            for key, value in row.items()
        }
        for row in rows
    ]


def _kinds(rows: list[dict[str, Any]], column: str) -> set[str]:
    def kind(value: Any) -> str:
        if isinstance(value, bool):
            return "bool"
        return "number" if isinstance(value, int | float) else type(value).__name__

    return {kind(row[column]) for row in rows if row[column] is not None}


def link_columns(rows: list[dict[str, Any]]) -> list[str]:
    """The columns whose every filled cell is a web address: shown as links."""
    found = []
    for name in rows[0] if rows else {}:
        cells = [str(row[name]) for row in rows if row.get(name) not in (None, "")]
        if cells and all(cell.startswith(("https://", "http://")) for cell in cells):
            found.append(name)
    return found
