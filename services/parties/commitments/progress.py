"""How far the parties have got on each action, now or as of a day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlmodel import Session, select

from services.parties.actions_client import ActionInfo
from services.parties.commitments import repository
from services.parties.models import (
    Commitment,
    CommitmentVersion,
    State,
)
from services.parties.obligations.derive import (
    groups_for,
)
from services.parties.records.context import Context
from services.parties.records.snapshot import Snapshot
from services.parties.schemas import (
    ActionProgress,
    ActionProgressCounts,
    ActionProgressParty,
    CommitmentStatus,
)


def action_progress(
    session: Session, view_: Snapshot, context: Context, number: int, as_of: date | None
) -> ActionProgress:
    """For one action: the parties it binds and how far each has got."""
    if as_of is None:
        stored: dict[str, Any] = repository.commitments_for_action(session, action_number=number)
    else:
        versions = repository.versions_as_of(
            session, as_of=as_of, where=[CommitmentVersion.action_number == number]
        )
        stored = {row.iso3: row for row in versions}
    return progress_of_action(view_, context, number, stored)


def progress_of_action(
    view_: Snapshot, context: Context, number: int, stored: dict[str, Any]
) -> ActionProgress:
    """One action's progress, from its commitments by party (the latest version of each)."""
    action = context.catalogue.action(number)
    bound = [s for s in view_.parties() if action.applies_to in groups_for(view_, s, context.rules)]
    parties = [_progress_party(state, stored.get(state.iso3)) for state in bound]
    counts = Counter(p.status.value for p in parties)
    return ActionProgress(
        action_number=number,
        applies_to=action.applies_to,
        applicable_parties=len(bound),
        by_status={status.value: counts.get(status.value, 0) for status in CommitmentStatus},
        parties=parties,
    )


def all_progress(
    session: Session, view_: Snapshot, context: Context, as_of: date | None
) -> list[ActionProgressCounts]:
    """For every action: how many parties it binds and how many commitments are in each status."""
    groups = {s.iso3: groups_for(view_, s, context.rules) for s in view_.parties()}
    if as_of is None:
        rows: list[Any] = list(session.exec(select(Commitment)).all())
    else:
        rows = repository.versions_as_of(session, as_of=as_of, where=[])
    statuses = {(row.iso3, row.action_number): row.status for row in rows}
    return progress_counts(groups, statuses, context.catalogue.actions())


def progress_counts(
    groups: dict[str, frozenset[str]],
    statuses: Mapping[tuple[str, int], str],
    actions: dict[int, ActionInfo],
) -> list[ActionProgressCounts]:
    """Per action: the parties its group holds and how many commitments are in each status."""
    result = []
    for number in sorted(actions):
        action = actions[number]
        bound = [iso3 for iso3, member_of in groups.items() if action.applies_to in member_of]
        counts = Counter(statuses.get((iso3, number), "not_started") for iso3 in bound)
        result.append(
            ActionProgressCounts(
                action_number=number,
                applies_to=action.applies_to,
                applicable_parties=len(bound),
                by_status={s.value: counts.get(s.value, 0) for s in CommitmentStatus},
            )
        )
    return result


def _progress_party(
    state: State, row: Commitment | CommitmentVersion | None
) -> ActionProgressParty:
    if row is None:
        return ActionProgressParty(
            iso3=state.iso3,
            name=state.name,
            status=CommitmentStatus.NOT_STARTED,
            target_date=None,
            updated_at=None,
        )
    updated_at = row.updated_at if isinstance(row, Commitment) else row.recorded_at
    return ActionProgressParty(
        iso3=state.iso3,
        name=state.name,
        status=CommitmentStatus(row.status),
        target_date=row.target_date,
        updated_at=updated_at,
    )


def commitment_counts(session: Session, as_of: date | None) -> dict[str, int]:
    """How many commitments are in each status (latest versions), now or as of a day."""
    if as_of is None:
        return repository.status_counts(session)
    return repository.status_counts_as_of(session, day=as_of)
