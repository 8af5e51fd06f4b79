"""The PostgreSQL runtime role: granted what the API does, refused when it cannot be protected."""

from __future__ import annotations

import os
import subprocess

import psycopg
import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict
from sqlalchemy.engine import make_url

from services.common.keys.__main__ import main as keys_main
from services.common.keys.store import api_keys
from services.common.privileges import RuntimeRoleError, grant_runtime_privileges
from services.common.server import serving_role_mismatch
from services.common.settings import PROJECT_ROOT, ServiceSettings
from tests.conftest import RuntimeRole
from tests.factories import migrate_keys
from tools.postgres import libpq_url
from tools.processes import python_module

POSTGRES_URL = "postgresql://monitor:s3cr3t-Pa55@db.internal:5432/notes"


class NotesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTES_", extra="ignore")


def test_a_runtime_role_with_sqlite_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTES_DATABASE_RUNTIME_ROLE", "monitor_app")
    with pytest.raises(ValidationError, match="NOTES_DATABASE_RUNTIME_ROLE names a PostgreSQL"):
        NotesSettings(keys_database_url=POSTGRES_URL)
    monkeypatch.delenv("NOTES_DATABASE_RUNTIME_ROLE")
    monkeypatch.setenv("KEYS_DATABASE_RUNTIME_ROLE", "monitor_app")
    with pytest.raises(
        ValidationError, match="KEYS_DATABASE_RUNTIME_ROLE names a PostgreSQL"
    ) as error:
        NotesSettings(database_url="postgresql://monitor:s3cr3t@db")
    assert "s3cr3t" not in str(error.value)  # the message never shows a database password


def test_an_empty_runtime_role_means_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTES_DATABASE_RUNTIME_ROLE", "")
    assert NotesSettings().database_runtime_role is None
    roles = ServiceSettings(database_url=POSTGRES_URL, database_runtime_role="monitor_app")
    assert roles.database_runtime_role == "monitor_app"


def test_the_grants_refuse_a_role_that_no_grant_would_bind(runtime_role: RuntimeRole) -> None:
    owner = make_url(runtime_role.owner_url).username
    assert owner is not None
    # The owner itself (and, on a trust-auth test server, a superuser): it could undo any grant.
    with pytest.raises(RuntimeRoleError, match=f"the runtime role '{owner}'"):
        grant_runtime_privileges(runtime_role.owner_url, owner)
    with pytest.raises(RuntimeRoleError, match="does not exist"):
        grant_runtime_privileges(runtime_role.owner_url, f"{runtime_role.name}_missing")


def execute_as(url: str, statement: str) -> None:
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        connection.execute(statement)


def test_the_keys_are_read_only_and_later_tables_are_covered(runtime_role: RuntimeRole) -> None:
    migrate_keys(runtime_role.owner_url)
    grant_runtime_privileges(runtime_role.owner_url, runtime_role.name, read_only=[api_keys.name])
    execute_as(runtime_role.url, "SELECT count(*) FROM api_keys")
    for statement in (
        "INSERT INTO api_keys (key_id, secret_hash, role, label, created_at) "
        "VALUES ('k', 'h', 'admin', '', now())",
        "DELETE FROM api_keys",
        "SELECT * FROM alembic_version_keys",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            execute_as(runtime_role.url, statement)

    # A table a later migration adds is granted on the next setup.
    execute_as(runtime_role.owner_url, "CREATE TABLE later (id serial PRIMARY KEY, note text)")
    grant_runtime_privileges(runtime_role.owner_url, runtime_role.name, read_only=[api_keys.name])
    execute_as(runtime_role.url, "INSERT INTO later (note) VALUES ('added by the API')")
    execute_as(runtime_role.url, "DELETE FROM later")


def test_the_keys_cli_as_the_runtime_role_says_what_to_do(
    runtime_role: RuntimeRole, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate_keys(runtime_role.owner_url)
    grant_runtime_privileges(runtime_role.owner_url, runtime_role.name, read_only=[api_keys.name])
    assert keys_main(["--database-url", runtime_role.url, "list"]) == 2
    assert "run this with the URL of the role that owns the key store" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["run", "serve"])
def test_serving_as_another_role_than_the_runtime_role_is_refused(command: str) -> None:
    # The URL is never contacted: the check comes before any step.
    env = {
        **os.environ,
        "ACTIONS_DATABASE_URL": POSTGRES_URL,
        "ACTIONS_DATABASE_RUNTIME_ROLE": "monitor_app",
        "KEYS_DATABASE_URL": "postgresql://monitor_app:s3cr3t@db.internal:5432/keys",
        "ACTIONS_LOG_JSON": "false",
    }
    result = subprocess.run(
        python_module("services.actions", command),
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert (
        "refusing to serve: ACTIONS_DATABASE_RUNTIME_ROLE names monitor_app, but "
        "ACTIONS_DATABASE_URL connects as monitor"
    ) in result.stderr
    assert "s3cr3t" not in result.stderr


def test_the_runtime_role_itself_may_serve() -> None:
    runtime = ServiceSettings(
        database_url="postgresql://monitor_app:s3cr3t@db:5432/notes",
        database_runtime_role="monitor_app",
    )
    assert serving_role_mismatch(runtime) is None
