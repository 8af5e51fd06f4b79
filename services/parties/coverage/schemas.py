"""Bodies of the coverage of the records: one field list."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from sqlmodel import AutoString, SQLModel
from sqlmodel import Field as SQLField

from services.common.types import Narrative, UtcDateTime
from services.parties.schemas import Input, Output, TreatyDate


class CoverageFields(SQLModel):
    """From which due date the records of one kind are complete: the table's, the update's and
    the answer's. Before it, or with none, a missing record is `not_recorded`, not a breach."""

    complete_from: TreatyDate | None = Field(
        default=None,
        description="The first due date from which every such record is kept; null: not yet",
        examples=["2010-04-30"],
    )
    source: Annotated[Narrative, Field(min_length=3, max_length=2000)] = SQLField(
        sa_type=AutoString,
        description="Who says the records are complete (a document, a URL)",
        schema_extra={"examples": ["https://example.org/isu/article7-reports-received-2010.pdf"]},
    )


class CoverageUpdate(CoverageFields, Input):  # type: ignore[misc]
    """An admin's statement of how complete one kind of record is."""


class CoveragePublic(CoverageFields, Output):  # type: ignore[misc]
    kind: str
    version: int
    updated_at: UtcDateTime
