"""Queries of the actions service; functions take keyword-only arguments and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
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

# ---------------------------------------------------------------- the catalogue (read at start-up)


def all_plans(session: Session) -> Sequence[Plan]:
    """Return every plan."""
    return session.exec(select(Plan).order_by(col(Plan.id))).all()


def all_paragraphs(session: Session) -> Sequence[Paragraph]:
    """Return every numbered paragraph of every plan, in order."""
    return session.exec(
        select(Paragraph).order_by(col(Paragraph.plan_id), col(Paragraph.number))
    ).all()


def all_sections(session: Session) -> Sequence[Section]:
    """Return every section of every plan, in order."""
    return session.exec(select(Section).order_by(col(Section.plan_id), col(Section.position))).all()


def all_actions(session: Session) -> Sequence[Action]:
    """Return every action of every plan, by number."""
    return session.exec(select(Action).order_by(col(Action.plan_id), col(Action.number))).all()


def all_indicators(session: Session) -> list[tuple[Indicator, list[int]]]:
    """Return every indicator with the numbers of the actions it measures."""
    indicators = session.exec(select(Indicator).order_by(col(Indicator.id))).all()
    numbers: dict[str, list[int]] = {indicator.id: [] for indicator in indicators}
    links = session.exec(
        select(IndicatorAction).order_by(
            col(IndicatorAction.indicator_id), col(IndicatorAction.action_number)
        )
    ).all()
    for link in links:
        numbers[link.indicator_id].append(link.action_number)
    return [(indicator, numbers[indicator.id]) for indicator in indicators]


# ---------------------------------------------------------------- assessments


def list_assessments(
    session: Session, *, action_id: int, page: PageParams
) -> tuple[Sequence[Assessment], int]:
    """Return an action's assessments, latest first, and their total."""
    where = Assessment.action_id == action_id
    total = session.exec(select(func.count()).select_from(Assessment).where(where)).one()
    rows = session.exec(
        select(Assessment)
        .where(where)
        .order_by(col(Assessment.assessed_on).desc(), col(Assessment.id).desc())
        .offset(page.offset)
        .limit(page.limit)
    ).all()
    return rows, total


def get_assessment(
    session: Session, *, action_id: int, action_number: int, assessment_id: int
) -> Assessment:
    """Return one assessment of an action or raise NotFound."""
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or assessment.action_id != action_id:
        raise NotFound(f"Action #{action_number} has no assessment {assessment_id}.")
    return assessment


def create_assessment(
    session: Session,
    *,
    action_id: int,
    action_number: int,
    data: AssessmentCreate,
    actor: Actor,
    at: datetime,
) -> Assessment:
    """Add an assessment and its audit row to the session."""
    assessment = Assessment(
        action_id=action_id,
        status=data.status.value,
        narrative=data.narrative,
        period=data.period,
        assessed_on=data.assessed_on,
        source=data.source,
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
        after={"action_number": action_number, **assessment.model_dump(mode="json")},
    )
    return assessment


def latest_assessments(
    session: Session, *, plan_id: str, as_of: date | None = None
) -> Sequence[tuple[Assessment, int]]:
    """Return the latest assessment of every assessed action of a plan, with its action number:
    the latest by `as_of` (assessed on or before that day) when one is given."""
    where: list[Any] = [col(Action.plan_id) == plan_id]
    if as_of is not None:
        where.append(col(Assessment.assessed_on) <= as_of)
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
        .where(*where)
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
