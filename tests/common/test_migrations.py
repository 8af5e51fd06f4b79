"""Migrations: the keys store migrates cleanly and `alembic check` finds nothing to generate."""

from __future__ import annotations

from sqlalchemy import inspect

from services.common import migrations
from services.common.db import create_engine
from services.common.keys.store import MIGRATIONS


def test_keys_migrate_and_check_clean(database_url: str) -> None:
    migrations.upgrade(MIGRATIONS, database_url)
    migrations.check(MIGRATIONS, database_url)
    migrations.upgrade(MIGRATIONS, database_url)  # a second run changes nothing
    engine = create_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"api_keys", "alembic_version_keys"} <= tables
