"""The parties service's client of the actions service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field

from services.common.http_client import ServiceClient

PAGE = 500


@dataclass(frozen=True)
class ActionInfo:
    """What the parties service needs to know of an action: its number and whom it binds."""

    number: int
    applies_to: str
    section: str


class _ActorGroup(BaseModel):
    applies_to: str = Field(min_length=1, max_length=64)


class _SectionRef(BaseModel):
    number: str = Field(min_length=1, max_length=8)


class _Action(BaseModel):
    number: int = Field(ge=1)
    actor_group: _ActorGroup
    section: _SectionRef


class _ActionsPage(BaseModel):
    """The part of a `GET /actions` page this service reads (anything else is ignored)."""

    items: list[_Action]
    total: int = Field(ge=0)


class LatestAssessment(BaseModel):
    """The committee's latest assessment of an action by a day, as a report cites it."""

    action_number: int = Field(ge=1)
    status: str = Field(min_length=1, max_length=32)
    period: str
    assessed_on: date
    source: str | None = None


class _AssessmentsPage(BaseModel):
    items: list[LatestAssessment]
    total: int = Field(ge=0)


class ActionsClient(ServiceClient):
    service_name = "actions"

    def fetch_catalogue(self) -> list[ActionInfo]:
        """Return every action of the current plan (UpstreamError for a document of another
        shape, ServiceUnavailable when the service cannot be reached)."""
        actions: list[ActionInfo] = []
        offset = 0
        while True:
            page = self.get_model(
                "/actions", _ActionsPage, params={"limit": PAGE, "offset": offset}
            )
            actions.extend(
                ActionInfo(a.number, a.actor_group.applies_to, a.section.number) for a in page.items
            )
            offset += PAGE
            if offset >= page.total or not page.items:
                return actions

    def latest_assessments(self, as_of: date) -> list[LatestAssessment]:
        """Return the latest assessment of each assessed action made by `as_of` (errors as
        `fetch_catalogue`)."""
        page = self.get_model(
            "/assessments/latest",
            _AssessmentsPage,
            params={"as_of": as_of.isoformat(), "limit": PAGE},
        )
        return page.items
