"""The action plan's dated undertakings (`data/undertakings.csv`): which group owes each, when.

Actions #14 and #34 of the Cartagena Action Plan are due "no later than the Tenth Meeting of the
States Parties"; the parties the action binds owe them, as they owe their treaty deadlines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from services.parties.obligations.deadlines import DeadlineKind, Undertaking
from services.parties.seed import read_rows


@dataclass(frozen=True)
class Owed:
    """An undertaking and the group of parties that owes it (the action's `applies_to`)."""

    action: int
    applies_to: str
    undertaking: Undertaking


@cache
def plan_undertakings() -> tuple[Owed, ...]:
    """The dated undertakings of the plan, as the data file lists them."""
    return tuple(
        Owed(
            action=int(row["action"]),
            applies_to=row["applies_to"],
            undertaking=Undertaking(
                kind=DeadlineKind(row["kind"]),
                due=date.fromisoformat(row["due"]),
                source=row["source"],
            ),
        )
        for row in read_rows("undertakings.csv")
    )


def owed_by(groups: frozenset[str]) -> list[Undertaking]:
    """The undertakings a party in these groups owes."""
    return [owed.undertaking for owed in plan_undertakings() if owed.applies_to in groups]
