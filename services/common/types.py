"""Input types shared by API models: text that a database of either kind can store."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

# NUL cannot be stored by PostgreSQL; other C0 controls are never meant in text fields.
_FORBIDDEN_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(value: str) -> str:
    if _FORBIDDEN_CONTROLS.search(value):
        raise ValueError("must not contain control characters (such as NUL)")
    return value


# The same rule for clients and fuzzers, in the OpenAPI document (an ECMA-262 regular expression).
CONTROL_FREE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


class _NoControlCharacters:
    """Refuse control characters in a string, and say so in its JSON Schema (`pattern`)."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_no_control_characters, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = CONTROL_FREE_PATTERN
        return json_schema


NoControlCharacters = _NoControlCharacters()

Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoControlCharacters
]
"""A short required label, e.g. a period name."""

Narrative = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20_000), NoControlCharacters
]
"""Free text of up to 20,000 characters; line breaks and tabs allowed."""

DocumentReference = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500), NoControlCharacters
]
"""A document that records something: its symbol (e.g. APLC/MSP.10/2010/7) or its URL."""


def as_utc(value: datetime) -> datetime:
    """Return `value` with its UTC offset (a naive time is UTC, as every stored time is)."""
    # Every time is stored in UTC; SQLite hands it back without its offset.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
"""A moment in an answer: always with its UTC offset, as RFC 3339 `date-time` demands."""


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date_only(value: object) -> object:
    # Pydantic would also read 0 or "1700000000" as a day (Unix time): a client that sends
    # such a thing has made a mistake, not chosen 1 January 1970.
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    raise ValueError("must be a day written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
"""A day in a request: `YYYY-MM-DD` and nothing else."""
