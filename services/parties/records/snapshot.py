"""Everything recorded about the states, as it stands now or as it stood at the end of a day.

`as_of` replays the audit log: each state and obligations row is taken from its latest audit
entry up to that day; append-only records (extensions, reports, figures) are filtered by when
they were recorded. Both paths yield the same `Snapshot`, from which every view is computed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from services.parties.models import (
    PENDING_REQUEST_STATUSES,
    Article5Extension,
    Article7Report,
    ConventionFigure,
    ExtensionRequest,
    Obligations,
    RecordCoverage,
    State,
    audit_log,
)
from services.parties.records.names import as_named_on

M = TypeVar("M", bound=SQLModel)


@dataclass(frozen=True)
class Snapshot:
    """The records of every state on one day."""

    day: date
    states: dict[str, State]
    obligations: dict[str, Obligations]
    extensions: dict[str, list[Article5Extension]]
    reports: dict[str, dict[str, Article7Report]]
    pending_requests: frozenset[str]
    figures: dict[str, ConventionFigure]
    # Per deadline kind, the first due date from which its records are complete (None: not yet).
    coverage: dict[str, date | None] = field(default_factory=dict)

    def parties(self) -> list[State]:
        """Return the States Parties, by name."""
        return sorted(
            (s for s in self.states.values() if s.status == "party"), key=lambda s: s.name
        )


def start_of(day: date) -> datetime:
    """Return the first instant of `day` (UTC)."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def end_of(day: date) -> datetime:
    """Return the first instant after `day` (UTC): records up to it belong to that day."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def current(session: Session, *, today: date) -> Snapshot:
    """Return the records as they stand now."""
    return Snapshot(
        day=today,
        states=as_named_on({s.iso3: s for s in session.exec(select(State)).all()}, today),
        obligations={o.iso3: o for o in session.exec(select(Obligations)).all()},
        extensions=_group(session.exec(select(Article5Extension)).all()),
        reports=_reports(session.exec(select(Article7Report)).all()),
        pending_requests=frozenset(
            session.exec(
                select(ExtensionRequest.iso3).where(
                    col(ExtensionRequest.status).in_(PENDING_REQUEST_STATUSES)
                )
            ).all()
        ),
        figures=_latest_figures(session.exec(select(ConventionFigure)).all()),
        coverage={c.kind: c.complete_from for c in session.exec(select(RecordCoverage)).all()},
    )


def as_of(session: Session, *, day: date) -> Snapshot:
    """Return the records as they stood at the end of `day`."""
    cutoff = end_of(day)
    requests = _replayed(session, ExtensionRequest, entity="extension_request", cutoff=cutoff)
    return Snapshot(
        day=day,
        states=as_named_on(
            {s.iso3: s for s in _replayed(session, State, entity="state", cutoff=cutoff)}, day
        ),
        obligations={
            o.iso3: o for o in _replayed(session, Obligations, entity="obligations", cutoff=cutoff)
        },
        extensions=_group(
            session.exec(
                select(Article5Extension).where(col(Article5Extension.recorded_at) < cutoff)
            ).all()
        ),
        reports=_reports(
            session.exec(
                select(Article7Report).where(col(Article7Report.recorded_at) < cutoff)
            ).all()
        ),
        pending_requests=frozenset(
            r.iso3 for r in requests if r.status in PENDING_REQUEST_STATUSES
        ),
        figures=_latest_figures(
            session.exec(
                select(ConventionFigure).where(col(ConventionFigure.recorded_at) < cutoff)
            ).all()
        ),
        coverage={
            c.kind: c.complete_from
            for c in _replayed(session, RecordCoverage, entity="record_coverage", cutoff=cutoff)
        },
    )


def _replayed(session: Session, model: type[M], *, entity: str, cutoff: datetime) -> list[M]:
    """Rebuild each row of `entity` from its latest audit entry before `cutoff`."""
    ranked = (
        select(
            audit_log.c.after,
            func.row_number()
            .over(
                partition_by=audit_log.c.entity_id,
                order_by=(audit_log.c.occurred_at.desc(), audit_log.c.id.desc()),
            )
            .label("rank"),
        )
        .where(audit_log.c.entity == entity, audit_log.c.occurred_at < cutoff)
        .subquery()
    )
    rows = session.execute(select(ranked.c.after).where(ranked.c.rank == 1)).scalars().all()
    return [_rebuild(model, after) for after in rows if after is not None]


def _rebuild(model: type[M], after: dict[str, Any]) -> M:
    # The audit log holds JSON: validation turns its strings back into dates and datetimes.
    return model.model_validate(after)


def _group(rows: Sequence[Article5Extension]) -> dict[str, list[Article5Extension]]:
    grouped: dict[str, list[Article5Extension]] = defaultdict(list)
    for row in rows:
        grouped[row.iso3].append(row)
    return dict(grouped)


def _reports(rows: Sequence[Article7Report]) -> dict[str, dict[str, Article7Report]]:
    grouped: dict[str, dict[str, Article7Report]] = defaultdict(dict)
    for row in rows:
        grouped[row.iso3][row.period] = row
    return dict(grouped)


def _latest_figures(rows: Sequence[ConventionFigure]) -> dict[str, ConventionFigure]:
    latest: dict[str, ConventionFigure] = {}
    for row in sorted(rows, key=lambda r: r.recorded_at):
        latest[row.key] = row
    return latest
