"""How a status is known: the one vocabulary of the three services (docs/data.md).

A diplomat reading a status must be able to tell a record from an inference from a gap. Every
status the services serve carries one of these beside it.
"""

from __future__ import annotations

from enum import StrEnum


class Basis(StrEnum):
    """How a status is known."""

    RECORDED = "recorded"  # a record states it: who recorded it and when (or its source) is given
    DERIVED = "derived"  # a rule computed it from records: the rule and its inputs are named
    NOT_RECORDED = "not_recorded"  # no record covers it: the status is null, not a default


NOT_RECORDED = Basis.NOT_RECORDED.value  # the key under which counts gather what no record covers
