"""What changed in the records, for a table."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from dashboard.api_models import Change, Event, FieldChange
from dashboard.i18n import N_, _

# What a change is about, what was done and by whom (the services' `entity`, `operation` and
# `actor_role`); one not listed is shown as the service names it.
ENTITIES = {
    "article5_extension": N_("Article 5 extension"),
    "article7_report": N_("Article 7 report"),
    "assessment": N_("assessment"),
    "commitment": N_("commitment"),
    "delivery": N_("delivery"),
    "event": N_("event"),
    "extension_request": N_("extension request"),
    "obligations": N_("obligations"),
    "outbox": N_("reminder"),
    "recipient": N_("contact point"),
    "record_coverage": N_("record coverage"),
    "rule": N_("reminder rule"),
    "state": N_("state"),
}
OPERATIONS = {
    "create": N_("created"),
    "update": N_("updated"),
    "seed": N_("seeded from the data files"),
    "delete": N_("deleted"),
    "restore": N_("restored"),
    "pause": N_("paused"),
    "plan": N_("planned"),
    "requeue": N_("requeued"),
}
ROLES = {
    "admin": N_("administrator"),
    "committee": N_("committee"),
    "state": N_("State Party"),
    "system": N_("system"),
}


def since_last_meeting(meetings: list[Event], as_of: date) -> date | None:
    """The first day of the last meeting that had ended by `as_of`, if the calendar has one."""
    held = [m for m in meetings if (m.end or m.start) < as_of]
    return max((m.start for m in held), default=None)


def change_rows(changes: list[Change]) -> list[dict[str, Any]]:
    """What changed, for a table."""
    return [
        {
            N_("when (UTC)"): f"{c.occurred_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
            N_("what"): _(ENTITIES.get(c.entity, c.entity.replace("_", " "))),
            N_("which"): _which(c),
            N_("change"): _(OPERATIONS.get(c.operation, c.operation)),
            N_("before → after"): "; ".join(_value_change(v) for v in c.values)
            or ", ".join(c.fields),
            N_("by"): _(ROLES.get(c.actor_role, c.actor_role)),
        }
        for c in changes
    ]


def _which(change: Change) -> str:
    """The record a change is about, as a reader names it."""
    if change.entity == "assessment":
        number = _after(change, "action_number")
        return (
            _("action #{number}").format(number=number) if number is not None else change.entity_id
        )
    if change.entity == "event":
        title = _after(change, "title")
        which = _("event {id}").format(id=change.entity_id)
        return which + (f": {title}" if title else "")
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
