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

    requested_deadline: TreatyDate = SQLField(
        description="The Article 5 clearance deadline the party asks for: after its current "
        "deadline and at most ten years later (Article 5.3)",
        schema_extra={"examples": ["2014-03-01"]},
    )
    # 5.4 (b): reasons, state of work, means available, impediments
    explanation: Annotated[Narrative, Field(min_length=1)] = SQLField(
        sa_type=AutoString,
        description="Article 5.4 (b): why the extension is needed, the status of the national "
        "demining programme, the financial and technical means available, and the "
        "circumstances that impede clearance (required)",
        schema_extra={
            "examples": [
                "Survey found more suspected areas than first reported; two demining teams are "
                "funded until 2012; seasonal rains close the northern areas for months."
            ]
        },
    )
    # 5.4 (c): humanitarian, social, economic, environmental
    implications: Narrative = SQLField(
        default="",
        sa_type=AutoString,
        description="Article 5.4 (c): the humanitarian, social, economic and environmental "
        "implications of the extension; empty: none stated",
        schema_extra={
            "examples": [
                "Until the areas are released, farmland near the border stays unused and two "
                "roads between villages stay closed."
            ]
        },
    )
    other_information: Narrative = SQLField(  # 5.4 (d)
        default="",
        sa_type=AutoString,
        description="Article 5.4 (d): any other information relevant to the request; empty: none",
        schema_extra={"examples": ["A national survey is planned for 2011."]},
    )


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
    analysis: Annotated[Narrative, Field(min_length=1)] = Field(
        description="The analysis of the request that the meeting deciding it will consider "
        "(Article 5.5), as the group mandated to analyse it wrote it (required)",
        examples=[
            "The request is complete; its plan to release the remaining areas is ambitious but "
            "workable if the funding it counts on is found."
        ],
    )


class ExtensionDecisionKind(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"


class ExtensionDecision(Input):
    """The decision of the Meeting of the States Parties or Review Conference (Article 5.5)."""

    decision: ExtensionDecisionKind = Field(
        description="Whether the meeting granted or refused the extension requested",
        examples=["granted"],
    )
    meeting_id: int = Field(
        ge=1,
        description="The event id, on the reminders service's calendar, of the Meeting of the "
        "States Parties or Review Conference that took the decision",
        examples=[7],
    )
    decided_on: TreatyDate = Field(
        description="A day of that meeting, on which it took the decision; not after today",
        examples=["2010-12-03"],
    )
    granted_deadline: TreatyDate | None = Field(
        default=None,
        description="The deadline granted, if not the one requested; null: the requested "
        "deadline (ignored when the request is refused)",
        examples=["2013-06-01"],
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
