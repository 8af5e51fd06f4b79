"""Routes of the coverage of the records."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from services.common.auth import AdminPrincipal
from services.common.db import SessionDep
from services.common.etag import json_with_etag, require_if_match
from services.parties.coverage import service
from services.parties.coverage.schemas import CoveragePublic, CoverageUpdate
from services.parties.http import READ, WRITE, WRITES, ContextDep
from services.parties.obligations.deadlines import DeadlineKind

router = APIRouter()

Kind = Annotated[DeadlineKind, Path(description="A kind of deadline, e.g. article7_annual_report")]


@router.get("/coverage", response_model=list[CoveragePublic], tags=["coverage"])
def list_coverage(session: SessionDep) -> list[CoveragePublic]:
    """How complete each kind of record is: before `complete_from` (or with none), a deadline
    without a record is `unknown` (basis `not_recorded`), not `overdue`."""
    return [CoveragePublic.model_validate(c) for c in service.all_coverage(session)]


@router.get("/coverage/{kind}", response_model=CoveragePublic, responses=READ, tags=["coverage"])
def read_coverage(request: Request, session: SessionDep, kind: Kind) -> Response:
    """One kind's coverage, with the ETag to send when changing it."""
    coverage = service.get_coverage(session, kind=kind.value)
    model = CoveragePublic.model_validate(coverage)
    return json_with_etag(request, model, etag=service.coverage_etag(coverage))


@router.put(
    "/coverage/{kind}",
    dependencies=[WRITES],
    response_model=CoveragePublic,
    responses=WRITE,
    tags=["coverage"],
)
def update_coverage(
    request: Request,
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    kind: Kind,
    body: CoverageUpdate,
) -> CoveragePublic:
    """State from which due date the records of a kind are complete, with a source (admin key,
    If-Match): from then on a missing record past its due date is `overdue`."""
    coverage = service.update_coverage(
        session,
        kind=kind.value,
        update=body,
        if_match=partial(require_if_match, request),
        actor=principal.actor,
        at=ctx.now,
    )
    response.headers["ETag"] = service.coverage_etag(coverage)
    return CoveragePublic.model_validate(coverage)
