"""The parties service's client of the actions service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field

from services.common.http_client import ListPage, ServiceClient

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


class _ActionsPage(ListPage):
    """The part of a `GET /actions` page this service reads (anything else is ignored)."""

    items: list[_Action]


class LatestAssessment(BaseModel):
    """The committee's latest assessment of an action by a day, as a report cites it."""

    action_number: int = Field(ge=1)
    status: str = Field(min_length=1, max_length=32)
    period: str
    assessed_on: date
    source: str | None = None


class _AssessmentsPage(ListPage):
    items: list[LatestAssessment]


class ActionsClient(ServiceClient):
    service_name = "actions"

    def fetch_catalogue(self) -> list[ActionInfo]:
        """Return every action of the current plan (UpstreamError for a document of another
        shape, ServiceUnavailable when the service cannot be reached)."""
        return [
            ActionInfo(a.number, a.actor_group.applies_to, a.section.number)
            for page in self.get_pages("/actions", _ActionsPage, params={}, limit=PAGE)
            for a in page.items
        ]

    def latest_assessments(self, as_of: date) -> list[LatestAssessment]:
        """Return the latest assessment of each assessed action made by `as_of` (errors as
        `fetch_catalogue`)."""
        pages = self.get_pages(
            "/assessments/latest",
            _AssessmentsPage,
            params={"as_of": as_of.isoformat()},
            limit=PAGE,
        )
        return [assessment for page in pages for assessment in page.items]
