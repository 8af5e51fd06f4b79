"""Each service's migrated audit log refuses every statement that would rewrite or remove a row
(UPDATE, DELETE, SQLite's REPLACE, an upsert), whoever connects, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.common import migrations
from services.common.db import create_engine
from services.common.settings import PROJECT_ROOT

COLUMNS = "id, occurred_at, actor, actor_role, entity, entity_id, operation, version"
VALUES = ":id, :at, :actor, 'state', 'commitment', 'NIC:1', 'update', 1"
REWRITES = {
    "update": "UPDATE audit_log SET actor = :actor",
    "delete": "DELETE FROM audit_log",
    "upsert": f"INSERT INTO audit_log ({COLUMNS}) VALUES ({VALUES}) "
    "ON CONFLICT (id) DO UPDATE SET actor = excluded.actor",
    "replace": f"INSERT OR REPLACE INTO audit_log ({COLUMNS}) VALUES ({VALUES})",
    "replace-into": f"REPLACE INTO audit_log ({COLUMNS}) VALUES ({VALUES})",
}
SQLITE_ONLY = {"replace", "replace-into"}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("service", ["actions", "parties", "reminders"])
def test_the_audit_log_refuses_every_rewrite(database_url: str, service: str) -> None:
    migrations.upgrade(PROJECT_ROOT / "services" / service / "migrations", database_url)
    engine = create_engine(database_url)
    at = datetime(2010, 5, 1, tzinfo=UTC)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(f"INSERT INTO audit_log ({COLUMNS}) VALUES ({VALUES})"),
                {"id": 1, "at": at, "actor": "NIC-key"},
            )
        tried = []
        for name, statement in REWRITES.items():
            if name in SQLITE_ONLY and engine.dialect.name != "sqlite":
                continue
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement), {"id": 1, "at": at, "actor": "forger"})
            tried.append(name)
        with engine.begin() as connection:
            # Appending still works.
            connection.execute(
                text(f"INSERT INTO audit_log ({COLUMNS}) VALUES ({VALUES})"),
                {"id": 2, "at": at, "actor": "NIC-key"},
            )
            rows = connection.execute(text("SELECT id, actor FROM audit_log ORDER BY id")).all()
    finally:
        engine.dispose()
    assert set(tried) >= {"update", "delete", "upsert"}
    assert [tuple(row) for row in rows] == [(1, "NIC-key"), (2, "NIC-key")]
