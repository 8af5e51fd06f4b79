"""iCalendar feeds: the Convention's meetings and dates, and each party's deadlines with them.

Events are whole days (DTSTART/DTEND as dates, DTEND exclusive). UIDs derive from the events'
natural keys, so a subscriber's calendar updates an event instead of duplicating it; SEQUENCE
counts its revisions. Each event carries one VALARM per lead time of its kind's rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from icalendar import Alarm, Calendar
from icalendar import Event as VEvent

from services.reminders.models import Event, Rule
from services.reminders.planning import offsets_of

PRODID = "-//Cartagena Monitor//reminders 0.1//EN"
UID_DOMAIN = "cartagena-monitor"


def uid_of(event: Event) -> str:
    """Return an event's stable iCalendar UID."""
    return f"{event.key}@{UID_DOMAIN}"


def render(events: Sequence[Event], rules: Mapping[str, Rule], *, name: str) -> bytes:
    """Return an iCalendar document (RFC 5545) of the events."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_vevent(event, rules.get(event.kind)))
    document: bytes = calendar.to_ical()
    return document


def _vevent(event: Event, rule: Rule | None) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid_of(event))
    vevent.add("dtstamp", event.updated_at)
    vevent.add("sequence", event.version - 1)
    vevent.add("dtstart", event.starts_on)
    vevent.add("dtend", event.ends_on + timedelta(days=1))
    vevent.add("summary", event.title)
    if event.location:
        vevent.add("location", event.location)
    unverified = f"\nUnverified: {event.unverified_because}" if event.unverified_because else ""
    vevent.add("description", f"Source: {event.source}{unverified}")
    vevent.add("categories", [event.kind])
    vevent.add("transp", "TRANSPARENT")
    for offset in offsets_of(event, rule) if rule is not None else []:
        vevent.add_component(_alarm(event, offset))
    return vevent


def _alarm(event: Event, offset_days: int) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=offset_days))
    alarm.add("description", f"Reminder: {event.title}")
    return alarm
