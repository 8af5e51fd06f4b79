"""Migrations and seeding: `alembic check` is clean and a second seed changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

from services.actions.__main__ import COMMANDS
from services.actions.main import create_app
from services.actions.models import metadata
from services.actions.seed import seed_session
from services.common import migrations
from services.common.auth import Role
from services.common.clock import Clock
from services.common.db import create_engine
from tests.actions.conftest import TODAY, prepare_database, settings_for
from tests.actions.test_assessments import ASSESSMENT
from tests.conftest import RuntimeRole
from tests.factories import bearer, create_key
from tests.runtime_roles import (
    assert_the_audit_log_refuses_changes,
    audit_row_count,
    set_up_with_runtime_role,
)


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with Session(engine) as session:
        counts = {
            name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }
    engine.dispose()
    return counts


def test_migrations_match_the_models(database_url: str) -> None:
    migrations.upgrade(COMMANDS.migrations, database_url)
    migrations.check(COMMANDS.migrations, database_url)


def test_seed_loads_the_plan(database_url: str) -> None:
    prepare_database(database_url)
    counts = row_counts(database_url)
    assert counts["actions"] == 67
    assert counts["sections"] == 6
    assert counts["paragraphs"] == 17
    assert counts["plans"] == 1


def test_seeding_twice_changes_nothing(database_url: str) -> None:
    prepare_database(database_url)
    before = row_counts(database_url)
    engine = create_engine(database_url)
    with Session(engine) as session:
        changed = seed_session(session, clock=Clock(TODAY))
        session.commit()
    engine.dispose()
    assert changed == 0
    assert row_counts(database_url) == before


def test_the_runtime_role_records_assessments_but_cannot_rewrite_history(
    runtime_role: RuntimeRole,
) -> None:
    set_up_with_runtime_role("actions", runtime_role, TODAY)
    committee = bearer(create_key(runtime_role.owner_url, Role.COMMITTEE))
    before = audit_row_count(runtime_role.url)
    app = create_app(settings_for(runtime_role.url))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/actions/14/assessments", json=ASSESSMENT, headers=committee)
    assert response.status_code == 201, response.text
    assert audit_row_count(runtime_role.url) == before + 1
    assert_the_audit_log_refuses_changes(runtime_role)
