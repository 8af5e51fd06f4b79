"""Reading and changing the coverage of the records (admins only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlmodel import Session, select

from services.common.audit import Actor, update_versioned
from services.common.errors import NotFound
from services.common.etag import version_etag
from services.parties.coverage.schemas import CoverageUpdate
from services.parties.models import RecordCoverage, audit_log


def all_coverage(session: Session) -> Sequence[RecordCoverage]:
    """Every kind of record with how complete it is, by kind."""
    return session.exec(select(RecordCoverage).order_by(RecordCoverage.kind)).all()


def get_coverage(session: Session, *, kind: str) -> RecordCoverage:
    """One kind's coverage, or 404."""
    found = session.get(RecordCoverage, kind)
    if found is None:
        raise NotFound(f"No coverage is kept for {kind!r}: the kinds are the deadline kinds.")
    return found


def coverage_etag(coverage: RecordCoverage) -> str:
    """The ETag of a kind's coverage as it stands."""
    return version_etag("coverage", coverage.kind, coverage.version)


def update_coverage(
    session: Session,
    *,
    kind: str,
    update: CoverageUpdate,
    if_match: Callable[[str], None],
    actor: Actor,
    at: datetime,
) -> RecordCoverage:
    """Record from which due date the records of `kind` are complete, and who says so; `if_match`
    must accept the ETag of the coverage read."""
    coverage = get_coverage(session, kind=kind)
    if_match(coverage_etag(coverage))
    update_versioned(
        session,
        audit_log,
        coverage,
        entity="record_coverage",
        entity_id=kind,
        values=update.model_dump(),
        actor=actor,
        at=at,
    )
    return coverage
