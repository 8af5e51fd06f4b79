"""The rules of commitments: which actions bind a party, what it has written, its writes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session

from services.common.audit import Actor, history
from services.common.basis import Basis
from services.common.errors import Conflict, NotFound
from services.common.etag import version_etag
from services.parties.actions_client import ActionInfo
from services.parties.commitments import repository
from services.parties.commitments.files import ImportRow
from services.parties.known_actions import ActionCatalogue
from services.parties.models import (
    Commitment,
    CommitmentVersion,
    audit_log,
)
from services.parties.records.reading import Records
from services.parties.schemas import (
    COMMITMENT_FIELDS,
    CommitmentPublic,
    CommitmentUpdate,
    HistoryEntry,
)


def binding_actions(groups: frozenset[str], catalogue: ActionCatalogue) -> list[ActionInfo]:
    """Return the actions whose group holds the party (given the party's groups), by number."""
    actions = catalogue.actions()
    return [actions[n] for n in sorted(actions) if actions[n].applies_to in groups]


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
    """Shape a commitment; one never written has no status (not recorded) at version 0."""
    known = {"iso3": iso3, "action_number": action.number, "applies_to": action.applies_to}
    if row is None:
        never_written = {"status": None, "basis": Basis.NOT_RECORDED, "version": 0}
        return CommitmentPublic.model_validate(
            {**known, **never_written, "updated_at": None, "updated_by": None}
        )
    written = {name: getattr(row, name) for name in COMMITMENT_FIELDS}
    if isinstance(row, Commitment):
        updated_at, updated_by = row.updated_at, row.updated_by
    else:
        updated_at, updated_by = row.recorded_at, row.recorded_by
    stamp = {
        "basis": Basis.RECORDED,
        "version": row.version,
        "updated_at": updated_at,
        "updated_by": updated_by,
    }
    return CommitmentPublic.model_validate({**known, **written, **stamp})


def party_commitments(
    iso3: str, groups: frozenset[str], actions: dict[int, ActionInfo], stored: dict[int, Any]
) -> list[CommitmentPublic]:
    """A party's commitment on every action whose group it belongs to, by action number."""
    return [
        commitment_public(iso3, actions[n], stored.get(n))
        for n in sorted(actions)
        if actions[n].applies_to in groups
    ]


def all_commitments(records: Records, catalogue: ActionCatalogue) -> list[CommitmentPublic]:
    """Every party's commitments, party by party (written or not), as the exports list them."""
    actions = catalogue.actions()
    return [
        row
        for state in records.snapshot.parties()
        for row in party_commitments(
            state.iso3,
            records.groups[state.iso3],
            actions,
            records.commitments_of_party(state.iso3),
        )
    ]


def commitment_values(update: CommitmentUpdate) -> dict[str, Any]:
    """The stored fields of a commitment update (the columns keep each as its model types it)."""
    return {name: getattr(update, name) for name in COMMITMENT_FIELDS}


def commitment_etag(iso3: str, number: int, version: int) -> str:
    """The ETag of a commitment's version (0: never written)."""
    return version_etag("commitment", f"{iso3}:{number}", version)


def read_commitment(
    session: Session, *, iso3: str, groups: frozenset[str], catalogue: ActionCatalogue, number: int
) -> CommitmentPublic:
    """A party's commitment on an action that binds it (404 for one that does not)."""
    action = binding_action(iso3, groups, catalogue, number)
    stored = repository.get_commitment(session, iso3=iso3, action_number=number)
    return commitment_public(iso3, action, stored)


def update_commitment(
    session: Session,
    *,
    iso3: str,
    groups: frozenset[str],
    catalogue: ActionCatalogue,
    number: int,
    update: CommitmentUpdate,
    if_match: Callable[[str], None],
    actor: Actor,
    at: datetime,
) -> CommitmentPublic:
    """A party's update: the action must bind it, and `if_match` accept the ETag of the row read."""
    action = binding_action(iso3, groups, catalogue, number)
    stored = repository.get_commitment(session, iso3=iso3, action_number=number)
    if_match(commitment_etag(iso3, number, stored.version if stored is not None else 0))
    return _write(
        session, iso3=iso3, action=action, stored=stored, update=update, actor=actor, at=at
    )


def _write(
    session: Session,
    *,
    iso3: str,
    action: ActionInfo,
    stored: Commitment | None,
    update: CommitmentUpdate,
    actor: Actor,
    at: datetime,
) -> CommitmentPublic:
    row = repository.save_commitment(
        session,
        current=stored,
        iso3=iso3,
        action_number=action.number,
        values=commitment_values(update),
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
    """Apply validated rows in the request's transaction; a stale version fails the whole import.
    Return the commitments written: a row equal to what is recorded writes nothing."""
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
        _write(
            session,
            iso3=iso3,
            action=r.action,
            stored=stored.get(r.action.number),
            update=r.update,
            actor=actor,
            at=at,
        )
        for r in rows
        if _changes(stored.get(r.action.number), r.update)
    ]


def _changes(stored: Commitment | None, update: CommitmentUpdate) -> bool:
    """Whether an imported row differs from what is recorded (a re-import writes no copies)."""
    if stored is None:
        return True
    return any(getattr(stored, name) != value for name, value in commitment_values(update).items())
