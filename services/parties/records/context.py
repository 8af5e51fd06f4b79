"""What a read or a write needs from the app, and the records on a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from services.common.errors import Unprocessable
from services.parties.known_actions import ActionCatalogue
from services.parties.obligations.derive import Rules
from services.parties.records.snapshot import Snapshot, current
from services.parties.records.snapshot import as_of as replayed


@dataclass(frozen=True)
class Context:
    """What an operation needs besides the session: the day, the rules, the catalogue."""

    today: date
    now: datetime
    rules: Rules
    catalogue: ActionCatalogue


def check_as_of(context: Context, as_of: date) -> None:
    """Refuse (422) a day the records cannot be replayed to."""
    if as_of < context.rules.records_begin:
        raise Unprocessable(
            f"as_of ({as_of}) is before the records begin ({context.rules.records_begin})."
        )
    if as_of > context.today:
        raise Unprocessable(f"as_of ({as_of}) is after today ({context.today}).")


def snapshot_on(session: Session, context: Context, as_of: date | None) -> Snapshot:
    """Return the records now, or replayed to the end of `as_of`."""
    if as_of is None:
        return current(session, today=context.today)
    check_as_of(context, as_of)
    return replayed(session, day=as_of)
