"""The shapes of a commitments' progress: how far the parties an action binds have got."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from services.common.basis import Basis
from services.common.types import UtcDateTime
from services.parties.schemas import CommitmentStatus, Output


class ActionProgressParty(Output):
    iso3: str
    name: str
    status: CommitmentStatus | None = Field(description="null: the party has recorded none")
    basis: Basis
    target_date: date | None
    updated_at: UtcDateTime | None


class GroupFigure(Output):
    """A source's count of a group whose members the records do not name."""

    value: float
    source: str


class ActionProgressCounts(Output):
    action_number: int
    applies_to: str
    applicable_parties: int = Field(description="The States Parties the action binds")
    membership_not_recorded: int = Field(
        description="States Parties whose membership of `applies_to` no record decides: neither "
        "bound nor free of the action (their declaration or a record is missing)"
    )
    by_status: dict[str, int] = Field(
        description="The parties bound, by the status they recorded; `not_recorded`: none yet"
    )
    group_figure: GroupFigure | None = Field(
        default=None,
        description="How many States Parties a source counts in `applies_to`, where the records "
        "do not say which they are (the brochure's 64 without legislation)",
    )


class ActionProgress(ActionProgressCounts):
    parties: list[ActionProgressParty]
