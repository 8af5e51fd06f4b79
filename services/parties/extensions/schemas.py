"""Bodies of the Article 5 extension requests and extensions: one field list each."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field
from sqlmodel import AutoString, SQLModel
from sqlmodel import Field as SQLField

from services.common.types import DocumentReference, Narrative, UtcDateTime
from services.parties.schemas import Input, Output, TreatyDate


class ExtensionRequestFields(SQLModel):
    """What a state writes in its extension request (Article 5.4): the table's, the request's
    and the answer's."""

    requested_deadline: TreatyDate
    # 5.4 (b): reasons, state of work, means available, impediments
    explanation: Annotated[Narrative, Field(min_length=1)] = SQLField(sa_type=AutoString)
    # 5.4 (c): humanitarian, social, economic, environmental
    implications: Narrative = SQLField(default="", sa_type=AutoString)
    other_information: Narrative = SQLField(default="", sa_type=AutoString)  # 5.4 (d)


class ExtensionRequestRecord(ExtensionRequestFields):
    """A request as recorded: the state's content, and what the meetings did with it."""

    current_deadline: date
    status: str = SQLField(max_length=16)  # submitted, under_analysis, granted, refused
    analysis: str | None = SQLField(default=None, sa_type=AutoString)
    decided_at: str | None = SQLField(default=None, max_length=200)  # the meeting, by name
    meeting_id: int | None = None  # the meeting, by its event id on the calendar
    decided_on: date | None = None
    granted_deadline: date | None = None
    submitted_at: UtcDateTime


class ExtensionRequestCreate(ExtensionRequestFields, Input):  # type: ignore[misc]
    """A state's request: the content Article 5.4 asks for, nothing else."""


class ExtensionAnalysis(Input):
    analysis: Annotated[Narrative, Field(min_length=1)]


class ExtensionDecisionKind(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"


class ExtensionDecision(Input):
    """The decision of the Meeting of the States Parties or Review Conference (Article 5.5)."""

    decision: ExtensionDecisionKind
    meeting_id: int = Field(
        ge=1,
        description="The event id, on the reminders service's calendar, of the Meeting of the "
        "States Parties or Review Conference that took the decision",
        examples=[7],
    )
    decided_on: TreatyDate = Field(description="A day of that meeting")
    granted_deadline: TreatyDate | None = Field(
        default=None, description="The deadline granted, if not the one requested"
    )
    source: DocumentReference | None = Field(
        default=None,
        description="The document recording the decision (its symbol or URL); without one the "
        "extension is recorded as unverified",
        examples=["APLC/MSP.10/2010/7"],
    )


class ExtensionRequestPublic(ExtensionRequestRecord, Output):  # type: ignore[misc]
    id: int
    iso3: str
    version: int


class ExtensionFields(SQLModel):
    """An extension of an Article 5 deadline as granted: the table's and the answer's."""

    original_deadline: date
    extended_deadline: date
    granted_at: str = SQLField(max_length=200)
    granted_on: date
    source: str
    verified: bool


class ExtensionPublic(ExtensionFields, Output):  # type: ignore[misc]
    iso3: str
