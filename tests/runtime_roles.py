"""Checks shared by each service's test of its PostgreSQL runtime role."""

from __future__ import annotations

import os
import subprocess
from datetime import date

import psycopg
import pytest

from services.common.settings import PROJECT_ROOT
from tests.conftest import RuntimeRole
from tools.postgres import libpq_url
from tools.processes import python_module

# Each fails on the role's missing privilege, before the append-only trigger would refuse it.
AUDIT_LOG_CHANGES = (
    "UPDATE audit_log SET actor = 'someone else'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
)


def set_up_with_runtime_role(service: str, role: RuntimeRole, today: date) -> None:
    """Run `python -m services.<service> setup` as the owner, granting `role` (keys included)."""
    prefix = service.upper()
    env = {
        f"{prefix}_DATABASE_URL": role.owner_url,
        f"{prefix}_DATABASE_RUNTIME_ROLE": role.name,
        # The keys share the service's database here: both grants must leave each table right.
        "KEYS_DATABASE_URL": role.owner_url,
        "KEYS_DATABASE_RUNTIME_ROLE": role.name,
        "CLOCK_TODAY": today.isoformat(),
    }
    result = subprocess.run(
        python_module(f"services.{service}", "setup"),
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def audit_row_count(url: str) -> int:
    with psycopg.connect(libpq_url(url)) as connection:
        row = connection.execute("SELECT count(*) FROM audit_log").fetchone()
    assert row is not None
    return int(row[0])


def assert_the_audit_log_refuses_changes(role: RuntimeRole) -> None:
    """As the runtime role, UPDATE, DELETE and TRUNCATE on the audit log are denied by privilege."""
    before = audit_row_count(role.url)
    with psycopg.connect(libpq_url(role.url), autocommit=True) as connection:
        for statement in AUDIT_LOG_CHANGES:
            # Not "audit_log is append-only": that is the trigger, which raises the same
            # SQLSTATE and would hide a missing REVOKE.
            with pytest.raises(
                psycopg.errors.InsufficientPrivilege, match="permission denied for table audit_log"
            ):
                connection.execute(statement)
    assert audit_row_count(role.url) == before
