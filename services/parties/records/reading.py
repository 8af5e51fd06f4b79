"""One way to read the records: `Records`, whether held in memory now or replayed to a past day.

A route builds its answer from a `Records` and nothing else, so it has one body for now and for
`as_of`, and every route decides whom an action binds from the same `groups`. The current
records (`current.Derived`) answer from memory; `Replayed` answers from the snapshot of the day
and the commitments' versions, reading only what a route asks for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from functools import cached_property
from typing import Protocol

from sqlmodel import Session

from services.parties.models import Commitment, CommitmentVersion
from services.parties.obligations.deadlines import Deadline
from services.parties.obligations.derive import PartyDerivation, Rules, derive_party
from services.parties.records.history import status_counts_as_of, versions_as_of
from services.parties.records.snapshot import Snapshot

Stored = Commitment | CommitmentVersion  # a commitment as written: now, or its version then


class Records(Protocol):
    """The records at the end of one day: states and obligations, what derives from them, and
    the commitments the parties had written by then."""

    @property
    def snapshot(self) -> Snapshot: ...

    @cached_property
    def groups(self) -> Mapping[str, frozenset[str]]: ...

    @cached_property
    def undecided(self) -> Mapping[str, frozenset[str]]:
        """Per party, the groups whose membership no record decides."""
        ...

    @cached_property
    def deadlines(self) -> Mapping[str, list[Deadline]]: ...

    def commitments_of_party(self, iso3: str) -> dict[int, Stored]: ...

    def commitments_on_action(self, number: int) -> dict[str, Stored]: ...

    def statuses(self) -> dict[tuple[str, int], str]: ...

    def status_counts(self) -> dict[str, int]: ...


class InMemory:
    """`Records` over commitments held in memory (the current records' way)."""

    commitments: Mapping[tuple[str, int], Commitment]

    def commitments_of_party(self, iso3: str) -> dict[int, Stored]:
        return {n: c for (owner, n), c in self.commitments.items() if owner == iso3}

    def commitments_on_action(self, number: int) -> dict[str, Stored]:
        return {iso3: c for (iso3, n), c in self.commitments.items() if n == number}

    def statuses(self) -> dict[tuple[str, int], str]:
        return {key: c.status for key, c in self.commitments.items()}

    def status_counts(self) -> dict[str, int]:
        return dict(Counter(c.status.value for c in self.commitments.values()))


class Replayed:
    """`Records` replayed to the end of `day`, read through `session` as a route asks."""

    def __init__(self, session: Session, snapshot: Snapshot, rules: Rules) -> None:
        self.snapshot = snapshot
        self._session = session
        self._rules = rules

    @cached_property
    def _derived(self) -> Mapping[str, PartyDerivation]:
        # One pass per party: deadlines, groups and undecided groups come from the same facts.
        parties = self.snapshot.parties()
        return {s.iso3: derive_party(self.snapshot, s, self._rules) for s in parties}

    @cached_property
    def groups(self) -> Mapping[str, frozenset[str]]:
        return {iso3: d.groups for iso3, d in self._derived.items()}

    @cached_property
    def undecided(self) -> Mapping[str, frozenset[str]]:
        return {iso3: d.undecided for iso3, d in self._derived.items()}

    @cached_property
    def deadlines(self) -> Mapping[str, list[Deadline]]:
        return {iso3: d.deadlines for iso3, d in self._derived.items()}

    @property
    def day(self) -> date:
        return self.snapshot.day

    def commitments_of_party(self, iso3: str) -> dict[int, Stored]:
        where = [CommitmentVersion.iso3 == iso3]
        rows = versions_as_of(self._session, as_of=self.day, where=where)
        return {row.action_number: row for row in rows}

    def commitments_on_action(self, number: int) -> dict[str, Stored]:
        where = [CommitmentVersion.action_number == number]
        rows = versions_as_of(self._session, as_of=self.day, where=where)
        return {row.iso3: row for row in rows}

    def statuses(self) -> dict[tuple[str, int], str]:
        rows = versions_as_of(self._session, as_of=self.day, where=[])
        return {(row.iso3, row.action_number): row.status for row in rows}

    def status_counts(self) -> dict[str, int]:
        # The day's counts are kept with each write: a few rows, however long the history.
        return status_counts_as_of(self._session, day=self.day)
