"""HTTP routes of the actions service; they validate, delegate, and shape responses.

Plans, sections, actions and indicators come from the in-memory catalogue (`async def`, no
database); assessments are read from and written to the database (`def`, in the threadpool).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from services.actions import repository
from services.actions.catalogue import Catalogue, PlanCatalogue, page_body
from services.actions.models import (
    ActionPublic,
    AppliesTo,
    Assessment,
    AssessmentCreate,
    AssessmentPublic,
    IndicatorPublic,
    PlanPublic,
    SectionPublic,
)
from services.common.auth import CommitteePrincipal
from services.common.db import SessionDep
from services.common.errors import Unprocessable
from services.common.etag import serialized_with_etag, version_etag
from services.common.idempotency import CreateOnceDep
from services.common.pagination import Page, PageDep
from services.common.routes import (
    AUTHENTICATED,
    CONDITIONAL,
    ActionNumber,
    Responses,
    RowId,
    not_found,
)
from services.common.types import IsoDate

router = APIRouter()

NOT_FOUND: Responses = not_found("No such plan, section, action or indicator")
WRITE_ERRORS: Responses = {**AUTHENTICATED, **NOT_FOUND}
ONE_RESOURCE: Responses = {
    200: {"description": "The resource, with its ETag"},
    **CONDITIONAL,
    **NOT_FOUND,
}

PlanQuery = Annotated[
    str | None,
    Query(max_length=64, description="Plan id; the current plan (Cartagena) when omitted"),
]


# The catalogue (plans, sections, actions, indicators) changes only when the seed does: browsers
# and proxies may keep it a few minutes, then revalidate with its ETag.
CATALOGUE_CACHING = "public, max-age=300"


def _json(body: bytes) -> Response:
    return Response(
        content=body, media_type="application/json", headers={"Cache-Control": CATALOGUE_CACHING}
    )


async def selected_plan(request: Request, plan_id: PlanQuery = None) -> PlanCatalogue:
    """Resolve `plan_id` (or the default plan) in the catalogue; 404 if there is none."""
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue.plan(plan_id)


SelectedPlan = Annotated[PlanCatalogue, Depends(selected_plan)]


# ---------------------------------------------------------------- plans


@router.get("/plans", response_model=Page[PlanPublic], tags=["plans"])
async def list_plans(request: Request, page: PageDep) -> Response:
    """List the action plans, most recent first."""
    catalogue: Catalogue = request.app.state.catalogue
    return _json(page_body([p.plan for p in catalogue.ordered_plans()], page))


@router.get("/plans/{plan_id}", response_model=PlanPublic, responses=ONE_RESOURCE, tags=["plans"])
async def read_plan(
    request: Request,
    plan_id: Annotated[
        str, Path(max_length=64, description="The plan's id, e.g. cartagena-2010-2014")
    ],
) -> Response:
    """Read one plan with its introduction."""
    plan = request.app.state.catalogue.plan(plan_id).plan
    return serialized_with_etag(request, plan.body, plan.etag, cache_control=CATALOGUE_CACHING)


# ---------------------------------------------------------------- sections


@router.get("/sections", response_model=Page[SectionPublic], responses=NOT_FOUND, tags=["sections"])
async def list_sections(plan: SelectedPlan, page: PageDep) -> Response:
    """List the sections of a plan (I–VI for Cartagena) with their action ranges."""
    return _json(page_body(plan.sections, page))


@router.get(
    "/sections/{number}", response_model=SectionPublic, responses=ONE_RESOURCE, tags=["sections"]
)
async def read_section(
    request: Request,
    plan: SelectedPlan,
    number: Annotated[str, Path(max_length=8, description="Roman numeral, e.g. III")],
) -> Response:
    """Read one section of a plan."""
    section = plan.section(number)
    return serialized_with_etag(
        request, section.body, section.etag, cache_control=CATALOGUE_CACHING
    )


# ---------------------------------------------------------------- actions


@router.get("/actions", response_model=Page[ActionPublic], responses=NOT_FOUND, tags=["actions"])
async def list_actions(
    plan: SelectedPlan,
    page: PageDep,
    section: Annotated[
        str | None, Query(max_length=8, description="Section number, e.g. III")
    ] = None,
    applies_to: Annotated[AppliesTo | None, Query(description="Whom the action binds")] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Words the text must contain")
    ] = None,
) -> Response:
    """List actions, filtered by section, by whom they bind, or by words in their text."""
    return _json(page_body(plan.find_actions(section=section, applies_to=applies_to, q=q), page))


@router.get(
    "/actions/{number}", response_model=ActionPublic, responses=ONE_RESOURCE, tags=["actions"]
)
async def read_action(request: Request, plan: SelectedPlan, number: ActionNumber) -> Response:
    """Read one action: its verbatim text, section, and whom it binds."""
    document = plan.action(number).document
    return serialized_with_etag(
        request, document.body, document.etag, cache_control=CATALOGUE_CACHING
    )


# ---------------------------------------------------------------- assessments


@router.get(
    "/actions/{number}/assessments",
    response_model=Page[AssessmentPublic],
    responses=NOT_FOUND,
    tags=["assessments"],
)
def list_action_assessments(
    session: SessionDep, plan: SelectedPlan, number: ActionNumber, page: PageDep
) -> Page[AssessmentPublic]:
    """List the committee's assessments of an action, latest first."""
    action = plan.action(number)
    rows, total = repository.list_assessments(session, action_id=action.row_id, page=page)
    items = [_assessment_public(a, number, plan.plan.model.id) for a in rows]
    return Page.of(items, total=total, params=page)


@router.post(
    "/actions/{number}/assessments",
    response_model=AssessmentPublic,
    status_code=201,
    responses=WRITE_ERRORS,
    tags=["assessments"],
)
def create_assessment(
    request: Request,
    response: Response,
    principal: CommitteePrincipal,
    session: SessionDep,
    create_once: CreateOnceDep,
    plan: SelectedPlan,
    number: ActionNumber,
    body: AssessmentCreate,
) -> AssessmentPublic | Response:
    """Record the committee's assessment of an action (committee or admin key)."""
    clock = request.app.state.clock
    if body.assessed_on > clock.today():
        raise Unprocessable(f"assessed_on ({body.assessed_on}) is after today ({clock.today()}).")
    action = plan.action(number)

    def create() -> AssessmentPublic:
        assessment = repository.create_assessment(
            session,
            action_id=action.row_id,
            action_number=number,
            data=body,
            actor=principal.actor,
            at=clock.now(),
        )
        plan_id = plan.plan.model.id
        response.headers["Location"] = (
            f"/actions/{number}/assessments/{assessment.id}?plan_id={plan_id}"
        )
        return _assessment_public(assessment, number, plan_id)

    return create_once(create)


@router.get(
    "/actions/{number}/assessments/{assessment_id}",
    response_model=AssessmentPublic,
    responses=ONE_RESOURCE,
    tags=["assessments"],
)
def read_assessment(
    request: Request,
    session: SessionDep,
    plan: SelectedPlan,
    number: ActionNumber,
    assessment_id: RowId,
) -> Response:
    """Read one assessment."""
    assessment = repository.get_assessment(
        session,
        action_id=plan.action(number).row_id,
        action_number=number,
        assessment_id=assessment_id,
    )
    document = _assessment_public(assessment, number, plan.plan.model.id)
    # Assessments are never changed once recorded: the id alone identifies the representation.
    etag = version_etag("assessment", document.id, 1)
    return serialized_with_etag(request, document.model_dump_json().encode(), etag)


@router.get(
    "/assessments/latest",
    response_model=Page[AssessmentPublic],
    responses=NOT_FOUND,
    tags=["assessments"],
)
def list_latest_assessments(
    session: SessionDep,
    plan: SelectedPlan,
    page: PageDep,
    as_of: Annotated[
        IsoDate | None,
        Query(
            description="The latest assessment of each action made on or before this day "
            "(YYYY-MM-DD); default: the latest of all"
        ),
    ] = None,
) -> Page[AssessmentPublic]:
    """List the latest assessment of every assessed action of a plan, by action number."""
    plan_id = plan.plan.model.id
    rows = repository.latest_assessments(session, plan_id=plan_id, as_of=as_of)
    window = rows[page.offset : page.offset + page.limit]
    return Page.of(
        [_assessment_public(a, n, plan_id) for a, n in window], total=len(rows), params=page
    )


def _assessment_public(assessment: Assessment, number: int, plan_id: str) -> AssessmentPublic:
    assert assessment.id is not None
    return AssessmentPublic(
        id=assessment.id,
        action_number=number,
        plan_id=plan_id,
        status=assessment.status,  # type: ignore[arg-type]
        narrative=assessment.narrative,
        period=assessment.period,
        assessed_on=assessment.assessed_on,
        source=assessment.source,
        recorded_at=assessment.recorded_at,
        recorded_by=assessment.recorded_by,
    )


# ---------------------------------------------------------------- indicators


@router.get(
    "/indicators", response_model=Page[IndicatorPublic], responses=NOT_FOUND, tags=["indicators"]
)
async def list_indicators(
    plan: SelectedPlan,
    page: PageDep,
    aim: Annotated[str | None, Query(max_length=32, description="e.g. clearance")] = None,
    action: Annotated[
        int | None, Query(ge=1, le=10_000, description="Only indicators of this action")
    ] = None,
) -> Response:
    """List indicators with their baselines and the actions they measure."""
    return _json(page_body(plan.find_indicators(aim=aim, action=action), page))


@router.get(
    "/indicators/{indicator_id}",
    response_model=IndicatorPublic,
    responses=ONE_RESOURCE,
    tags=["indicators"],
)
async def read_indicator(
    request: Request,
    plan: SelectedPlan,
    indicator_id: Annotated[
        str, Path(max_length=64, description="The indicator's id, as `GET /indicators` lists it")
    ],
) -> Response:
    """Read one indicator."""
    indicator = plan.indicator(indicator_id)
    return serialized_with_etag(
        request, indicator.body, indicator.etag, cache_control=CATALOGUE_CACHING
    )
