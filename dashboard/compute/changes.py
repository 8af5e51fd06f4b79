"""What changed in the records, for a table."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from dashboard.api_models import Change, Event, FieldChange


def since_last_meeting(meetings: list[Event], as_of: date) -> date | None:
    """The first day of the last meeting that had ended by `as_of`, if the calendar has one."""
    held = [m for m in meetings if (m.end or m.start) < as_of]
    return max((m.start for m in held), default=None)


def change_rows(changes: list[Change]) -> list[dict[str, Any]]:
    """What changed, for a table."""
    return [
        {
            "when (UTC)": f"{c.occurred_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
            "what": c.entity.replace("_", " "),
            "which": _which(c),
            "change": c.operation,
            "before → after": "; ".join(_value_change(v) for v in c.values) or ", ".join(c.fields),
            "by": c.actor_role,
        }
        for c in changes
    ]


def _which(change: Change) -> str:
    """The record a change is about, as a reader names it."""
    if change.entity == "assessment":
        number = _after(change, "action_number")
        return f"action #{number}" if number is not None else change.entity_id
    if change.entity == "event":
        title = _after(change, "title")
        return f"event {change.entity_id}" + (f": {title}" if title else "")
    return change.entity_id


def _after(change: Change, field: str) -> Any:
    return next((v.after for v in change.values if v.field == field), None)


def _value_change(change: FieldChange) -> str:
    return f"{change.field.replace('_', ' ')}: {_shown(change.before)} → {_shown(change.after)}"


def _shown(value: Any) -> str:
    """A value as a cell shows it: nothing recorded is a dash, long text is cut."""
    if value is None or value == "":
        return "—"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"
