"""The shared input and output types: days as written, moments with their offset, clean text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import TypeAdapter, ValidationError

from services.common.types import CONTROL_FREE_PATTERN, IsoDate, Label, UtcDateTime

DAY = TypeAdapter(IsoDate)
MOMENT = TypeAdapter(UtcDateTime)


def test_a_day_is_read_only_as_yyyy_mm_dd() -> None:
    assert DAY.validate_python("2010-05-01") == date(2010, 5, 1)
    assert DAY.validate_python(date(2010, 5, 1)) == date(2010, 5, 1)
    assert DAY.validate_json('"2010-05-01"') == date(2010, 5, 1)


@pytest.mark.parametrize(
    "value", [0, "0", "1700000000", 1.5, "2010-5-1", "01/05/2010", "2010-13-01"]
)
def test_anything_else_is_not_a_day(value: object) -> None:
    with pytest.raises(ValidationError):
        DAY.validate_python(value)


def test_a_moment_without_offset_is_taken_as_utc_and_says_so() -> None:
    stored = datetime(2010, 1, 1, 8, 0)

    assert MOMENT.dump_json(MOMENT.validate_python(stored)) == b'"2010-01-01T08:00:00Z"'


def test_a_moment_with_an_offset_keeps_it() -> None:
    geneva = datetime(2010, 6, 21, 10, 0, tzinfo=timezone(timedelta(hours=2)))

    assert MOMENT.validate_python(geneva) == geneva.astimezone(UTC)


def test_text_types_tell_clients_the_control_character_rule() -> None:
    schema = TypeAdapter(Label).json_schema()

    assert schema["pattern"] == CONTROL_FREE_PATTERN
    with pytest.raises(ValidationError, match="control characters"):
        TypeAdapter(Label).validate_python("a\x00b")
