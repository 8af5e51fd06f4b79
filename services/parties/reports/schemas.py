"""Bodies of the Article 7 reports: one field list."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints
from sqlmodel import AutoString, SQLModel
from sqlmodel import Field as SQLField

from services.common.db import UrlText
from services.common.types import UtcDateTime
from services.parties.schemas import Input, Output, TreatyDate, Url

Period = Annotated[str, StringConstraints(pattern=r"^(initial|(19|20)\d\d)$")]


class Article7ReportFields(SQLModel):
    """A transparency report as a state records it: the table's, the request's, the answer's."""

    period: Period = SQLField(
        sa_type=AutoString(8),
        description='"initial", or the calendar year the annual report covers, e.g. "2009"',
        schema_extra={"examples": ["2009"]},
    )
    submitted_on: TreatyDate = SQLField(
        description="The day the party submitted the report to the Secretary-General of the "
        "United Nations (Article 7); not after today, nor before the year it covers has ended",
        schema_extra={"examples": ["2010-04-30"]},
    )
    link: Url | None = SQLField(
        default=None,
        sa_type=UrlText(2000),
        description="Where the report can be read; null: no link recorded",
        schema_extra={"examples": ["https://example.org/nicaragua/article7-2009.pdf"]},
    )


class Article7ReportCreate(Article7ReportFields, Input):  # type: ignore[misc]
    """A report to record: its period, when it was submitted, where it can be read."""


class Article7ReportPublic(Article7ReportFields, Output):  # type: ignore[misc]
    iso3: str
    recorded_at: UtcDateTime
