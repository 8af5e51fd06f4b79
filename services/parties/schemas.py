"""Request and response bodies of the parties service's API."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, StringConstraints
from sqlmodel import AutoString, SQLModel
from sqlmodel import Field as SQLField

from services.common.db import EnumText, UrlText
from services.common.types import IsoDate, Label, Narrative, NoControlCharacters, UtcDateTime

EARLIEST = date(1997, 1, 1)
LATEST = date(2100, 12, 31)


def _plausible(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return value


TreatyDate = Annotated[IsoDate, AfterValidator(_plausible)]
Url = Annotated[HttpUrl, Field(max_length=2000)]
Meeting = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200), NoControlCharacters
]


class Input(BaseModel):
    """Base of request bodies: an unknown field (`version`, `iso3`, `updated_by`…) is a 422."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CommitmentStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    NOT_APPLICABLE = "not_applicable"


class MembershipStatus(StrEnum):
    PARTY = "party"
    NON_PARTY = "non_party"


class Article9Status(StrEnum):
    LEGISLATION_ADOPTED = "legislation_adopted"
    EXISTING_LAW_SUFFICIENT = "existing_law_sufficient"
    NOT_INDICATED = "not_indicated"


# ---------------------------------------------------------------- states and obligations


class Regions(Output):
    un_region: str
    un_subregion: str
    sub_saharan_africa: bool
    eu_member_2010: bool
    cis_member_2010: bool
    un_member_2010: bool
    source: str


class Membership(Output):
    status: MembershipStatus
    deposit_date: date | None
    entry_into_force: date | None
    source: str
    verified: bool


class StateSummary(Output):
    iso3: str
    name: str
    name_in_seed: str | None
    membership: Membership
    regions: Regions


class ObligationsPublic(Output):
    article3_mines_retained: int | None
    article3_source: str | None
    article4_status: str
    article4_completed_on: date | None
    article4_mines_destroyed: int | None
    article4_source: str
    article5_applies: bool
    article5_completed: bool
    article5_completed_on: date | None
    article5_area_released_m2: int | None
    article5_source: str | None
    significant_survivors: bool
    victim_assistance_source: str | None
    article7_initial_submitted: bool
    article7_initial_submitted_on: date | None
    article7_initial_source: str
    article9_status: Article9Status | None
    article9_source: str | None
    in_a_position_to_assist: bool | None
    needs_article5_extension: bool | None
    version: int
    updated_at: UtcDateTime


class DeadlinePublic(Output):
    kind: str
    due: date
    status: str
    source: str
    original_due: date | None
    covers_year: int | None
    met_on: date | None
    late: bool


class StateDetail(StateSummary):
    obligations: ObligationsPublic | None
    deadlines: list[DeadlinePublic]
    groups: list[str]


class DeadlinesPublic(Output):
    iso3: str
    today: date
    items: list[DeadlinePublic]


class ObligationsUpdate(Input):
    """What a party reports about its own progress (all fields, as a PUT replaces them)."""

    article3_mines_retained: int | None = Field(default=None, ge=0, le=10_000_000)
    article4_completed_on: TreatyDate | None = None
    article4_mines_destroyed: int | None = Field(default=None, ge=0, le=1_000_000_000)
    article5_completed_on: TreatyDate | None = None
    article5_area_released_m2: int | None = Field(default=None, ge=0, le=10**13)
    article9_status: Article9Status | None = None
    in_a_position_to_assist: bool | None = None
    needs_article5_extension: bool | None = None
    evidence_url: Url | None = None


# ---------------------------------------------------------------- commitments


class CommitmentFields(SQLModel):
    """What a party writes about its commitment on an action: the one list of these fields.

    The table and its versions (`models`), the update a state sends, the answer and the CSV
    columns all derive from it: adding a field is this class and a migration. The types are the
    API's (they validate what a state sends); `sa_type` keeps the columns the migrations made.
    """

    status: CommitmentStatus = SQLField(sa_type=EnumText(CommitmentStatus, 16))
    target_date: TreatyDate | None = None
    narrative: Narrative = SQLField(default="", sa_type=AutoString)
    evidence_url: Url | None = SQLField(default=None, sa_type=UrlText(2000))


COMMITMENT_FIELDS = tuple(CommitmentFields.model_fields)


# SQLModel's config type extends pydantic's; the two bases' settings merge at run time.
class CommitmentPublic(CommitmentFields, Output):  # type: ignore[misc]
    iso3: str
    action_number: int
    applies_to: str
    version: int
    updated_at: UtcDateTime | None
    updated_by: str | None


class CommitmentUpdate(CommitmentFields, Input):  # type: ignore[misc]
    """A state's update of its commitment: every field of the commitment, nothing else."""


class HistoryEntry(Output):
    version: int
    operation: str
    occurred_at: UtcDateTime
    actor: str
    actor_role: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


# ---------------------------------------------------------------- extension requests


class ExtensionRequestCreate(Input):
    requested_deadline: TreatyDate
    explanation: Annotated[Narrative, Field(min_length=1)]
    implications: Narrative = ""
    other_information: Narrative = ""


class ExtensionAnalysis(Input):
    analysis: Annotated[Narrative, Field(min_length=1)]


class ExtensionDecisionKind(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"


class ExtensionDecision(Input):
    decision: ExtensionDecisionKind
    decided_at: Meeting
    decided_on: TreatyDate
    granted_deadline: TreatyDate | None = None


class ExtensionRequestPublic(Output):
    id: int
    iso3: str
    current_deadline: date
    requested_deadline: date
    explanation: str
    implications: str
    other_information: str
    status: str
    analysis: str | None
    decided_at: str | None
    decided_on: date | None
    granted_deadline: date | None
    submitted_at: UtcDateTime
    version: int


class ExtensionPublic(Output):
    iso3: str
    original_deadline: date
    extended_deadline: date
    granted_at: str
    granted_on: date
    source: str
    verified: bool


# ---------------------------------------------------------------- Article 7


class Article7ReportCreate(Input):
    period: Annotated[str, StringConstraints(pattern=r"^(initial|(19|20)\d\d)$")] = Field(
        description='"initial", or the calendar year the annual report covers, e.g. "2009"'
    )
    submitted_on: TreatyDate
    link: Url | None = None


class Article7ReportPublic(Output):
    iso3: str
    period: str
    submitted_on: date
    link: str | None
    recorded_at: UtcDateTime


# ---------------------------------------------------------------- membership (admin)


class MembershipUpdate(Input):
    status: MembershipStatus
    deposit_date: TreatyDate | None = None
    entry_into_force: TreatyDate | None = None
    source: Label


# ---------------------------------------------------------------- reads


class Figure(Output):
    value: float
    unit: str
    source: str
    qualifier: str | None = None
    of: float | None = None
    period: str | None = None
    states: list[str] | None = None


class ActionProgressParty(Output):
    iso3: str
    name: str
    status: CommitmentStatus
    target_date: date | None
    updated_at: UtcDateTime | None


class ActionProgressCounts(Output):
    action_number: int
    applies_to: str
    applicable_parties: int
    by_status: dict[str, int]


class PartyDeadline(Output):
    iso3: str
    name: str
    entry_into_force: date | None
    kind: str
    due: date
    status: str
    original_due: date | None
    covers_year: int | None
    met_on: date | None
    source: str


class ActionProgress(Output):
    action_number: int
    applies_to: str
    applicable_parties: int
    by_status: dict[str, int]
    parties: list[ActionProgressParty]


class Change(Output):
    occurred_at: UtcDateTime
    entity: str
    entity_id: str
    operation: str
    version: int
    actor: str
    actor_role: str
    fields: list[str]
