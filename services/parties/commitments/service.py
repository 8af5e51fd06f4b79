"""The rules of commitments: which actions bind a party, what it has written, its writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from services.common.audit import Actor, history
from services.common.errors import Conflict, NotFound
from services.parties.actions_client import ActionInfo
from services.parties.commitments import repository
from services.parties.commitments.csv_files import ImportRow
from services.parties.known_actions import ActionCatalogue
from services.parties.models import (
    Commitment,
    CommitmentVersion,
    State,
    audit_log,
)
from services.parties.obligations.derive import (
    groups_for,
)
from services.parties.records.context import Context
from services.parties.records.snapshot import Snapshot
from services.parties.schemas import (
    CommitmentPublic,
    CommitmentStatus,
    CommitmentUpdate,
    HistoryEntry,
)


def applicable_actions(view_: Snapshot, state: State, context: Context) -> list[ActionInfo]:
    """Return the actions that bind a party on the view's day, by number."""
    groups = groups_for(view_, state, context.rules)
    actions = context.catalogue.actions()
    return [actions[n] for n in sorted(actions) if actions[n].applies_to in groups]


def applicable_action(view_: Snapshot, state: State, context: Context, number: int) -> ActionInfo:
    """Return one action that binds the party, or raise NotFound."""
    groups = groups_for(view_, state, context.rules)
    return binding_action(state.iso3, groups, context.catalogue, number)


def binding_action(
    iso3: str, groups: frozenset[str], catalogue: ActionCatalogue, number: int
) -> ActionInfo:
    """Return the action if its group holds the party (given the party's groups), else 404."""
    action = catalogue.action(number)
    if action.applies_to not in groups:
        raise NotFound(
            f"Action #{number} binds {action.applies_to}, which does not include {iso3}."
        )
    return action


def commitment_public(
    iso3: str, action: ActionInfo, row: Commitment | CommitmentVersion | None
) -> CommitmentPublic:
    """Shape a commitment; one never written is `not_started` at version 0."""
    if row is None:
        return CommitmentPublic(
            iso3=iso3,
            action_number=action.number,
            applies_to=action.applies_to,
            status=CommitmentStatus.NOT_STARTED,
            target_date=None,
            narrative="",
            evidence_url=None,
            version=0,
            updated_at=None,
            updated_by=None,
        )
    updated_at = row.updated_at if isinstance(row, Commitment) else row.recorded_at
    updated_by = row.updated_by if isinstance(row, Commitment) else row.recorded_by
    return CommitmentPublic(
        iso3=iso3,
        action_number=action.number,
        applies_to=action.applies_to,
        status=CommitmentStatus(row.status),
        target_date=row.target_date,
        narrative=row.narrative,
        evidence_url=row.evidence_url,
        version=row.version,
        updated_at=updated_at,
        updated_by=updated_by,
    )


def commitments_of(
    session: Session, view_: Snapshot, state: State, context: Context, as_of: date | None
) -> list[CommitmentPublic]:
    """Return a party's commitments on every action that binds it."""
    stored = _stored_commitments(session, iso3=state.iso3, as_of=as_of)
    return party_commitments(
        state.iso3, groups_for(view_, state, context.rules), context.catalogue.actions(), stored
    )


def party_commitments(
    iso3: str, groups: frozenset[str], actions: dict[int, ActionInfo], stored: dict[int, Any]
) -> list[CommitmentPublic]:
    """A party's commitment on every action whose group it belongs to, by action number."""
    return [
        commitment_public(iso3, actions[n], stored.get(n))
        for n in sorted(actions)
        if actions[n].applies_to in groups
    ]


def _stored_commitments(session: Session, *, iso3: str, as_of: date | None) -> dict[int, Any]:
    if as_of is None:
        return repository.commitments_of(session, iso3=iso3)
    rows = repository.versions_as_of(session, as_of=as_of, where=[CommitmentVersion.iso3 == iso3])
    return {row.action_number: row for row in rows}


def commitment_values(update: CommitmentUpdate) -> dict[str, Any]:
    """The stored fields of a commitment update."""
    return {
        "status": update.status.value,
        "target_date": update.target_date,
        "narrative": update.narrative,
        "evidence_url": str(update.evidence_url) if update.evidence_url else None,
    }


def save_commitment(
    session: Session,
    *,
    iso3: str,
    action: ActionInfo,
    update: CommitmentUpdate,
    expected_version: int,
    actor: Actor,
    at: datetime,
) -> CommitmentPublic:
    """Write a commitment (the caller checked the key and the precondition)."""
    row = repository.save_commitment(
        session,
        iso3=iso3,
        action_number=action.number,
        values=commitment_values(update),
        expected_version=expected_version,
        actor=actor,
        at=at,
    )
    return commitment_public(iso3, action, row)


def commitment_history(session: Session, *, iso3: str, action_number: int) -> list[HistoryEntry]:
    """Return every change of a commitment, oldest first."""
    rows = history(session, audit_log, entity="commitment", entity_id=f"{iso3}:{action_number}")
    return [HistoryEntry.model_validate(row) for row in rows]


def import_commitments(
    session: Session, *, iso3: str, rows: list[ImportRow], actor: Actor, at: datetime
) -> list[CommitmentPublic]:
    """Apply validated rows in the request's transaction; a stale version fails the whole import."""
    stored = repository.commitments_of(session, iso3=iso3)
    current = {number: row.version for number, row in stored.items()}
    stale = [
        {
            "row": r.line,
            "field": "version",
            "msg": f"version {r.version} is stale (current {current.get(r.action.number, 0)})",
        }
        for r in rows
        if current.get(r.action.number, 0) != r.version
    ]
    if stale:
        raise Conflict(
            f"{len(stale)} row(s) carry a stale version; nothing was applied.",
            extra={"errors": stale},
        )
    return [
        save_commitment(
            session,
            iso3=iso3,
            action=r.action,
            update=r.update,
            expected_version=r.version,
            actor=actor,
            at=at,
        )
        for r in rows
    ]
