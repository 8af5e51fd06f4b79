"""Migrations, idempotent seeding, and the service as real processes on loopback."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select, text, update
from sqlmodel import Session, col

from services.common import migrations
from services.common.auth import Role
from services.common.db import create_engine
from services.common.settings import PROJECT_ROOT
from services.parties.__main__ import COMMANDS
from services.parties.models import CommitmentVersion, Obligations, audit_log, metadata
from services.parties.records.history import status_counts_as_of
from services.parties.seed import seed_session
from tests.conftest import RuntimeRole
from tests.factories import bearer, create_key
from tests.parties.conftest import RECORDS_BEGIN, TODAY, etag_of, open_api, prepare_database
from tests.parties.test_commitments import UPDATE
from tests.runtime_roles import (
    assert_the_audit_log_refuses_changes,
    audit_row_count,
    set_up_with_runtime_role,
)
from tools.processes import free_port, python_module, running, stop


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


def test_seeding_twice_changes_nothing(database_url: str) -> None:
    prepare_database(database_url)
    before = row_counts(database_url)
    assert (before["states"], before["obligations"], before["article5_extensions"]) == (
        195,
        156,
        19,
    )
    engine = create_engine(database_url)
    with Session(engine) as session:
        assert seed_session(session, records_begin=RECORDS_BEGIN) == 0
        session.commit()
    engine.dispose()
    assert row_counts(database_url) == before


def _forget_nicaraguas_completion_date(url: str, *, version: int) -> None:
    """Make the database one created before the completion date was known (or, with a later
    version, one where a user has since written Nicaragua's obligations)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            update(Obligations)
            .where(col(Obligations.iso3) == "NIC")
            .values(article5_completed_on=None, version=version)
        )
    engine.dispose()


def _reseed(url: str) -> int:
    engine = create_engine(url)
    with Session(engine) as session:
        changed = seed_session(session, records_begin=RECORDS_BEGIN)
        session.commit()
    engine.dispose()
    return changed


def test_a_reseed_fills_in_what_an_older_database_lacks_but_never_a_users_record(
    database_url: str, actions_client: TestClient
) -> None:
    prepare_database(database_url)
    _forget_nicaraguas_completion_date(database_url, version=1)
    assert _reseed(database_url) == 1
    with open_api(database_url, actions_client) as client:
        clearance = next(
            d
            for d in client.get("/parties/NIC/deadlines").json()["items"]
            if d["kind"] == "article5_clearance"
        )
        assert (clearance["status"], clearance["met_on"]) == ("met", "2010-04-13")
        replayed = client.get("/states/NIC", params={"as_of": "2010-04-01"}).json()
        assert (
            next(d for d in replayed["deadlines"] if d["kind"] == "article5_clearance")["status"]
            != "met"
        )
    engine = create_engine(database_url)
    with Session(engine) as session:
        audited = session.execute(
            select(audit_log.c.actor, audit_log.c.operation, audit_log.c.before, audit_log.c.after)
            .where(audit_log.c.entity == "obligations", audit_log.c.entity_id == "NIC")
            .order_by(audit_log.c.id)
        ).all()
    engine.dispose()
    assert [(actor, operation) for actor, operation, _, _ in audited] == [
        ("system", "seed"),
        ("system", "seed"),
    ]
    assert (audited[1].before["article5_completed_on"], audited[1].after["version"]) == (None, 2)
    assert audited[1].after["article5_completed_on"] == "2010-04-13"
    # Once a user has written the record (a later version), the seed leaves it as it is.
    _forget_nicaraguas_completion_date(database_url, version=3)
    assert _reseed(database_url) == 0


def test_both_services_as_processes_and_the_actions_service_going_down(tmp_path: Path) -> None:
    actions_port, parties_port = free_port(), free_port()
    env = {
        "ACTIONS_DATABASE_URL": f"sqlite:///{tmp_path / 'actions.db'}",
        "PARTIES_DATABASE_URL": f"sqlite:///{tmp_path / 'parties.db'}",
        "KEYS_DATABASE_URL": f"sqlite:///{tmp_path / 'keys.db'}",
        "ACTIONS_PORT": str(actions_port),
        "PARTIES_PORT": str(parties_port),
        "PARTIES_ACTIONS_URL": f"http://127.0.0.1:{actions_port}",
        "PARTIES_CATALOGUE_TTL_SECONDS": "1",
        "CLOCK_TODAY": "2010-05-01",
    }
    parties = f"http://127.0.0.1:{parties_port}"
    with (
        running(
            python_module("services.actions"),
            env=env,
            health_url=f"http://127.0.0.1:{actions_port}/readyz",
            log=tmp_path / "actions.log",
        ) as actions,
        running(
            python_module("services.parties"),
            env=env,
            health_url=f"{parties}/readyz",
            log=tmp_path / "parties.log",
        ),
    ):
        assert httpx.get(f"{parties}/readyz", timeout=5).json()["status"] == "ready"
        commitments = httpx.get(f"{parties}/parties/NIC/commitments", timeout=10).json()
        assert commitments["total"] > 30
        stop(actions)
        # The catalogue it fetched keeps serving; readiness says the actions service is gone.
        assert (
            httpx.get(f"{parties}/parties/NIC/commitments", timeout=30).json()["total"]
            == commitments["total"]
        )
        # Within a refresh or two, readiness says the actions service is gone.
        deadline = time.monotonic() + 30
        while (ready := httpx.get(f"{parties}/readyz", timeout=10).json())["status"] == "ready":
            assert time.monotonic() < deadline, ready
            time.sleep(0.2)
        assert ready["status"] == "degraded"
        assert ready["dependencies"]["actions"].startswith("unavailable: ")
        assert "serving the actions catalogue fetched at" in ready["dependencies"]["actions"]


def test_python_m_services_parties_setup_is_idempotent(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PARTIES_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "KEYS_DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}",
    }
    for _ in range(2):
        result = subprocess.run(
            python_module("services.parties", "setup"),
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    # States, obligations, extensions, figures and the coverage of the six kinds of deadline.
    assert row_counts(f"sqlite:///{tmp_path / 'p.db'}")["audit_log"] == 195 + 156 + 19 + 9 + 6


def test_the_daily_status_counts_are_backfilled_from_existing_versions(database_url: str) -> None:
    migrations.upgrade(COMMANDS.migrations, database_url, "0001")
    engine = create_engine(database_url)
    rows = [
        ("NIC", 1, 1, "in_progress", datetime(2010, 3, 1, 9, tzinfo=UTC)),
        ("NIC", 1, 2, "completed", datetime(2010, 6, 1, 9, tzinfo=UTC)),
        ("UKR", 1, 1, "in_progress", datetime(2010, 6, 1, 23, tzinfo=UTC)),
    ]
    with engine.begin() as connection:
        connection.execute(
            insert(CommitmentVersion.__table__),  # type: ignore[attr-defined]
            [
                {
                    "iso3": i,
                    "action_number": n,
                    "version": v,
                    "status": s,
                    "narrative": "",
                    "recorded_at": at,
                    "recorded_by": "x",
                }
                for i, n, v, s, at in rows
            ],
        )
    migrations.upgrade(COMMANDS.migrations, database_url)
    with Session(engine) as session:
        assert status_counts_as_of(session, day=date(2010, 2, 28)) == {}
        assert status_counts_as_of(session, day=date(2010, 3, 1)) == {"in_progress": 1}
        assert status_counts_as_of(session, day=date(2010, 6, 1)) == {
            "in_progress": 1,
            "completed": 1,
        }
        assert (
            session.execute(text("SELECT count(*) FROM commitment_status_days")).scalar_one() == 3
        )
    engine.dispose()


def test_the_runtime_role_updates_commitments_but_cannot_rewrite_history(
    runtime_role: RuntimeRole, actions_client: TestClient
) -> None:
    set_up_with_runtime_role("parties", runtime_role, TODAY)
    nicaragua = bearer(create_key(runtime_role.owner_url, Role.STATE, "NIC"))
    before = audit_row_count(runtime_role.url)
    path = "/parties/NIC/commitments/2"
    with open_api(runtime_role.url, actions_client) as client:
        headers = {**nicaragua, "If-Match": etag_of(client, path)}
        response = client.put(path, json=UPDATE, headers=headers)
    assert response.status_code == 200, response.text
    assert audit_row_count(runtime_role.url) == before + 1
    assert_the_audit_log_refuses_changes(runtime_role)
