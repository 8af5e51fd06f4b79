"""Recording a submitted Article 7 report."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from services.common.audit import Actor, create_versioned
from services.common.errors import Conflict, Unprocessable
from services.parties.models import (
    Article7Report,
    audit_log,
)
from services.parties.reports import repository
from services.parties.reports.schemas import Article7ReportCreate


def record_report(
    session: Session,
    *,
    iso3: str,
    body: Article7ReportCreate,
    actor: Actor,
    at: datetime,
    today: date,
) -> Article7Report:
    """Record a submitted transparency report."""
    if body.submitted_on > today:
        raise Unprocessable(f"submitted_on ({body.submitted_on}) is after today ({today}).")
    if body.period != "initial" and int(body.period) >= body.submitted_on.year:
        raise Unprocessable(f"A report covering {body.period} cannot be submitted before it ends.")
    if repository.get_report(session, iso3=iso3, period=body.period) is not None:
        raise Conflict(f"{iso3}'s report for {body.period} is already recorded.")
    report = Article7Report(
        **body.model_dump(),
        iso3=iso3,
        recorded_at=at,
        recorded_by=actor.id,
    )
    create_versioned(
        session,
        audit_log,
        report,
        entity="article7_report",
        entity_id=f"{iso3}:{body.period}",
        actor=actor,
        at=at,
    )
    return report
