"""The parties service's client of the reminders service's calendar: the meetings that decide.

Article 5.5: a Meeting of the States Parties or a Review Conference decides an extension request.
The calendar of meetings is the reminders service's; a decision names the meeting by its event id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field

from services.common.errors import NotFound, Unprocessable
from services.common.http_client import ListPage, ServiceClient

DECIDING_KINDS = frozenset({"meeting_of_states_parties", "review_conference"})
# The meetings a progress report runs between (the intersessional ones included).
MEETING_KINDS = (
    "standing_committees",
    "meeting_of_states_parties",
    "review_conference",
    "special_meeting",
)
PAGE = 500


@dataclass(frozen=True)
class Meeting:
    """A meeting on the calendar, as far as a decision is concerned."""

    id: int
    title: str
    kind: str
    start: date
    end: date
    location: str | None

    @property
    def name(self) -> str:
        """How a decision records where it was taken: "Tenth Meeting … (Geneva, 2010)"."""
        where = f"{self.location}, {self.start.year}" if self.location else str(self.start.year)
        return f"{self.title} ({where})"[:200]


class _Event(BaseModel):
    """The part of a `GET /events/{id}` answer this service reads."""

    id: int = Field(ge=1)
    title: str = Field(min_length=1)
    kind: str
    start: date
    end: date
    location: str | None = None


class _EventsPage(ListPage):
    items: list[_Event]


class MeetingsClient(ServiceClient):
    service_name = "reminders"

    def meeting(self, event_id: int) -> Meeting:
        """The event `event_id` of the calendar; 422 when there is none (ServiceUnavailable when
        the reminders service cannot be reached)."""
        try:
            event = self.get_model(f"/events/{event_id}", _Event)
        except NotFound as exc:
            raise Unprocessable(f"There is no event {event_id} on the calendar.") from exc
        return Meeting(event.id, event.title, event.kind, event.start, event.end, event.location)

    def meetings(self, *, start: date, end: date) -> list[Meeting]:
        """The meetings of the calendar that overlap `start`–`end`, by date (ServiceUnavailable
        when the reminders service cannot be reached)."""
        window = {"from": start.isoformat(), "to": end.isoformat()}
        found = [
            Meeting(e.id, e.title, e.kind, e.start, e.end, e.location)
            for kind in MEETING_KINDS
            for page in self.get_pages(
                "/events", _EventsPage, params={**window, "kind": kind}, limit=PAGE
            )
            for e in page.items
        ]
        return sorted(found, key=lambda meeting: (meeting.start, meeting.id))
