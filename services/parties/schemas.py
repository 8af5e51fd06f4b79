"""Request and response bodies of the parties service's API."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
)
from sqlmodel import AutoString, SQLModel
from sqlmodel import Field as SQLField

from services.common.basis import Basis
from services.common.db import EnumText, UrlText
from services.common.types import IsoDate, Label, Narrative, UtcDateTime

EARLIEST = date(1997, 1, 1)
LATEST = date(2100, 12, 31)


def _plausible(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return value


TreatyDate = Annotated[IsoDate, AfterValidator(_plausible)]
Url = Annotated[HttpUrl, Field(max_length=2000)]


class Input(BaseModel):
    """Base of request bodies: an unknown field (`version`, `iso3`, `updated_by`…) is a 422."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    # Every field of an answer is always there: the schema says so, defaults or not.
    model_config = ConfigDict(
        from_attributes=True, json_schema_serialization_defaults_required=True
    )


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


class RegionFields(SQLModel):
    """Where a state belongs (UN M49 and the groups of 2010): the table's and the answer's."""

    un_region: str = SQLField(max_length=32)
    un_subregion: str = SQLField(max_length=64)
    sub_saharan_africa: bool
    eu_member_2010: bool
    cis_member_2010: bool
    un_member_2010: bool


class MembershipFields(SQLModel):
    """A state's membership of the Convention: the table's and the answer's."""

    status: MembershipStatus = SQLField(sa_type=EnumText(MembershipStatus, 16), index=True)
    deposit_date: date | None = None
    entry_into_force: date | None = None


class Regions(RegionFields, Output):  # type: ignore[misc]
    source: str = Field(validation_alias=AliasChoices("source", "region_source"))


class Membership(MembershipFields, Output):  # type: ignore[misc]
    source: str = Field(validation_alias=AliasChoices("source", "membership_source"))
    verified: bool = Field(validation_alias=AliasChoices("verified", "membership_verified"))


class StateSummary(Output):
    iso3: str
    name: str
    name_in_seed: str | None
    membership: Membership
    regions: Regions


class ObligationsFields(SQLModel):
    """What one State Party owes and has reported, under the names the API gives them.

    The table (`models.Obligations`) and the answer share these; the four figures the table names
    without their Article (`mines_retained`, …) are mapped in `ObligationsPublic`.
    """

    # Article 4: "destroying", "completed", "no_stockpiles" (the seed's 152), or "not_reported"
    # (a party that joined since and has not yet said what it holds).
    article4_status: str = SQLField(max_length=16)
    article4_completed_on: date | None = None
    article4_source: str
    # Article 5: the 54 that reported mined areas.
    article5_applies: bool = False
    article5_completed: bool = False
    article5_completed_on: date | None = None
    article5_source: str | None = None
    # Victim assistance: the 26 with significant numbers of survivors.
    significant_survivors: bool = False
    victim_assistance_source: str | None = None
    # Article 7: the initial report; annual reports are rows of `article7_reports`.
    article7_initial_submitted: bool = True
    article7_initial_submitted_on: date | None = None
    article7_initial_source: str
    # Article 9: None where no source names the party (the seed gives only counts).
    article9_status: Article9Status | None = SQLField(
        default=None, sa_type=EnumText(Article9Status, 32)
    )
    article9_source: str | None = None
    # Declared by the party itself: no record can decide these.
    in_a_position_to_assist: bool | None = None
    needs_article5_extension: bool | None = None
    version: int = 1


class ObligationsPublic(ObligationsFields, Output):  # type: ignore[misc]
    article3_mines_retained: int | None = Field(
        validation_alias=AliasChoices("article3_mines_retained", "mines_retained")
    )
    article3_source: str | None = Field(
        validation_alias=AliasChoices("article3_source", "mines_retained_source")
    )
    article4_mines_destroyed: int | None = Field(
        validation_alias=AliasChoices("article4_mines_destroyed", "mines_destroyed")
    )
    article5_area_released_m2: int | None = Field(
        validation_alias=AliasChoices("article5_area_released_m2", "area_released_m2")
    )
    updated_at: UtcDateTime


class DeadlinePublic(Output):
    kind: str
    due: date
    status: str
    basis: Basis = Field(
        description="derived (by the rule `source` names, from the records it names), or "
        "not_recorded when no record covers the obligation (status `unknown`)"
    )
    source: str
    original_due: date | None
    covers_year: int | None
    met_on: date | None = Field(
        description="When the obligation was met; null with `met`: the date is not recorded"
    )
    late: bool | None = Field(
        description="Met after the due date; null unless both dates are known"
    )
    verified: bool = Field(
        description="false when the due date rests on a date no located source states"
    )
    unverified_because: str | None = Field(description="Why `verified` is false")


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

    article3_mines_retained: int | None = Field(
        default=None,
        ge=0,
        le=10_000_000,
        description="How many anti-personnel mines the party retains for the development of "
        "and training in mine detection, clearance or destruction techniques (Article 3), "
        "a number of mines; null: not reported",
        examples=[1000],
    )
    article4_completed_on: TreatyDate | None = Field(
        default=None,
        description="The day the party completed the destruction of its stockpiled "
        "anti-personnel mines (Article 4); null: not completed or not reported (a completion "
        "already recorded stays)",
        examples=["2012-05-31"],
    )
    article4_mines_destroyed: int | None = Field(
        default=None,
        ge=0,
        le=1_000_000_000,
        description="How many stockpiled anti-personnel mines the party reports it has "
        "destroyed (Article 4), a number of mines; null: not reported",
        examples=[150000],
    )
    article5_completed_on: TreatyDate | None = Field(
        default=None,
        description="The day the party completed the destruction of all anti-personnel mines "
        "in mined areas under its jurisdiction or control (Article 5); null: not completed or "
        "not reported (a completion already recorded stays)",
        examples=["2010-04-13"],
    )
    article5_area_released_m2: int | None = Field(
        default=None,
        ge=0,
        le=10**13,
        description="The mined area the party reports it has released (Article 5), in square "
        "metres; null: not reported",
        examples=[2500000],
    )
    article9_status: Article9Status | None = Field(
        default=None,
        description="The party's national implementation measures (Article 9): legislation "
        "adopted, existing law deemed sufficient, or not indicated; null: not reported",
        examples=["legislation_adopted"],
    )
    in_a_position_to_assist: bool | None = Field(
        default=None,
        description="Whether the party declares itself in a position to provide assistance to "
        "other States Parties (Article 6); null: not declared",
        examples=[True],
    )
    needs_article5_extension: bool | None = Field(
        default=None,
        description="Whether the party declares it will need an extension of its Article 5 "
        "clearance deadline (Article 5.3); null: not declared",
        examples=[False],
    )
    evidence_url: Url | None = Field(
        default=None,
        description="A document that supports what the party reports, such as its Article 7 "
        "report, cited in the sources this update records; null: none",
        examples=["https://example.org/nicaragua/article7-2009.pdf"],
    )


# ---------------------------------------------------------------- commitments


class CommitmentFields(SQLModel):
    """What a party writes about its commitment on an action: the one list of these fields.

    The table and its versions (`models`), the update a state sends, the answer and the CSV
    columns all derive from it: adding a field is this class and a migration. The types are the
    API's (they validate what a state sends); `sa_type` keeps the columns the migrations made.
    """

    status: CommitmentStatus = SQLField(
        sa_type=EnumText(CommitmentStatus, 16),
        description="The party's own status on the action, as it reports it",
        schema_extra={"examples": ["in_progress"]},
    )
    target_date: TreatyDate | None = SQLField(
        default=None,
        description="The day by which the party intends to have carried out the action; "
        "null: no target set",
        schema_extra={"examples": ["2012-12-31"]},
    )
    narrative: Narrative = SQLField(
        default="",
        sa_type=AutoString,
        description="What the party has done and plans to do on the action, in its own words "
        "(up to 20,000 characters); empty: nothing written",
        schema_extra={
            "examples": [
                "National plan adopted; survey of the remaining suspected areas under way."
            ]
        },
    )
    evidence_url: Url | None = SQLField(
        default=None,
        sa_type=UrlText(2000),
        description="A document that supports what the party writes (a report, a plan); null: none",
        schema_extra={"examples": ["https://example.org/nicaragua/article7-2009.pdf"]},
    )


COMMITMENT_FIELDS = tuple(CommitmentFields.model_fields)


# SQLModel's config type extends pydantic's; the two bases' settings merge at run time.
class CommitmentPublic(CommitmentFields, Output):  # type: ignore[misc]
    iso3: str
    action_number: int
    applies_to: str
    # A commitment the party never wrote has no status: null, never a default "not started".
    status: CommitmentStatus | None = Field(  # type: ignore[assignment]
        description="The party's own status on the action; null when it has recorded none"
    )
    basis: Basis = Field(
        description="recorded (written by `updated_by` at `updated_at`) or not_recorded"
    )
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


# ---------------------------------------------------------------- membership (admin)


class MembershipUpdate(Input):
    status: MembershipStatus = Field(
        description="Whether the state is a State Party to the Convention",
        examples=["party"],
    )
    deposit_date: TreatyDate | None = Field(
        default=None,
        description="The day the state deposited its instrument of ratification, acceptance, "
        "approval or accession; null: none deposited or not known",
        examples=["2011-03-15"],
    )
    entry_into_force: TreatyDate | None = Field(
        default=None,
        description="The day the Convention entered into force for the state (Article 17), "
        "from which its deadlines run; required for a party; null: not in force for it",
        examples=["2011-09-01"],
    )
    source: Label = Field(
        description="Who says so: the document or record the membership comes from (up to "
        "100 characters)",
        examples=["https://example.org/depositary/accession-2011.pdf"],
    )


# ---------------------------------------------------------------- reads


class PartyDeadline(DeadlinePublic):
    iso3: str
    name: str
    entry_into_force: date | None
