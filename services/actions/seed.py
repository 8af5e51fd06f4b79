"""Load the Cartagena Action Plan and its indicators from `data/` into the database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from services.actions.models import (
    Action,
    Indicator,
    IndicatorAction,
    Paragraph,
    Plan,
    Section,
    audit_log,
)
from services.common.clock import Clock
from services.common.db import create_engine, writer
from services.common.seeding import sync_record
from services.common.settings import ServiceSettings

DATA = Path(__file__).with_name("data")
PLAN_FILE = DATA / "cartagena_action_plan.json"
INDICATORS_FILE = DATA / "indicators.json"


def load_json(path: Path) -> Any:
    """Read one of the service's data files."""
    return json.loads(path.read_text(encoding="utf-8"))


def seed(settings: ServiceSettings) -> None:
    """Seed the plan and indicators; a second run changes nothing."""
    engine = create_engine(settings.database_url)
    try:
        with Session(writer(engine)) as session:
            seed_session(session, clock=Clock(settings.clock_today))
            session.commit()
    finally:
        engine.dispose()


def seed_session(session: Session, *, clock: Clock) -> int:
    """Bring the session's database in line with the data files; return how many rows changed."""
    plan_doc = load_json(PLAN_FILE)
    at = clock.now()
    records = [
        *_plan_records(plan_doc),
        *_indicator_records(load_json(INDICATORS_FILE)),
    ]
    return sum(
        sync_record(session, record, natural_key=key, audit=audit_log, entity=entity, at=at)
        for record, key, entity in records
    )


SeedRecord = tuple[Any, dict[str, Any], str]


def _plan_records(doc: dict[str, Any]) -> list[SeedRecord]:
    plan = doc["plan"]
    plan_id = plan["id"]
    records: list[SeedRecord] = [
        (
            Plan(
                **{
                    **plan,
                    "adopted_from": date.fromisoformat(plan["adopted_from"]),
                    "adopted_to": date.fromisoformat(plan["adopted_to"]),
                }
            ),
            {"id": plan_id},
            "plan",
        )
    ]
    for paragraph in doc["introduction"]:
        records.append(_paragraph(plan_id, None, paragraph, paragraph["source"]))
    for position, section in enumerate(doc["sections"], start=1):
        records.append(_section(plan_id, position, section))
        for paragraph in section["paragraphs"]:
            records.append(_paragraph(plan_id, section["number"], paragraph, section["source"]))
    records.extend(_action(plan_id, action) for action in doc["actions"])
    return records


def _paragraph(plan_id: str, section: str | None, data: dict[str, Any], source: str) -> SeedRecord:
    number = data["number"]
    record = Paragraph(
        plan_id=plan_id, number=number, section_number=section, text=data["text"], source=source
    )
    return record, {"plan_id": plan_id, "number": number}, "paragraph"


def _section(plan_id: str, position: int, data: dict[str, Any]) -> SeedRecord:
    record = Section(
        plan_id=plan_id,
        number=data["number"],
        position=position,
        title=data["title"],
        first_action=data["first_action"],
        last_action=data["last_action"],
        source=data["source"],
    )
    return record, {"plan_id": plan_id, "number": data["number"]}, "section"


def _action(plan_id: str, data: dict[str, Any]) -> SeedRecord:
    record = Action(
        plan_id=plan_id,
        number=data["number"],
        section_number=data["section"],
        subheading=data["subheading"],
        actor_text=data["actor_group"]["text"],
        applies_to=data["actor_group"]["applies_to"],
        text=data["text"],
        source=data["source"],
    )
    return record, {"plan_id": plan_id, "number": data["number"]}, "action"


def _indicator_records(doc: dict[str, Any]) -> list[SeedRecord]:
    records: list[SeedRecord] = []
    for item in doc["indicators"]:
        baseline = item["baseline"]
        indicator = Indicator(
            id=item["id"],
            plan_id=doc["plan_id"],
            aim=item["aim"],
            title=item["title"],
            unit=item["unit"],
            baseline_value=baseline["value"],
            baseline_qualifier=baseline["qualifier"],
            baseline_of=baseline["of"],
            baseline_period=baseline["period"],
            source=baseline["source"],
        )
        records.append((indicator, {"id": item["id"]}, "indicator"))
        records.extend(
            (
                IndicatorAction(indicator_id=item["id"], action_number=number),
                {"indicator_id": item["id"], "action_number": number},
                "indicator_action",
            )
            for number in item["actions"]
        )
    return records
