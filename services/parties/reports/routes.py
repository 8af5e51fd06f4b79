"""Routes of the Article 7 reports."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.common.auth import CurrentPrincipal, ensure_may_write_state
from services.common.db import SessionDep
from services.common.idempotency import CreateOnceDep
from services.common.routes import Iso3
from services.parties.http import UNCONDITIONAL_READ, WRITE, WRITES, ContextDep
from services.parties.records import lookup
from services.parties.reports import repository, service
from services.parties.reports.schemas import Article7ReportCreate, Article7ReportPublic

router = APIRouter()


@router.get(
    "/parties/{iso3}/article7-reports",
    response_model=list[Article7ReportPublic],
    responses=UNCONDITIONAL_READ,
    tags=["transparency"],
)
def list_reports(session: SessionDep, iso3: Iso3) -> list[Article7ReportPublic]:
    """List the transparency reports recorded for a party."""
    party = lookup.get_party(session, iso3=iso3)
    return [
        Article7ReportPublic.model_validate(r)
        for r in repository.reports_of(session, iso3=party.iso3)
    ]


@router.post(
    "/parties/{iso3}/article7-reports",
    dependencies=[WRITES],
    response_model=Article7ReportPublic,
    status_code=201,
    responses=WRITE,
    tags=["transparency"],
)
def create_report(
    response: Response,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    create_once: CreateOnceDep,
    iso3: Iso3,
    body: Article7ReportCreate,
) -> Article7ReportPublic | Response:
    """Record that the party submitted a transparency report (its state key, or admin)."""
    party = lookup.get_party(session, iso3=iso3)
    ensure_may_write_state(principal, party.iso3)

    def create() -> Article7ReportPublic:
        report = service.record_report(
            session, iso3=party.iso3, body=body, actor=principal.actor, at=ctx.now, today=ctx.today
        )
        return Article7ReportPublic.model_validate(report)

    return create_once(create)
