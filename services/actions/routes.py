"""HTTP routes of the actions service; they validate, call the repository, and shape responses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from services.actions import repository
from services.actions.models import (
    Action,
    ActionPublic,
    ActionRange,
    ActorGroup,
    AppliesTo,
    Assessment,
    AssessmentCreate,
    AssessmentPublic,
    Indicator,
    IndicatorBaseline,
    IndicatorPublic,
    Paragraph,
    ParagraphPublic,
    Plan,
    PlanPublic,
    Section,
    SectionPublic,
    SectionRef,
)
from services.common.auth import CommitteePrincipal
from services.common.db import SessionDep
from services.common.errors import Unprocessable
from services.common.etag import json_with_etag
from services.common.pagination import Page, PageDep

router = APIRouter()

Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {
    404: {"description": "No such plan, section, action or indicator (problem+json)"}
}
WRITE_ERRORS: Responses = {
    401: {"description": "No valid API key (problem+json)"},
    403: {"description": "The key's role may not do this (problem+json)"},
    **NOT_FOUND,
}
ONE_RESOURCE: Responses = {
    200: {"description": "The resource, with its ETag"},
    304: {"description": "Not modified"},
}

ActionNumber = Annotated[int, Path(ge=1, le=10_000, description="The action's number, e.g. 42")]
PlanQuery = Annotated[
    str | None,
    Query(max_length=64, description="Plan id; the current plan (Cartagena) when omitted"),
]


def plan_id_of(request: Request, plan_id: str | None) -> str:
    """Return the plan asked for, or the configured default plan."""
    return plan_id or request.app.state.settings.default_plan_id


def current_plan(request: Request, session: SessionDep, plan_id: PlanQuery = None) -> str:
    """Resolve `plan_id` (or the default) to an existing plan's id; 404 if there is none."""
    return repository.get_plan(session, plan_id=plan_id_of(request, plan_id)).id


PlanId = Annotated[str, Depends(current_plan)]


# ---------------------------------------------------------------- plans


@router.get("/plans", response_model=Page[PlanPublic], tags=["plans"])
def list_plans(session: SessionDep, page: PageDep) -> Page[PlanPublic]:
    """List the action plans."""
    plans, total = repository.list_plans(session, page=page)
    items = [
        _plan_public(plan, repository.list_paragraphs(session, plan_id=plan.id)) for plan in plans
    ]
    return Page.of(items, total=total, params=page)


@router.get(
    "/plans/{plan_id}",
    response_model=PlanPublic,
    responses={**ONE_RESOURCE, **NOT_FOUND},
    tags=["plans"],
)
def read_plan(
    request: Request, session: SessionDep, plan_id: Annotated[str, Path(max_length=64)]
) -> Response:
    """Read one plan with its introduction."""
    plan = repository.get_plan(session, plan_id=plan_id)
    return json_with_etag(
        request, _plan_public(plan, repository.list_paragraphs(session, plan_id=plan.id))
    )


def _plan_public(plan: Plan, paragraphs: list[Paragraph] | Any) -> PlanPublic:
    introduction = [_paragraph_public(p) for p in paragraphs if p.section_number is None]
    return PlanPublic(
        id=plan.id,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        adopted_at=plan.adopted_at,
        adopted_from=plan.adopted_from,
        adopted_to=plan.adopted_to,
        preamble=plan.preamble,
        introduction=introduction,
        source=plan.source,
    )


def _paragraph_public(paragraph: Paragraph) -> ParagraphPublic:
    return ParagraphPublic(number=paragraph.number, text=paragraph.text, source=paragraph.source)


# ---------------------------------------------------------------- sections


@router.get("/sections", response_model=Page[SectionPublic], responses=NOT_FOUND, tags=["sections"])
def list_sections(session: SessionDep, plan_id: PlanId, page: PageDep) -> Page[SectionPublic]:
    """List the sections of a plan (I–VI for Cartagena) with their action ranges."""
    sections = repository.list_sections(session, plan_id=plan_id)
    paragraphs = repository.list_paragraphs(session, plan_id=plan_id)
    window = sections[page.offset : page.offset + page.limit]
    items = [_section_public(section, paragraphs) for section in window]
    return Page.of(items, total=len(sections), params=page)


@router.get(
    "/sections/{number}",
    response_model=SectionPublic,
    responses={**ONE_RESOURCE, **NOT_FOUND},
    tags=["sections"],
)
def read_section(
    request: Request,
    session: SessionDep,
    plan_id: PlanId,
    number: Annotated[str, Path(max_length=8, description="Roman numeral, e.g. III")],
) -> Response:
    """Read one section of a plan."""
    section = repository.get_section(session, plan_id=plan_id, number=number)
    paragraphs = repository.list_paragraphs(session, plan_id=plan_id)
    return json_with_etag(request, _section_public(section, paragraphs))


def _section_public(section: Section, paragraphs: Any) -> SectionPublic:
    return SectionPublic(
        number=section.number,
        plan_id=section.plan_id,
        title=section.title,
        actions=ActionRange(first=section.first_action, last=section.last_action),
        paragraphs=[_paragraph_public(p) for p in paragraphs if p.section_number == section.number],
        source=section.source,
    )


# ---------------------------------------------------------------- actions


@router.get("/actions", response_model=Page[ActionPublic], responses=NOT_FOUND, tags=["actions"])
def list_actions(
    session: SessionDep,
    plan_id: PlanId,
    page: PageDep,
    section: Annotated[
        str | None, Query(max_length=8, description="Section number, e.g. III")
    ] = None,
    applies_to: Annotated[AppliesTo | None, Query(description="Whom the action binds")] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Words the text must contain")
    ] = None,
) -> Page[ActionPublic]:
    """List actions, filtered by section, by whom they bind, or by words in their text."""
    if section is not None:
        repository.get_section(session, plan_id=plan_id, number=section)
    rows, total = repository.list_actions(
        session,
        plan_id=plan_id,
        section=section,
        applies_to=applies_to.value if applies_to else None,
        q=q,
        page=page,
    )
    return Page.of([_action_public(a, s) for a, s in rows], total=total, params=page)


@router.get(
    "/actions/{number}",
    response_model=ActionPublic,
    responses={**ONE_RESOURCE, **NOT_FOUND},
    tags=["actions"],
)
def read_action(
    request: Request, session: SessionDep, plan_id: PlanId, number: ActionNumber
) -> Response:
    """Read one action: its verbatim text, section, and whom it binds."""
    action, section = repository.get_action(session, plan_id=plan_id, number=number)
    return json_with_etag(request, _action_public(action, section))


def _action_public(action: Action, section: Section) -> ActionPublic:
    return ActionPublic(
        number=action.number,
        plan_id=action.plan_id,
        section=SectionRef(number=section.number, title=section.title),
        subheading=action.subheading,
        actor_group=ActorGroup(text=action.actor_text, applies_to=AppliesTo(action.applies_to)),
        text=action.text,
        source=action.source,
    )


# ---------------------------------------------------------------- assessments


@router.get(
    "/actions/{number}/assessments",
    response_model=Page[AssessmentPublic],
    responses=NOT_FOUND,
    tags=["assessments"],
)
def list_action_assessments(
    session: SessionDep, plan_id: PlanId, number: ActionNumber, page: PageDep
) -> Page[AssessmentPublic]:
    """List the committee's assessments of an action, latest first."""
    action, _ = repository.get_action(session, plan_id=plan_id, number=number)
    rows, total = repository.list_assessments(session, action=action, page=page)
    return Page.of([_assessment_public(a, action) for a in rows], total=total, params=page)


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
    session: SessionDep,
    principal: CommitteePrincipal,
    plan_id: PlanId,
    number: ActionNumber,
    body: AssessmentCreate,
) -> AssessmentPublic:
    """Record the committee's assessment of an action (committee or admin key)."""
    clock = request.app.state.clock
    if body.assessed_on > clock.today():
        raise Unprocessable(f"assessed_on ({body.assessed_on}) is after today ({clock.today()}).")
    action, _ = repository.get_action(session, plan_id=plan_id, number=number)
    assessment = repository.create_assessment(
        session, action=action, data=body, actor=principal.actor, at=clock.now()
    )
    response.headers["Location"] = (
        f"/actions/{number}/assessments/{assessment.id}?plan_id={plan_id}"
    )
    return _assessment_public(assessment, action)


@router.get(
    "/actions/{number}/assessments/{assessment_id}",
    response_model=AssessmentPublic,
    responses={**ONE_RESOURCE, **NOT_FOUND},
    tags=["assessments"],
)
def read_assessment(
    request: Request,
    session: SessionDep,
    plan_id: PlanId,
    number: ActionNumber,
    assessment_id: Annotated[int, Path(ge=1, le=2**62)],
) -> Response:
    """Read one assessment."""
    action, _ = repository.get_action(session, plan_id=plan_id, number=number)
    assessment = repository.get_assessment(session, action=action, assessment_id=assessment_id)
    return json_with_etag(request, _assessment_public(assessment, action))


@router.get(
    "/assessments/latest",
    response_model=Page[AssessmentPublic],
    responses=NOT_FOUND,
    tags=["assessments"],
)
def list_latest_assessments(
    session: SessionDep, plan_id: PlanId, page: PageDep
) -> Page[AssessmentPublic]:
    """List the latest assessment of every assessed action of a plan, by action number."""
    rows = repository.latest_assessments(session, plan_id=plan_id)
    window = rows[page.offset : page.offset + page.limit]
    items = [_assessment_from(a, number, plan_id) for a, number in window]
    return Page.of(items, total=len(rows), params=page)


def _assessment_public(assessment: Assessment, action: Action) -> AssessmentPublic:
    return _assessment_from(assessment, action.number, action.plan_id)


def _assessment_from(assessment: Assessment, number: int, plan_id: str) -> AssessmentPublic:
    assert assessment.id is not None
    return AssessmentPublic(
        id=assessment.id,
        action_number=number,
        plan_id=plan_id,
        status=assessment.status,  # type: ignore[arg-type]
        narrative=assessment.narrative,
        period=assessment.period,
        assessed_on=assessment.assessed_on,
        recorded_at=assessment.recorded_at,
        recorded_by=assessment.recorded_by,
    )


# ---------------------------------------------------------------- indicators


@router.get(
    "/indicators", response_model=Page[IndicatorPublic], responses=NOT_FOUND, tags=["indicators"]
)
def list_indicators(
    session: SessionDep,
    plan_id: PlanId,
    page: PageDep,
    aim: Annotated[str | None, Query(max_length=32, description="e.g. clearance")] = None,
    action: Annotated[
        int | None, Query(ge=1, le=10_000, description="Only indicators of this action")
    ] = None,
) -> Page[IndicatorPublic]:
    """List indicators with their baselines and the actions they measure."""
    rows, total = repository.list_indicators(
        session, plan_id=plan_id, aim=aim, action=action, page=page
    )
    return Page.of([_indicator_public(i, numbers) for i, numbers in rows], total=total, params=page)


@router.get(
    "/indicators/{indicator_id}",
    response_model=IndicatorPublic,
    responses={**ONE_RESOURCE, **NOT_FOUND},
    tags=["indicators"],
)
def read_indicator(
    request: Request, session: SessionDep, indicator_id: Annotated[str, Path(max_length=64)]
) -> Response:
    """Read one indicator."""
    indicator, numbers = repository.get_indicator(session, indicator_id=indicator_id)
    return json_with_etag(request, _indicator_public(indicator, numbers))


def _indicator_public(indicator: Indicator, numbers: list[int]) -> IndicatorPublic:
    return IndicatorPublic(
        id=indicator.id,
        plan_id=indicator.plan_id,
        aim=indicator.aim,
        title=indicator.title,
        unit=indicator.unit,
        actions=numbers,
        baseline=IndicatorBaseline(
            value=indicator.baseline_value,
            qualifier=indicator.baseline_qualifier,
            of=indicator.baseline_of,
            period=indicator.baseline_period,
            source=indicator.source,
        ),
    )
