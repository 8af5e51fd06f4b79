"""The shape of `/summary`: every section and figure as a model, each saying how it is known.

A figure is `Counted` from the records (with its `derivation`) or a `Figure` recorded with its
`source`. The summary is built as plain data (`aims.py`) and checked against these models before
it is served (`typed`), so the contract in OpenAPI is the answer's own shape; fields a section
does not use are left out of the answer rather than sent as null.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.basis import Basis


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeedFigure(Section):
    """A figure the seed brochure states, beside the count from the records."""

    value: int
    source: str
    basis: Literal[Basis.RECORDED] = Field(
        default=Basis.RECORDED, description="recorded: a source states it"
    )


class Figure(Section):
    """A Convention-wide figure as recorded, with its period and source."""

    value: float
    basis: Literal[Basis.RECORDED] = Field(
        default=Basis.RECORDED, description="recorded: a source states it"
    )
    unit: str
    qualifier: str | None = Field(description="e.g. approximately, more than")
    of: float | None = Field(description="the whole the value is part of, when it is a share")
    period: str
    source: str


class StillDestroying(Section):
    iso3: str
    name: str
    deadline: date | None
    status: str | None = Field(description="the Article 4 deadline's status on the day")
    verified: bool | None = Field(
        default=None, description="false when the deadline rests on an unverified date"
    )
    unverified_because: str | None = None
    mines_destroyed: int | None
    source: str


class ClearanceDeadline(Section):
    iso3: str
    name: str
    due: date
    status: str
    extended: bool
    verified: bool = Field(description="false when the deadline rests on an unverified input")
    unverified_because: str | None = None


class Counted(Section):
    """A figure counted from the records, saying how (`derivation`)."""

    value: int | float
    basis: Literal[Basis.DERIVED] = Field(
        default=Basis.DERIVED, description="derived: counted from the records as `derivation` says"
    )
    unit: str
    derivation: str
    seed_figure: SeedFigure | Figure | None = None
    states: list[str] | list[StillDestroying] | None = None
    by_status: dict[str, int] | None = None
    covers_year: int | None = None
    not_recorded: int | None = Field(
        default=None,
        description="States Parties no record covers here: neither counted in `value` nor "
        "presumed either way (the records of this kind are not complete yet)",
    )


class Region(Section):
    region: str
    kind: str = Field(description="un_region, un_subregion, un_m49_group or membership")
    states: int
    parties: int
    share: float | None
    non_parties: list[str]
    source: str | None


class Statement(Section):
    """One of the seed's "every State in … except …" statements, checked against the records."""

    text: str
    claimed_exceptions: list[str]
    exceptions: list[str]
    holds: bool
    source: str


class Universalization(Section):
    parties: Counted
    non_parties: Counted
    states: Counted
    regions: list[Region]
    statements: list[Statement]


class StockpileDestruction(Section):
    no_longer_holding: Counted
    still_destroying: Counted
    destroyed_total: Figure | None


class Clearance(Section):
    reported_mined_areas: Counted
    completed: Counted
    in_progress: Counted
    extensions_granted: Counted
    extension_requests_pending: Counted
    next_deadlines: list[ClearanceDeadline]
    overdue: list[ClearanceDeadline]


class VictimAssistance(Section):
    significant_survivors: Counted
    funding_since_2004: Figure | None


class Transparency(Section):
    initial_reports_missing: Counted
    annual_reports_overdue: Counted


class Compliance(Section):
    legislation_adopted: Figure | None
    existing_law_sufficient: Figure | None
    legislation_not_indicated: Figure | None
    recorded_by_parties: Counted


class Cooperation(Section):
    funding_since_2004: Figure | None
    former_producers_bound: Figure | None


class Summary(Section):
    """The four aims of the Convention, and cooperation, transparency, compliance, commitments."""

    as_of: date
    universalization: Universalization
    stockpile_destruction: StockpileDestruction
    clearance: Clearance
    victim_assistance: VictimAssistance
    transparency: Transparency
    compliance: Compliance
    cooperation: Cooperation
    commitments: Counted


def typed(summary: dict[str, Any]) -> dict[str, Any]:
    """Check a built summary against the models; return it as the API sends it."""
    return Summary.model_validate(summary).model_dump(mode="json", exclude_unset=True)
