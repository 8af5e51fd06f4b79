"""The iCalendar feeds' routes: the Convention's calendar, and each party's with its deadlines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pycountry
from fastapi import APIRouter, Request, Response

from services.common.db import SessionDep
from services.common.errors import NotFound
from services.common.etag import weak_match
from services.common.routes import CONDITIONAL, Iso3, Responses
from services.reminders import calendar
from services.reminders.http import READ
from services.reminders.models import Event, Rule
from services.reminders.repository import events as event_repository
from services.reminders.repository import rules as rule_repository

router = APIRouter()


def _calendar(
    request: Request, events: Sequence[Event], rules: dict[str, Rule], name: str, filename: str
) -> Response:
    # Weak: two answers of one version differ in their DTSTAMP (the time each was generated)
    # and mean the same, so a subscriber revalidates instead of downloading the feed again.
    tag = f'W/"{calendar.version_of(events, rules, name)}"'
    headers = {
        "ETag": tag,
        "Content-Disposition": f'inline; filename="{filename}"',
        # Public, and polled by every subscriber's calendar: a few minutes' caching is welcome.
        "Cache-Control": "public, max-age=300",
    }
    if weak_match(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    body = calendar.render(events, rules, name=name, generated_at=datetime.now(UTC))
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


CALENDAR: Responses = {
    200: {
        "content": {"text/calendar": {"schema": {"type": "string"}}},
        "description": "iCalendar (RFC 5545)",
    },
    **CONDITIONAL,
}


@router.get("/calendar.ics", response_class=Response, responses=CALENDAR, tags=["calendar"])
def read_calendar(request: Request, session: SessionDep) -> Response:
    """Subscribe to the meetings and important dates of the Convention (iCalendar)."""
    rules = {rule.kind: rule for rule in rule_repository.list_rules(session)}
    events = event_repository.calendar_events(session, iso3=None)
    name = "Mine Ban Convention: meetings and dates"
    return _calendar(request, events, rules, name, "calendar.ics")


@router.get(
    "/calendar/{iso3}.ics",
    response_class=Response,
    responses={**CALENDAR, **READ},
    tags=["calendar"],
)
def read_party_calendar(request: Request, session: SessionDep, iso3: Iso3) -> Response:
    """Subscribe to the meetings and dates of the Convention and one party's deadlines."""
    code = iso3.upper()
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        raise NotFound(f"There is no state with ISO 3166 alpha-3 code {code!r}.")
    rules = {rule.kind: rule for rule in rule_repository.list_rules(session)}
    events = event_repository.calendar_events(session, iso3=code)
    name = f"Mine Ban Convention: meetings, dates and deadlines of {country.name}"
    return _calendar(request, events, rules, name, f"{code}.ics")
