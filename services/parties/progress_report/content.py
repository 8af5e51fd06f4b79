"""What a progress report says, gathered from the records and the two other services before any
of it is drawn: the figures of the four aims as `/summary` gives them, the changes since the
previous meeting, each action's latest assessment by the day, the deadlines due before the next
meeting and the pending extension requests.

The other services are read first, outside any database session; one that does not answer
leaves its section saying so (never an empty section that reads as "nothing").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.common.changes import Change
from services.common.errors import ServiceUnavailable, UpstreamError
from services.parties.actions_client import ActionInfo, ActionsClient, LatestAssessment
from services.parties.meetings_client import Meeting, MeetingsClient
from services.parties.schemas import PartyDeadline
from services.parties.summary.schemas import Summary

# How far back and ahead the calendar is read for the meetings around the day.
CALENDAR_REACH = timedelta(days=2 * 366)
CHANGES_LISTED = 25


@dataclass(frozen=True)
class Unavailable:
    """A section another service could not fill: which service, and why."""

    service: str
    reason: str


@dataclass(frozen=True)
class Remote:
    """What the report needs from the other services (each part, or why it is missing)."""

    meetings: list[Meeting] | Unavailable
    assessments: dict[int, LatestAssessment] | Unavailable


@dataclass(frozen=True)
class Report:
    """Everything a progress report shows, for one day."""

    as_of: date
    generated_at: datetime
    summary: Summary
    previous: Meeting | None  # the last meeting that ended before the day
    next: Meeting | None  # the first meeting that begins after it
    changes: list[Change]
    changes_total: int
    changes_since: date
    actions: list[ActionInfo]
    assessments: dict[int, LatestAssessment] | Unavailable
    meetings: list[Meeting] | Unavailable
    deadlines: list[PartyDeadline]
    pending_requests: list[tuple[str, str]]  # (iso3, name)


def read_remote(meetings: MeetingsClient, actions: ActionsClient, *, as_of: date) -> Remote:
    """Read the calendar around the day and the assessments known by it (network calls: made
    before the report takes a database session)."""
    try:
        calendar: list[Meeting] | Unavailable = meetings.meetings(
            start=as_of - CALENDAR_REACH, end=as_of + CALENDAR_REACH
        )
    except (ServiceUnavailable, UpstreamError) as exc:
        calendar = Unavailable("reminders", exc.detail)
    try:
        latest = actions.latest_assessments(as_of)
        assessed: dict[int, LatestAssessment] | Unavailable = {a.action_number: a for a in latest}
    except (ServiceUnavailable, UpstreamError) as exc:
        assessed = Unavailable("actions", exc.detail)
    return Remote(calendar, assessed)


def previous_meeting(meetings: list[Meeting] | Unavailable, day: date) -> Meeting | None:
    """The last meeting that ended before `day`."""
    if isinstance(meetings, Unavailable):
        return None
    ended = [m for m in meetings if m.end < day]
    return ended[-1] if ended else None


def next_meeting(meetings: list[Meeting] | Unavailable, day: date) -> Meeting | None:
    """The first meeting that begins after `day`."""
    if isinstance(meetings, Unavailable):
        return None
    return next((m for m in meetings if m.start > day), None)


def due_before(deadlines: list[PartyDeadline], *, after: date, until: date) -> list[PartyDeadline]:
    """The deadlines due after `after` and up to `until`, by date (already sorted so)."""
    return [d for d in deadlines if after < d.due <= until]
