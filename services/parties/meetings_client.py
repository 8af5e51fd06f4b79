"""The parties service's client of the reminders service's calendar: the meetings that decide.

Article 5.5: a Meeting of the States Parties or a Review Conference decides an extension request.
The calendar of meetings is the reminders service's; a decision names the meeting by its event id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field

from services.common.errors import NotFound, Unprocessable
from services.common.http_client import ServiceClient

DECIDING_KINDS = frozenset({"meeting_of_states_parties", "review_conference"})


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
