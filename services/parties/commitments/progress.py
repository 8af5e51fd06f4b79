"""How far the parties have got on each action, now or as of a day."""

from __future__ import annotations

from collections import Counter

from services.common.basis import NOT_RECORDED, Basis
from services.parties.actions_client import ActionInfo
from services.parties.commitments.schemas import (
    ActionProgress,
    ActionProgressCounts,
    ActionProgressParty,
    GroupFigure,
)
from services.parties.models import (
    Commitment,
    CommitmentVersion,
    State,
)
from services.parties.records.reading import Records
from services.parties.schemas import (
    CommitmentStatus,
)


def progress_of_action(records: Records, action: ActionInfo) -> ActionProgress:
    """One action's progress: the parties it binds and how far each has got."""
    stored = records.commitments_on_action(action.number)
    bound = [s for s in records.snapshot.parties() if action.applies_to in records.groups[s.iso3]]
    parties = [_progress_party(state, stored.get(state.iso3)) for state in bound]
    counts = Counter(p.status.value if p.status else NOT_RECORDED for p in parties)
    return ActionProgress(
        action_number=action.number,
        applies_to=action.applies_to,
        applicable_parties=len(bound),
        membership_not_recorded=_undecided(records, action.applies_to),
        by_status=_by_status(counts),
        group_figure=_group_figure(records, action.applies_to),
        parties=parties,
    )


def progress_counts(records: Records, actions: dict[int, ActionInfo]) -> list[ActionProgressCounts]:
    """Per action: the parties its group holds and how many commitments are in each status."""
    statuses = records.statuses()
    result = []
    for number in sorted(actions):
        action = actions[number]
        bound = [
            iso3 for iso3, member_of in records.groups.items() if action.applies_to in member_of
        ]
        counts = Counter(statuses.get((iso3, number), NOT_RECORDED) for iso3 in bound)
        result.append(
            ActionProgressCounts(
                action_number=number,
                applies_to=action.applies_to,
                applicable_parties=len(bound),
                membership_not_recorded=_undecided(records, action.applies_to),
                by_status=_by_status(counts),
                group_figure=_group_figure(records, action.applies_to),
            )
        )
    return result


# The groups a source counts without naming their members: group → its figure's key.
GROUP_FIGURES = {"no_national_implementation_measures": "legislation_not_indicated"}


def _group_figure(records: Records, group: str) -> GroupFigure | None:
    figure = records.snapshot.figures.get(GROUP_FIGURES.get(group, ""))
    return GroupFigure(value=figure.value, source=figure.source) if figure else None


def _by_status(counts: Counter[str]) -> dict[str, int]:
    """Every status with its count, and last the parties that recorded none."""
    keys = [status.value for status in CommitmentStatus] + [NOT_RECORDED]
    return {key: counts.get(key, 0) for key in keys}


def _undecided(records: Records, group: str) -> int:
    return sum(1 for undecided in records.undecided.values() if group in undecided)


def _progress_party(
    state: State, row: Commitment | CommitmentVersion | None
) -> ActionProgressParty:
    if row is None:
        return ActionProgressParty(
            iso3=state.iso3,
            name=state.name,
            status=None,
            basis=Basis.NOT_RECORDED,
            target_date=None,
            updated_at=None,
        )
    updated_at = row.updated_at if isinstance(row, Commitment) else row.recorded_at
    return ActionProgressParty(
        iso3=state.iso3,
        name=state.name,
        status=CommitmentStatus(row.status),
        basis=Basis.RECORDED,
        target_date=row.target_date,
        updated_at=updated_at,
    )
