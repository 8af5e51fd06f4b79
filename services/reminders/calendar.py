"""iCalendar feeds: the Convention's meetings and dates, and each party's deadlines with them.

Events are whole days (DTSTART/DTEND as dates, DTEND exclusive). UIDs derive from the events'
natural keys, so a subscriber's calendar updates an event instead of duplicating it; SEQUENCE
counts its revisions. Each event carries one VALARM per lead time of its kind's rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, vDuration, vText
from icalendar import Event as VEvent

from services.reminders.models import Event, Rule
from services.reminders.planning import offsets_of

PRODID = "-//Cartagena Monitor//reminders 0.1//EN"
UID_DOMAIN = "cartagena-monitor"


def uid_of(event: Event) -> str:
    """Return an event's stable iCalendar UID."""
    return f"{event.key}@{UID_DOMAIN}"


# How often a subscribed calendar should fetch the feed again (RFC 7986 REFRESH-INTERVAL, and
# X-PUBLISHED-TTL for the clients that read only that).
REFRESH = timedelta(hours=1)


def render(
    events: Sequence[Event], rules: Mapping[str, Rule], *, name: str, generated_at: datetime
) -> bytes:
    """Return an iCalendar document (RFC 5545, with RFC 7986's calendar properties) of the
    events, as generated at `generated_at` (every DTSTAMP: METHOD:PUBLISH makes it the time the
    feed was made; LAST-MODIFIED says when each event last changed)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Typed explicitly: icalendar writes properties it does not know (NAME, the X- ones) raw,
    # without escaping a comma as TEXT requires or spelling a duration as one.
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for event in events:
        calendar.add_component(_vevent(event, rules.get(event.kind), generated_at))
    document: bytes = calendar.to_ical()
    return document


def version_of(events: Sequence[Event], rules: Mapping[str, Rule], name: str) -> str:
    """What the feed says, without its generation time: the same for the same events, rules and
    name, whenever it is generated (the feed's weak ETag)."""
    parts = [name, *(f"{e.key}:{e.version}" for e in events)]
    parts += sorted(f"{kind}:{rule.version}" for kind, rule in rules.items())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _vevent(event: Event, rule: Rule | None, generated_at: datetime) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid_of(event))
    vevent.add("dtstamp", generated_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("created", event.created_at)
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
