"""Input types shared by API models: text that a database of either kind can store."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

# NUL cannot be stored by PostgreSQL; other C0 controls are never meant in text fields.
_FORBIDDEN_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(value: str) -> str:
    if _FORBIDDEN_CONTROLS.search(value):
        raise ValueError("must not contain control characters (such as NUL)")
    return value


NoControlCharacters = AfterValidator(_no_control_characters)

Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoControlCharacters
]
"""A short required label, e.g. a period name."""

Narrative = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20_000), NoControlCharacters
]
"""Free text of up to 20,000 characters; line breaks and tabs allowed."""
