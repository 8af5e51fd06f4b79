"""An event as it is shown: in the API's answers and in the reminders' messages alike."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.common.basis import Basis
from services.reminders.models import Event

SCHEDULED = "scheduled"
HELD = "held"  # a meeting whose last day has passed
PAST = "past"  # a deadline whose day has passed (whether it was met: the parties service says)


def shown_status(event: Event, today: date) -> str:
    """The event's status on `today`: a recorded one (a deadline met) as recorded, a scheduled
    one that ended before `today` as held (a meeting) or past (a deadline)."""
    if event.status != SCHEDULED or event.ends_on >= today:
        return event.status
    return PAST if event.kind == "deadline" else HELD


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)

    id: int
    title: str
    kind: str
    start: date
    end: date
    location: str | None
    iso3: str | None
    source: str
    status: str = Field(
        description="scheduled; met (a deadline the party met); on a day after the event, held "
        "(a meeting) or past (a deadline: its status is the parties service's)"
    )

    basis: Basis = Field(
        description="recorded: a meeting or date the calendar records, with its source; derived: "
        "a party's deadline, which the parties service derives from its records (the rule and "
        "the records are named in `source`)"
    )
    verified: bool = Field(
        description="false for a party's deadline that rests on an unverified input"
    )
    unverified_because: str | None = Field(description="Why `verified` is false")

    @classmethod
    def of(cls, event: Event, today: date) -> EventPublic:
        """Shape an event row for an answer or a message, as it stands on `today`."""
        assert event.id is not None
        return cls(
            id=event.id,
            title=event.title,
            kind=event.kind,
            start=event.starts_on,
            end=event.ends_on,
            location=event.location,
            iso3=event.iso3,
            source=event.source,
            status=shown_status(event, today),
            basis=Basis.DERIVED if event.origin == "parties" else Basis.RECORDED,
            verified=event.unverified_because is None,
            unverified_because=event.unverified_because,
        )
