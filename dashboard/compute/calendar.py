"""Coming dates: meetings and deadlines, and when reminders of them go out."""

from __future__ import annotations

from typing import Any

from dashboard.api_models import Event, Reminder
from dashboard.compute.formatting import day, moment
from dashboard.i18n import N_, _, state_name

KIND_LABELS = {
    "standing_committees": N_("Standing Committees (intersessional meetings)"),
    "meeting_of_states_parties": N_("Meeting of the States Parties"),
    "review_conference": N_("Review Conference"),
    "special_meeting": N_("Special meeting"),
    "anniversary": N_("Anniversary"),
    "deadline": N_("Deadline"),
}
STATUS_LABELS = {
    "scheduled": N_("coming"),
    "met": N_("met"),
    "held": N_("held"),
    "past": N_("date passed (see the party's record)"),
}


def kind_label(kind: str) -> str:
    """A kind of event as a reader names it."""
    return _(KIND_LABELS.get(kind, kind.replace("_", " ")))


def event_status(status: str | None) -> str:
    """An event's status in words, in the reader's language."""
    return _(STATUS_LABELS.get(status or "", status or N_("not recorded")))


def event_rows(events: list[Event]) -> list[dict[str, Any]]:
    """Meetings and deadlines for the calendar, in date order."""
    return [
        {
            N_("from"): day(e.start),
            N_("to"): day(e.end or e.start),
            N_("what"): e.title,
            N_("kind"): kind_label(e.kind),
            N_("status"): event_status(e.status),
            N_("where"): e.location or "",
            N_("source"): e.source or "",
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

    def named(event: Event) -> str:
        code = event.iso3 or ""
        return state_name(code, names.get(code, code))

    return [
        {
            N_("state"): named(e),
            N_("due"): day(e.start),
            N_("deadline"): e.title,
            N_("status"): event_status(e.status),
            N_("source"): e.source or "",
        }
        for e in sorted(events, key=lambda e: (named(e), e.start))
    ]


# What happened to a reminder in the outbox (the reminders service's reminder statuses).
REMINDER_STATUSES = {
    "pending": N_("planned, not sent yet"),
    "delivered": N_("delivered"),
    "cancelled": N_("cancelled"),
    "expired": N_("expired (not sent before its date)"),
    "dead": N_("not delivered (retries given up)"),
}


def outbox_rows(reminders: list[Reminder], events: list[Event]) -> list[dict[str, Any]]:
    """The reminders the outbox holds for a State's contact points, with the date each is for."""
    titles = {e.id: e.title for e in events if e.id is not None}
    return [
        {
            N_("due (UTC)"): moment(r.due_at),
            N_("days before"): r.offset_days,
            N_("for"): titles.get(r.event_id, _("event {id}").format(id=r.event_id)),
            N_("channel"): r.channel,
            N_("status"): _(REMINDER_STATUSES.get(r.status, r.status)),
            N_("delivered (UTC)"): moment(r.delivered_at) if r.delivered_at else "",
        }
        for r in reminders
    ]
