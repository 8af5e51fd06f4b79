"""Queries of the actions service; functions take keyword-only arguments and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from services.actions.models import (
    Action,
    Assessment,
    AssessmentCreate,
    Indicator,
    IndicatorAction,
    Paragraph,
    Plan,
    Section,
    audit_log,
)
from services.common.audit import Actor, record_change
from services.common.errors import NotFound
from services.common.pagination import PageParams


def get_plan(session: Session, *, plan_id: str) -> Plan:
    """Return a plan or raise NotFound."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"There is no action plan {plan_id!r}.")
    return plan


def list_plans(session: Session, *, page: PageParams) -> tuple[Sequence[Plan], int]:
    """Return a page of plans, most recent period first, and their total."""
    total = session.exec(select(func.count()).select_from(Plan)).one()
    plans = session.exec(
        select(Plan).order_by(col(Plan.period_start).desc()).offset(page.offset).limit(page.limit)
    ).all()
    return plans, total


def list_paragraphs(session: Session, *, plan_id: str) -> Sequence[Paragraph]:
    """Return every numbered paragraph of a plan, in order."""
    return session.exec(
        select(Paragraph).where(Paragraph.plan_id == plan_id).order_by(col(Paragraph.number))
    ).all()


def list_sections(session: Session, *, plan_id: str) -> Sequence[Section]:
    """Return a plan's sections in order."""
    return session.exec(
        select(Section).where(Section.plan_id == plan_id).order_by(col(Section.position))
    ).all()


def get_section(session: Session, *, plan_id: str, number: str) -> Section:
    """Return one section (I…VI) of a plan or raise NotFound."""
    section = session.get(Section, (plan_id, number.upper()))
    if section is None:
        raise NotFound(f"The plan {plan_id!r} has no section {number!r}.")
    return section


def list_actions(
    session: Session,
    *,
    plan_id: str,
    section: str | None,
    applies_to: str | None,
    q: str | None,
    page: PageParams,
) -> tuple[Sequence[tuple[Action, Section]], int]:
    """Return a filtered page of actions with their sections, and the filtered total."""
    query = (
        select(Action, Section)
        .join(
            Section,
            (col(Section.plan_id) == col(Action.plan_id))
            & (col(Section.number) == col(Action.section_number)),
        )
        .where(Action.plan_id == plan_id)
    )
    if section is not None:
        query = query.where(Action.section_number == section.upper())
    if applies_to is not None:
        query = query.where(Action.applies_to == applies_to)
    for word in (q or "").lower().split():
        # Every word must occur in the text or the actor line, case-insensitively.
        query = query.where(
            or_(
                func.lower(Action.text).contains(word, autoescape=True),
                func.lower(Action.actor_text).contains(word, autoescape=True),
            )
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Action.number)).offset(page.offset).limit(page.limit))
    return [(action, section_row) for action, section_row in rows.all()], total


def get_action(session: Session, *, plan_id: str, number: int) -> tuple[Action, Section]:
    """Return one action with its section, or raise NotFound."""
    row = session.exec(
        select(Action, Section)
        .join(
            Section,
            (col(Section.plan_id) == col(Action.plan_id))
            & (col(Section.number) == col(Action.section_number)),
        )
        .where(Action.plan_id == plan_id, Action.number == number)
    ).first()
    if row is None:
        raise NotFound(f"The plan {plan_id!r} has no action #{number}.")
    return row


def list_assessments(
    session: Session, *, action: Action, page: PageParams
) -> tuple[Sequence[Assessment], int]:
    """Return an action's assessments, latest first, and their total."""
    where = Assessment.action_id == action.id
    total = session.exec(select(func.count()).select_from(Assessment).where(where)).one()
    rows = session.exec(
        select(Assessment)
        .where(where)
        .order_by(col(Assessment.assessed_on).desc(), col(Assessment.id).desc())
        .offset(page.offset)
        .limit(page.limit)
    ).all()
    return rows, total


def get_assessment(session: Session, *, action: Action, assessment_id: int) -> Assessment:
    """Return one assessment of an action or raise NotFound."""
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or assessment.action_id != action.id:
        raise NotFound(f"Action #{action.number} has no assessment {assessment_id}.")
    return assessment


def create_assessment(
    session: Session, *, action: Action, data: AssessmentCreate, actor: Actor, at: datetime
) -> Assessment:
    """Add an assessment and its audit row to the session."""
    assert action.id is not None
    assessment = Assessment(
        action_id=action.id,
        status=data.status.value,
        narrative=data.narrative,
        period=data.period,
        assessed_on=data.assessed_on,
        recorded_at=at,
        recorded_by=actor.id,
    )
    session.add(assessment)
    session.flush()
    record_change(
        session,
        audit_log,
        actor=actor,
        at=at,
        entity="assessment",
        entity_id=str(assessment.id),
        operation="create",
        version=1,
        before=None,
        after={"action_number": action.number, **assessment.model_dump(mode="json")},
    )
    return assessment


def latest_assessments(session: Session, *, plan_id: str) -> Sequence[tuple[Assessment, int]]:
    """Return the latest assessment of every assessed action of a plan, with its action number."""
    ranked = (
        select(
            col(Assessment.id).label("id"),
            func.row_number()
            .over(
                partition_by=col(Assessment.action_id),
                order_by=(col(Assessment.assessed_on).desc(), col(Assessment.id).desc()),
            )
            .label("rank"),
        )
        .join(Action, col(Action.id) == col(Assessment.action_id))
        .where(Action.plan_id == plan_id)
        .subquery()
    )
    rows = session.exec(
        select(Assessment, Action.number)
        .join(ranked, col(ranked.c.id) == col(Assessment.id))
        .join(Action, col(Action.id) == col(Assessment.action_id))
        .where(ranked.c.rank == 1)
        .order_by(col(Action.number))
    ).all()
    return [(assessment, number) for assessment, number in rows]


def list_indicators(
    session: Session, *, plan_id: str, aim: str | None, action: int | None, page: PageParams
) -> tuple[Sequence[tuple[Indicator, list[int]]], int]:
    """Return a page of indicators with the action numbers each measures, and the total."""
    query = select(Indicator).where(Indicator.plan_id == plan_id)
    if aim is not None:
        query = query.where(Indicator.aim == aim)
    if action is not None:
        query = query.where(
            col(Indicator.id).in_(
                select(IndicatorAction.indicator_id).where(IndicatorAction.action_number == action)
            )
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    indicators = session.exec(
        query.order_by(col(Indicator.id)).offset(page.offset).limit(page.limit)
    ).all()
    return [(item, numbers) for item, numbers in _with_actions(session, indicators)], total


def get_indicator(session: Session, *, indicator_id: str) -> tuple[Indicator, list[int]]:
    """Return one indicator with its action numbers, or raise NotFound."""
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound(f"There is no indicator {indicator_id!r}.")
    return _with_actions(session, [indicator])[0]


def _with_actions(
    session: Session, indicators: Sequence[Indicator]
) -> list[tuple[Indicator, list[int]]]:
    # One query for all the indicators of a page, not one per indicator.
    ids = [indicator.id for indicator in indicators]
    links = session.exec(
        select(IndicatorAction)
        .where(col(IndicatorAction.indicator_id).in_(ids))
        .order_by(col(IndicatorAction.action_number))
    ).all()
    numbers: dict[str, list[int]] = {indicator_id: [] for indicator_id in ids}
    for link in links:
        numbers[link.indicator_id].append(link.action_number)
    return [(indicator, numbers[indicator.id]) for indicator in indicators]
