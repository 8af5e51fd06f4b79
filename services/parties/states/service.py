"""Membership: accessions and corrections (admins), and the obligations a new party opens."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from services.common.audit import Actor, create_versioned, update_versioned
from services.common.errors import Unprocessable
from services.parties.models import (
    Obligations,
    State,
    audit_log,
)
from services.parties.schemas import MembershipUpdate


def update_membership(
    session: Session, *, state: State, update: MembershipUpdate, actor: Actor, at: datetime
) -> None:
    """Record a change of membership (an accession, a correction) — admins only."""
    if update.status.value == "party" and update.entry_into_force is None:
        raise Unprocessable("A State Party needs its entry_into_force date.")
    values = {
        "status": update.status,
        "deposit_date": update.deposit_date,
        "entry_into_force": update.entry_into_force,
        "membership_source": update.source,
        "membership_verified": True,
    }
    update_versioned(
        session,
        audit_log,
        state,
        entity="state",
        entity_id=state.iso3,
        values=values,
        actor=actor,
        at=at,
    )
    if update.status.value == "party" and session.get(Obligations, state.iso3) is None:
        _open_obligations(session, iso3=state.iso3, actor=actor, at=at)


def _open_obligations(session: Session, *, iso3: str, actor: Actor, at: datetime) -> None:
    """A new party owes everything; what it holds and reports is not known until it says so."""
    obligations = Obligations(
        iso3=iso3,
        article4_status="not_reported",
        article4_source="a new State Party: its stockpiles are not yet reported",
        article7_initial_submitted=False,
        article7_initial_source="a new State Party: its initial report is not yet recorded",
        updated_at=at,
        updated_by=actor.id,
    )
    create_versioned(
        session,
        audit_log,
        obligations,
        entity="obligations",
        entity_id=iso3,
        actor=actor,
        at=at,
    )
