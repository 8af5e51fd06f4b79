"""Tables and API models of the actions service."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict
from sqlalchemy import ForeignKeyConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.common.audit import audit_table
from services.common.basis import Basis
from services.common.db import new_registry
from services.common.idempotency import idempotency_table
from services.common.types import DocumentReference, IsoDate, Label, Narrative, UtcDateTime

registry = new_registry()
metadata = registry.metadata


class ActionsTable(SQLModel, registry=registry):
    """Base of the actions service's tables (their own metadata, their own migrations)."""


audit_log = audit_table(metadata)
idempotency_keys = idempotency_table(metadata)


class AppliesTo(StrEnum):
    """Which States Parties an action binds, from the line that introduces it."""

    ALL_STATES_PARTIES = "all_states_parties"
    MISSED_ARTICLE4_DEADLINE = "missed_article4_deadline"
    ARTICLE4_IN_PROGRESS = "article4_in_progress"
    ARTICLE5_EXTENSION_GRANTED = "article5_extension_granted"
    REPORTED_MINED_AREAS = "reported_mined_areas"
    NEEDS_ARTICLE5_EXTENSION = "needs_article5_extension"
    SIGNIFICANT_SURVIVORS = "significant_survivors"
    WITH_STOCKPILE_CLEARANCE_OR_VA_OBLIGATIONS = "with_stockpile_clearance_or_va_obligations"
    IN_A_POSITION_TO_ASSIST = "in_a_position_to_assist"
    INITIAL_ARTICLE7_REPORT_MISSING = "initial_article7_report_missing"
    RETAINED_MINES_ARTICLE3 = "retained_mines_article3"
    NO_NATIONAL_IMPLEMENTATION_MEASURES = "no_national_implementation_measures"


class AssessmentStatus(StrEnum):
    ON_TRACK = "on_track"
    SOME_PROGRESS = "some_progress"
    OFF_TRACK = "off_track"
    NOT_ASSESSED = "not_assessed"


# ---------------------------------------------------------------- tables


class Plan(ActionsTable, table=True):
    __tablename__ = "plans"

    id: str = Field(primary_key=True, max_length=64)
    title: str = Field(max_length=300)
    period_start: int
    period_end: int
    adopted_at: str = Field(max_length=300)
    adopted_from: date
    adopted_to: date
    preamble: str
    source: str


class Paragraph(ActionsTable, table=True):
    """A numbered paragraph of a plan: the introduction (no section) or a section's preamble."""

    __tablename__ = "paragraphs"

    plan_id: str = Field(foreign_key="plans.id", primary_key=True, max_length=64)
    number: int = Field(primary_key=True)
    section_number: str | None = Field(default=None, max_length=8)
    text: str
    source: str


class Section(ActionsTable, table=True):
    __tablename__ = "sections"

    plan_id: str = Field(foreign_key="plans.id", primary_key=True, max_length=64)
    number: str = Field(primary_key=True, max_length=8)
    position: int
    title: str = Field(max_length=300)
    first_action: int
    last_action: int
    source: str


class Action(ActionsTable, table=True):
    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        ForeignKeyConstraint(
            ["plan_id", "section_number"], ["sections.plan_id", "sections.number"]
        ),
        Index("ix_actions_plan_section", "plan_id", "section_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(foreign_key="plans.id", max_length=64)
    number: int
    section_number: str = Field(max_length=8)
    subheading: str | None = Field(default=None, max_length=100)
    actor_text: str
    applies_to: str = Field(max_length=64)
    text: str
    source: str


class Assessment(ActionsTable, table=True):
    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_action_latest", "action_id", "assessed_on", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="actions.id")
    status: str = Field(max_length=16)
    narrative: str
    period: str = Field(max_length=100)
    assessed_on: date
    # The document that records the assessment (symbol or URL), when the committee cites one.
    source: str | None = Field(default=None, max_length=500)
    recorded_at: datetime
    recorded_by: str = Field(max_length=64)


class Indicator(ActionsTable, table=True):
    __tablename__ = "indicators"

    id: str = Field(primary_key=True, max_length=64)
    plan_id: str = Field(foreign_key="plans.id", max_length=64)
    aim: str = Field(max_length=32)
    title: str = Field(max_length=300)
    unit: str = Field(max_length=32)
    baseline_value: float
    baseline_qualifier: str | None = Field(default=None, max_length=32)
    baseline_of: float | None = None
    baseline_period: str = Field(max_length=64)
    source: str


class IndicatorAction(ActionsTable, table=True):
    __tablename__ = "indicator_actions"

    indicator_id: str = Field(foreign_key="indicators.id", primary_key=True, max_length=64)
    action_number: int = Field(primary_key=True)


# ---------------------------------------------------------------- API models


class ApiModel(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


class SectionRef(ApiModel):
    number: str
    title: str


class ActorGroup(ApiModel):
    text: str
    applies_to: AppliesTo


class ActionPublic(ApiModel):
    number: int
    plan_id: str
    section: SectionRef
    subheading: str | None
    actor_group: ActorGroup
    text: str
    source: str


class ActionRange(ApiModel):
    first: int
    last: int


class ParagraphPublic(ApiModel):
    number: int
    text: str
    source: str


class SectionPublic(ApiModel):
    number: str
    plan_id: str
    title: str
    actions: ActionRange
    paragraphs: list[ParagraphPublic]
    source: str


class PlanPublic(ApiModel):
    id: str
    title: str
    period_start: int
    period_end: int
    adopted_at: str
    adopted_from: date
    adopted_to: date
    preamble: str
    introduction: list[ParagraphPublic]
    source: str


class AssessmentCreate(ApiModel):
    status: AssessmentStatus = Field(
        description="The Coordinating Committee's rating of the progress made on the action "
        "in the period assessed",
        schema_extra={"examples": ["some_progress"]},
    )
    narrative: Narrative = Field(
        default="",
        description="The committee's reasons and observations, in its own words (up to 20,000 "
        "characters); empty: none written",
        schema_extra={
            "examples": [
                "Most States Parties concerned have reported national plans; several have not "
                "yet said how they will fund them."
            ]
        },
    )
    period: Label = Field(
        description='The meeting or period assessed, e.g. "2010-06 intersessional".',
        schema_extra={"examples": ["2010-06 intersessional"]},
    )
    assessed_on: IsoDate = Field(
        description="The day the committee made the assessment (YYYY-MM-DD), not after today.",
        schema_extra={"examples": ["2010-06-25"]},
    )
    source: DocumentReference | None = Field(
        default=None,
        description="The document that records the assessment (its symbol or URL), if any; "
        "null: the committee cited none",
        schema_extra={"examples": ["https://example.org/coordinating-committee/2010-06.pdf"]},
    )


class AssessmentPublic(ApiModel):
    id: int
    action_number: int
    plan_id: str
    status: AssessmentStatus
    narrative: str
    period: str
    assessed_on: date
    source: str | None = Field(
        description="The document that records it, if the committee cited one"
    )
    recorded_at: UtcDateTime
    recorded_by: str
    basis: Literal[Basis.RECORDED] = Field(
        default=Basis.RECORDED,
        description="recorded: the committee recorded it (recorded_by, recorded_at, source); an "
        "action with no assessment has none, it is not assessed as anything",
    )


class IndicatorPublic(ApiModel):
    id: str
    plan_id: str
    aim: str
    title: str
    unit: str
    actions: list[int]
    baseline: IndicatorBaseline


class IndicatorBaseline(ApiModel):
    value: float
    qualifier: str | None
    of: float | None
    period: str
    source: str


IndicatorPublic.model_rebuild()
