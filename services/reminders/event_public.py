"""An event as it is shown: in the API's answers and in the reminders' messages alike."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from services.reminders.models import Event


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
    status: str

    @classmethod
    def of(cls, event: Event) -> EventPublic:
        """Shape an event row for an answer or a message."""
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
            status=event.status,
        )
