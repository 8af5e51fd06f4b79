"""The rows every domain looks up: a state, a State Party, its obligations (404 when absent)."""

from __future__ import annotations

from sqlmodel import Session

from services.common.errors import NotFound
from services.parties.models import (
    Obligations,
    State,
)


def get_state(session: Session, *, iso3: str) -> State:
    """Return one of the 195 states or raise NotFound."""
    state = session.get(State, iso3.upper())
    if state is None:
        raise NotFound(f"There is no state with ISO 3166 alpha-3 code {iso3.upper()!r}.")
    return state


def get_party(session: Session, *, iso3: str) -> State:
    """Return a State Party or raise NotFound (also for a state that is not party)."""
    state = get_state(session, iso3=iso3)
    if state.status != "party":
        raise NotFound(f"{state.name} ({state.iso3}) is not a State Party.")
    return state


def get_obligations(session: Session, *, iso3: str) -> Obligations:
    """Return a party's obligations row."""
    obligations = session.get(Obligations, iso3)
    if obligations is None:
        raise NotFound(f"No obligations are recorded for {iso3}.")
    return obligations
