"""Load the states, their obligations and the Convention-wide figures from `data/`.

Seeded records describe the situation of early 2010; they are stamped as recorded when the
records begin (`records_begin`, 1 January 2010), so that `as_of` replays start from them.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel

from services.common.db import create_engine, writer
from services.common.seeding import sync_record
from services.common.settings import ServiceSettings
from services.parties.models import (
    Article5Extension,
    ConventionFigure,
    Obligations,
    RecordCoverage,
    State,
    audit_log,
)
from services.parties.schemas import MembershipStatus

DATA = Path(__file__).with_name("data")
NO_STOCKPILES_SOURCE = (
    'seed: "4. Destroying stockpiled mines", "Progress made" ("152 States Parties now no longer '
    'hold stockpiled anti-personnel mines")'
)
INITIAL_REPORTS_SOURCE = (
    'seed: "7. Other important matters for achieving the aims of the Convention", "Progress made" '
    '(Transparency: "With the exception of one, all States Parties have complied with their '
    'requirement to submit an initial transparency report"); the one is Equatorial Guinea '
    "(see its record)"
)
SEED_ACTOR = "system"
USER_MAINTAINED = frozenset({"state", "obligations", "record_coverage"})


def read_rows(name: str) -> list[dict[str, str]]:
    """Read one of the service's CSV data files."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def seed(settings: ServiceSettings) -> None:
    """Seed the parties database; a second run changes nothing."""
    records_begin: date = getattr(settings, "records_begin", date(2010, 1, 1))
    engine = create_engine(settings.database_url)
    try:
        with Session(writer(engine)) as session:
            seed_session(session, records_begin=records_begin)
            session.commit()
    finally:
        engine.dispose()


def seed_session(session: Session, *, records_begin: date) -> int:
    """Bring the database in line with the data files; return how many rows changed."""
    at = datetime.combine(records_begin, time.min, tzinfo=UTC)
    changed = 0
    for record, key, entity in _records(at):
        changed += sync_record(
            session,
            record,
            natural_key=key,
            audit=audit_log,
            entity=entity,
            at=at,
            ignore=frozenset({"id", "version", "recorded_at"}),
            # States and obligations change through the API from then on: never overwrite them.
            correct=entity not in USER_MAINTAINED,
        )
    return changed


def _records(at: datetime) -> list[tuple[SQLModel, dict[str, Any], str]]:
    states = [_state(row) for row in read_rows("states.csv")]
    records: list[tuple[SQLModel, dict[str, Any], str]] = [
        (state, {"iso3": state.iso3}, "state") for state in states
    ]
    for obligations in _obligations(states, at):
        records.append((obligations, {"iso3": obligations.iso3}, "obligations"))
    for extension in _extensions(at):
        key = {"iso3": extension.iso3, "extended_deadline": extension.extended_deadline}
        records.append((extension, key, "article5_extension"))
    for figure in _figures(at):
        records.append((figure, {"key": figure.key, "recorded_at": at}, "convention_figure"))
    for coverage in _coverage(at):
        records.append((coverage, {"kind": coverage.kind}, "record_coverage"))
    return records


def _coverage(at: datetime) -> list[RecordCoverage]:
    return [
        RecordCoverage(
            kind=row["kind"],
            complete_from=_date(row["complete_from"]),
            source=row["source"],
            updated_at=at,
            updated_by=SEED_ACTOR,
        )
        for row in read_rows("coverage.csv")
    ]


def _bool(value: str) -> bool:
    return value.strip().lower() == "true"


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _state(row: dict[str, str]) -> State:
    return State(
        iso3=row["iso3"],
        name=row["name"],
        name_in_seed=row["name_in_seed"] or None,
        status=MembershipStatus(row["status"]),
        deposit_date=_date(row["deposit_date"]),
        entry_into_force=_date(row["entry_into_force"]),
        membership_source=row["membership_source"],
        membership_verified=_bool(row["membership_verified"]),
        un_region=row["un_region"],
        un_subregion=row["un_subregion"],
        sub_saharan_africa=_bool(row["sub_saharan_africa"]),
        eu_member_2010=_bool(row["eu_member_2010"]),
        cis_member_2010=_bool(row["cis_member_2010"]),
        un_member_2010=_bool(row["un_member_2010"]),
        region_source=row["region_source"],
    )


def _obligations(states: list[State], at: datetime) -> list[Obligations]:
    article4 = {row["iso3"]: row for row in read_rows("article4.csv")}
    article5 = {row["iso3"]: row for row in read_rows("article5.csv")}
    survivors = {row["iso3"]: row for row in read_rows("victim_assistance.csv")}
    missing = {row["iso3"]: row for row in read_rows("article7_initial_missing.csv")}
    return [
        Obligations(
            iso3=state.iso3,
            article4_status="destroying" if state.iso3 in article4 else "no_stockpiles",
            article4_source=article4[state.iso3]["source"]
            if state.iso3 in article4
            else NO_STOCKPILES_SOURCE,
            article5_applies=state.iso3 in article5,
            article5_completed=state.iso3 in article5 and _bool(article5[state.iso3]["completed"]),
            article5_completed_on=_date(article5[state.iso3]["completed_on"])
            if state.iso3 in article5
            else None,
            article5_source=article5[state.iso3]["source"] if state.iso3 in article5 else None,
            significant_survivors=state.iso3 in survivors,
            victim_assistance_source=survivors[state.iso3]["source"]
            if state.iso3 in survivors
            else None,
            article7_initial_submitted=state.iso3 not in missing,
            article7_initial_source=missing[state.iso3]["source"]
            if state.iso3 in missing
            else INITIAL_REPORTS_SOURCE,
            updated_at=at,
            updated_by=SEED_ACTOR,
        )
        for state in states
        if state.status == "party"
    ]


def _extensions(at: datetime) -> list[Article5Extension]:
    return [
        Article5Extension(
            iso3=row["iso3"],
            original_deadline=date.fromisoformat(row["original_deadline"]),
            extended_deadline=date.fromisoformat(row["extended_deadline"]),
            granted_at=row["granted_at"],
            granted_on=date.fromisoformat(row["granted_on"]),
            source=row["source"],
            verified=_bool(row["verified"]),
            recorded_at=at,
        )
        for row in read_rows("article5_extensions.csv")
    ]


def _figures(at: datetime) -> list[ConventionFigure]:
    return [
        ConventionFigure(
            key=row["key"],
            value=float(row["value"]),
            qualifier=row["qualifier"] or None,
            of=float(row["of"]) if row["of"] else None,
            unit=row["unit"],
            period=row["period"],
            source=row["source"],
            recorded_at=at,
        )
        for row in read_rows("figures.csv")
    ]
