"""The records as they stand now, held in memory with what is derived from them.

Reads of the current state (most requests) are answered from memory: the snapshot, every
party's deadlines and groups, and each answer's serialized body and ETag, built once. The view
is rebuilt when the records change: a write in this process marks it dirty, and every
`check_seconds` it asks the database whether another process wrote (the audit log's last id),
so replicas converge within that interval.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Engine, func, select, tuple_
from sqlmodel import Session, col
from starlette.concurrency import run_in_threadpool

from services.common.clock import Clock
from services.common.etag import etag_of, serialize
from services.common.metrics import cache_lookup
from services.common.types import as_utc
from services.parties.models import Commitment, audit_log
from services.parties.obligations.deadlines import Deadline
from services.parties.obligations.derive import Rules, derive_party
from services.parties.records import snapshot
from services.parties.records.reading import InMemory
from services.parties.records.snapshot import Snapshot, start_of

MEMO_LIMIT = 4096
# Past this many changed commitments, rereading them all is simpler than naming each.
REREAD_LIMIT = 500


def _commitment_key(entity_id: str) -> tuple[str, int]:
    iso3, _, number = entity_id.partition(":")
    return iso3, int(number)


@dataclass
class Derived(InMemory):
    """One version of the records and everything computed from it, memoized."""

    version: int
    snapshot: Snapshot
    deadlines: dict[str, list[Deadline]]
    groups: dict[str, frozenset[str]]
    undecided: dict[str, frozenset[str]]
    commitments: dict[tuple[str, int], Commitment]
    _memo: dict[Hashable, tuple[bytes, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def document(self, key: Hashable, build: Callable[[], object]) -> tuple[bytes, str]:
        """Return an answer's body and ETag, building it (off the event loop) the first time."""
        found = self._memo.get(key)
        cache_lookup("current-answers", hit=found is not None)
        if found is not None:
            return found
        body = await run_in_threadpool(lambda: serialize(build()))
        document = (body, etag_of(body))
        with self._lock:
            if len(self._memo) < MEMO_LIMIT:
                self._memo[key] = document
        return document


class CurrentRecords:
    """The current records, rebuilt when they change."""

    def __init__(
        self, *, engine: Engine, rules: Rules, clock: Clock, check_seconds: float = 0.5
    ) -> None:
        self._engine = engine
        self._rules = rules
        self._clock = clock
        self._check_seconds = check_seconds
        self._derived: Derived | None = None
        self._checked_at = 0.0
        self._dirty = True
        self._checking = False
        self._lock = threading.Lock()
        # Moves on when a change dated before today is found: replays of past days made
        # before it may no longer be what the records show (`replays`).
        self.history_epoch = 0

    def invalidate(self) -> None:
        """A write happened here: check the database on every read until it shows."""
        self._dirty = True

    def fresh(self) -> Derived | None:
        """Return the view if it can be used without asking the database, else None."""
        derived = self._derived
        if derived is None or self._dirty or derived.snapshot.day != self._clock.today():
            return None
        if time.monotonic() - self._checked_at > self._check_seconds:
            return None
        return derived

    async def get(self) -> Derived:
        """Return the current view, checking or rebuilding it off the event loop when needed.

        A periodic check (for writes by other processes) is made by one request; the others
        meanwhile serve the view as it is, at most one check old, instead of queueing behind it.
        After a write here (`invalidate`), every read waits for the view to show it.
        """
        derived = self.fresh()
        if derived is not None:
            return derived
        if self._checking and self._usable_while_checking():
            assert self._derived is not None
            return self._derived
        self._checking = True  # one event loop: set before the first await, seen by the rest
        try:
            return await run_in_threadpool(self.load)
        finally:
            self._checking = False

    def _usable_while_checking(self) -> bool:
        derived = self._derived
        return (
            derived is not None and not self._dirty and derived.snapshot.day == self._clock.today()
        )

    def latest(self) -> Derived:
        """Return the view as last loaded, without asking the database (a write's checks)."""
        return self._derived or self.load()

    def load(self) -> Derived:
        """Check the database's version of the records; bring the view up to it."""
        with self._lock:
            today = self._clock.today()
            with Session(self._engine) as session:
                version = session.execute(select(func.max(audit_log.c.id))).scalar() or 0
                derived = self._derived
                if derived is not None and derived.version != version:
                    self._notice_backdated(session, derived.version, today)
                if derived is None or derived.snapshot.day != today:
                    derived = self._build(session, version, today)
                elif derived.version != version:
                    derived = self._catch_up(session, derived, version, today)
                self._derived = derived
            # A write marks the view dirty after its commit, so the version seen now includes it.
            self._dirty = False
            self._checked_at = time.monotonic()
            return derived

    def _notice_backdated(self, session: Session, since: int, today: date) -> None:
        earliest = session.execute(
            select(func.min(audit_log.c.occurred_at)).where(audit_log.c.id > since)
        ).scalar()
        if earliest is not None and as_utc(earliest) < start_of(today):
            self.history_epoch += 1

    def _catch_up(self, session: Session, derived: Derived, version: int, today: date) -> Derived:
        """Only commitments changed since the view was built: reread those; else rebuild."""
        changed = session.execute(
            select(audit_log.c.entity, audit_log.c.entity_id).where(
                audit_log.c.id > derived.version, audit_log.c.id <= version
            )
        ).all()
        if any(entity != "commitment" for entity, _ in changed):
            return self._build(session, version, today)
        keys = {_commitment_key(entity_id) for _, entity_id in changed}
        if len(keys) > REREAD_LIMIT:
            rows = session.execute(select(Commitment)).scalars().all()
            commitments = {(c.iso3, c.action_number): c for c in rows}
        else:
            commitments = dict(derived.commitments)
            pairs = tuple_(col(Commitment.iso3), col(Commitment.action_number)).in_(keys)
            for row in session.execute(select(Commitment).where(pairs)).scalars():
                commitments[(row.iso3, row.action_number)] = row
        return replace(derived, version=version, commitments=commitments, _memo={})

    def _build(self, session: Session, version: int, today: date) -> Derived:
        """Read every record and derive the deadlines and groups of every party."""
        view = snapshot.current(session, today=today)
        parties = view.parties()
        commitments = session.execute(select(Commitment)).scalars().all()
        derived = {s.iso3: derive_party(view, s, self._rules) for s in parties}
        return Derived(
            version=version,
            snapshot=view,
            deadlines={iso3: d.deadlines for iso3, d in derived.items()},
            groups={iso3: d.groups for iso3, d in derived.items()},
            undecided={iso3: d.undecided for iso3, d in derived.items()},
            commitments={(c.iso3, c.action_number): c for c in commitments},
        )
