"""What is derived from a party's records on a day: its deadlines with their status, its groups,
and its obligations as the API shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.common.basis import Basis
from services.parties.models import (
    Article7Report,
    Obligations,
    State,
)
from services.parties.obligations.deadlines import (
    Completion,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    Extension,
    PartyRecords,
    compute_deadlines,
    compute_undertakings,
)
from services.parties.obligations.groups import PartyFacts, groups_of, undecided_of
from services.parties.obligations.undertakings import owed_by
from services.parties.records.snapshot import Snapshot
from services.parties.schemas import DeadlinePublic, ObligationsPublic

# Article 4 statuses meaning the party holds no stockpiles any more.
STOCKPILES_GONE = ("no_stockpiles", "completed")


@dataclass(frozen=True)
class Rules:
    """The settings the views depend on."""

    due_soon_days: int
    records_begin: date


def party_records(snapshot: Snapshot, state: State) -> PartyRecords | None:
    """Return what the deadline engine needs of a party (None for a state that is not party)."""
    obligations = snapshot.obligations.get(state.iso3)
    if state.status != "party" or obligations is None or state.entry_into_force is None:
        return None
    reports = snapshot.reports.get(state.iso3, {})
    return PartyRecords(
        iso3=state.iso3,
        entry_into_force=state.entry_into_force,
        entry_into_force_source=state.membership_source,
        entry_into_force_verified=state.membership_verified,
        article4_applies=True,
        article4_completion=_article4_completion(obligations),
        article5_applies=obligations.article5_applies,
        article5_completion=_article5_completion(obligations),
        article5_extensions=tuple(
            Extension(e.extended_deadline, e.granted_on, e.granted_at, e.source, e.verified)
            for e in snapshot.extensions.get(state.iso3, [])
        ),
        article7_initial=_initial_report(obligations, reports),
        article7_initial_known_missing=not obligations.article7_initial_submitted
        and "initial" not in reports,
        article7_annual={
            int(period): Completion(report.submitted_on, f"recorded by {report.recorded_by}")
            for period, report in reports.items()
            if period != "initial"
        },
    )


def _article4_completion(obligations: Obligations) -> Completion | None:
    if obligations.article4_status not in STOCKPILES_GONE:
        return None
    return Completion(obligations.article4_completed_on, obligations.article4_source)


def _article5_completion(obligations: Obligations) -> Completion | None:
    if not obligations.article5_completed:
        return None
    return Completion(obligations.article5_completed_on, obligations.article5_source or "")


def _initial_report(
    obligations: Obligations, reports: dict[str, Article7Report]
) -> Completion | None:
    recorded = reports.get("initial")
    if recorded is not None:
        return Completion(recorded.submitted_on, f"recorded by {recorded.recorded_by}")
    if obligations.article7_initial_submitted:
        return Completion(
            obligations.article7_initial_submitted_on, obligations.article7_initial_source
        )
    return None


@dataclass(frozen=True)
class PartyDerivation:
    """What follows from a party's records on a day, derived in one pass."""

    deadlines: list[Deadline]
    groups: frozenset[str]
    undecided: frozenset[str]


def derive_party(snapshot: Snapshot, state: State, rules: Rules) -> PartyDerivation:
    """A party's deadlines (treaty deadlines, then the plan's dated undertakings its groups
    owe), its groups and the groups no record decides; all empty for a state not party."""
    treaty = treaty_deadlines(snapshot, state, rules)
    facts = _facts(snapshot, state, treaty)
    if facts is None:
        return PartyDerivation(treaty, frozenset(), frozenset())
    groups = groups_of(facts)
    undertakings = compute_undertakings(
        owed_by(groups),
        today=snapshot.day,
        due_soon_days=rules.due_soon_days,
        coverage=_coverage(snapshot),
    )
    return PartyDerivation(treaty + undertakings, groups, undecided_of(facts))


def deadlines_of(snapshot: Snapshot, state: State, rules: Rules) -> list[Deadline]:
    """Return a party's deadlines on the snapshot's day (none for a state that is not party)."""
    return derive_party(snapshot, state, rules).deadlines


def treaty_deadlines(snapshot: Snapshot, state: State, rules: Rules) -> list[Deadline]:
    """A party's deadlines under Articles 4, 5 and 7 on the snapshot's day."""
    records = party_records(snapshot, state)
    if records is None:
        return []
    return compute_deadlines(
        records,
        today=snapshot.day,
        due_soon_days=rules.due_soon_days,
        records_begin=rules.records_begin,
        annual_report_years=range(rules.records_begin.year - 1, snapshot.day.year + 1),
        coverage=_coverage(snapshot),
    )


def _coverage(snapshot: Snapshot) -> dict[DeadlineKind, date | None]:
    return {DeadlineKind(kind): day for kind, day in snapshot.coverage.items()}


def groups_for(snapshot: Snapshot, state: State, rules: Rules) -> frozenset[str]:
    """Return the action-plan groups a state belongs to on the snapshot's day."""
    return derive_party(snapshot, state, rules).groups


def _facts(snapshot: Snapshot, state: State, treaty: list[Deadline]) -> PartyFacts | None:
    obligations = snapshot.obligations.get(state.iso3)
    if state.status != "party" or obligations is None:
        return None
    deadlines = {d.kind: d for d in treaty}
    article4 = deadlines.get(DeadlineKind.ARTICLE4)
    initial = deadlines.get(DeadlineKind.ARTICLE7_INITIAL)
    return PartyFacts(
        is_party=True,
        destroying_stockpiles=obligations.article4_status == "destroying",
        article4_deadline_passed=article4 is not None and article4.status is DeadlineStatus.OVERDUE,
        clearing_mined_areas=obligations.article5_applies and not obligations.article5_completed,
        extensions_granted=len(snapshot.extensions.get(state.iso3, [])),
        extension_request_pending=state.iso3 in snapshot.pending_requests,
        declares_needs_extension=obligations.needs_article5_extension,
        significant_survivors=obligations.significant_survivors,
        declares_in_a_position_to_assist=obligations.in_a_position_to_assist,
        initial_report_missing=initial is not None and initial.status is DeadlineStatus.OVERDUE,
        mines_retained=obligations.mines_retained,
        article9_status=obligations.article9_status,
    )


def deadline_public(deadline: Deadline) -> DeadlinePublic:
    """Shape a deadline for the API."""
    return DeadlinePublic(
        kind=deadline.kind.value,
        due=deadline.due,
        status=deadline.status.value,
        basis=Basis.NOT_RECORDED if deadline.status is DeadlineStatus.UNKNOWN else Basis.DERIVED,
        source=deadline.source,
        original_due=deadline.original_due,
        covers_year=deadline.covers_year,
        met_on=deadline.met_on,
        late=deadline.late,
        verified=deadline.unverified_because is None,
        unverified_because=deadline.unverified_because,
    )


def obligations_public(obligations: Obligations) -> ObligationsPublic:
    """Shape a party's obligations for the API."""
    return ObligationsPublic.model_validate(obligations)
