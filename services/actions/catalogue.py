"""The plans held in memory: plans, sections, actions and indicators change only when the
service is seeded (before it starts), so reads are served from a snapshot built at start-up,
each document serialized once with its ETag."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

import orjson
from pydantic import BaseModel
from sqlmodel import Session

from services.actions import repository
from services.actions.models import (
    Action,
    ActionPublic,
    ActionRange,
    ActorGroup,
    AppliesTo,
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
from services.common.errors import NotFound
from services.common.etag import etag_of
from services.common.pagination import PageParams

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Document(Generic[M]):
    """A public representation, serialized once, with its ETag."""

    model: M
    body: bytes
    etag: str

    @classmethod
    def of(cls, model: M) -> Document[M]:
        body = orjson.dumps(model.model_dump(mode="json"))
        return cls(model=model, body=body, etag=etag_of(body))


@dataclass(frozen=True)
class CachedAction:
    row_id: int
    document: Document[ActionPublic]


@dataclass
class PlanCatalogue:
    """One plan with its sections, actions and indicators, in order."""

    plan: Document[PlanPublic]
    sections: list[Document[SectionPublic]] = field(default_factory=list)
    actions: list[CachedAction] = field(default_factory=list)
    indicators: list[Document[IndicatorPublic]] = field(default_factory=list)

    def section(self, number: str) -> Document[SectionPublic]:
        """Return one section (I…VI, any case) or raise NotFound."""
        wanted = number.upper()
        for section in self.sections:
            if section.model.number == wanted:
                return section
        raise NotFound(f"The plan {self.plan.model.id!r} has no section {number!r}.")

    def action(self, number: int) -> CachedAction:
        """Return one action or raise NotFound."""
        if (
            1 <= number <= len(self.actions)
            and self.actions[number - 1].document.model.number == number
        ):
            return self.actions[number - 1]
        for action in self.actions:
            if action.document.model.number == number:
                return action
        raise NotFound(f"The plan {self.plan.model.id!r} has no action #{number}.")

    def find_actions(
        self, *, section: str | None, applies_to: AppliesTo | None, q: str | None
    ) -> list[Document[ActionPublic]]:
        """Return the actions matching every filter given, by number."""
        wanted_section = self.section(section).model.number if section is not None else None
        words = (q or "").lower().split()
        return [
            action.document
            for action in self.actions
            if (wanted_section is None or action.document.model.section.number == wanted_section)
            and (applies_to is None or action.document.model.actor_group.applies_to == applies_to)
            and _contains_all(action.document.model, words)
        ]

    def indicator(self, indicator_id: str) -> Document[IndicatorPublic]:
        """Return one indicator or raise NotFound."""
        for indicator in self.indicators:
            if indicator.model.id == indicator_id:
                return indicator
        raise NotFound(f"There is no indicator {indicator_id!r}.")

    def find_indicators(
        self, *, aim: str | None, action: int | None
    ) -> list[Document[IndicatorPublic]]:
        """Return the indicators of an aim and/or an action."""
        return [
            indicator
            for indicator in self.indicators
            if (aim is None or indicator.model.aim == aim)
            and (action is None or action in indicator.model.actions)
        ]


def _contains_all(action: ActionPublic, words: list[str]) -> bool:
    if not words:
        return True
    haystack = f"{action.text}\n{action.actor_group.text}".lower()
    return all(word in haystack for word in words)


@dataclass
class Catalogue:
    """Every plan, by id."""

    plans: dict[str, PlanCatalogue]
    default_plan_id: str

    def plan(self, plan_id: str | None) -> PlanCatalogue:
        """Return a plan (the default one when None) or raise NotFound."""
        wanted = plan_id or self.default_plan_id
        if wanted not in self.plans:
            raise NotFound(f"There is no action plan {wanted!r}.")
        return self.plans[wanted]

    def ordered_plans(self) -> list[PlanCatalogue]:
        """Return the plans, most recent period first."""
        return sorted(self.plans.values(), key=lambda p: -p.plan.model.period_start)


def page_body(documents: Sequence[Document[M]], page: PageParams) -> bytes:
    """Serialize one page of documents as the list envelope, reusing each document's bytes."""
    window = documents[page.offset : page.offset + page.limit]
    items = b",".join(document.body for document in window)
    tail = f'],"total":{len(documents)},"limit":{page.limit},"offset":{page.offset}}}'
    return b'{"items":[' + items + tail.encode()


def load_catalogue(session: Session, *, default_plan_id: str) -> Catalogue:
    """Build the snapshot from the database."""
    paragraphs = _by_plan(repository.all_paragraphs(session))
    sections = _by_plan(repository.all_sections(session))
    actions = _by_plan(repository.all_actions(session))
    indicator_rows = repository.all_indicators(session)
    indicators = _by_plan([item for item, _ in indicator_rows])
    indicator_actions = {item.id: numbers for item, numbers in indicator_rows}
    plans: dict[str, PlanCatalogue] = {}
    for plan in repository.all_plans(session):
        plan_sections = sections[plan.id]
        titles = {section.number: section.title for section in plan_sections}
        plans[plan.id] = PlanCatalogue(
            plan=Document.of(_plan_public(plan, paragraphs[plan.id])),
            sections=[Document.of(_section_public(s, paragraphs[plan.id])) for s in plan_sections],
            actions=[_cached_action(a, titles[a.section_number]) for a in actions[plan.id]],
            indicators=[
                Document.of(_indicator_public(i, indicator_actions[i.id]))
                for i in indicators[plan.id]
            ],
        )
    return Catalogue(plans=plans, default_plan_id=default_plan_id)


class _OfPlan(Protocol):
    plan_id: str


R = TypeVar("R", bound=_OfPlan)


def _by_plan(rows: Iterable[R]) -> defaultdict[str, list[R]]:
    grouped: defaultdict[str, list[R]] = defaultdict(list)
    for row in rows:
        grouped[row.plan_id].append(row)
    return grouped


def _paragraph_public(paragraph: Paragraph) -> ParagraphPublic:
    return ParagraphPublic(number=paragraph.number, text=paragraph.text, source=paragraph.source)


def _plan_public(plan: Plan, paragraphs: list[Paragraph]) -> PlanPublic:
    return PlanPublic(
        id=plan.id,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        adopted_at=plan.adopted_at,
        adopted_from=plan.adopted_from,
        adopted_to=plan.adopted_to,
        preamble=plan.preamble,
        introduction=[_paragraph_public(p) for p in paragraphs if p.section_number is None],
        source=plan.source,
    )


def _section_public(section: Section, paragraphs: list[Paragraph]) -> SectionPublic:
    return SectionPublic(
        number=section.number,
        plan_id=section.plan_id,
        title=section.title,
        actions=ActionRange(first=section.first_action, last=section.last_action),
        paragraphs=[_paragraph_public(p) for p in paragraphs if p.section_number == section.number],
        source=section.source,
    )


def _cached_action(action: Action, section_title: str) -> CachedAction:
    assert action.id is not None
    public = ActionPublic(
        number=action.number,
        plan_id=action.plan_id,
        section=SectionRef(number=action.section_number, title=section_title),
        subheading=action.subheading,
        actor_group=ActorGroup(text=action.actor_text, applies_to=AppliesTo(action.applies_to)),
        text=action.text,
        source=action.source,
    )
    return CachedAction(row_id=action.id, document=Document.of(public))


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
