"""Start-up errors, as an operator meets them on the command line: one line on stderr that names
the variable and what is wrong, exit code 2, no traceback unless the log level is DEBUG."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from services.common.settings import PROJECT_ROOT
from tools.processes import free_port, python_module

PASSWORD = "s3cret-pw"  # must never be echoed


def _start(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "ACTIONS_DATABASE_URL": f"sqlite:///{tmp_path / 'actions.db'}",
        "PARTIES_DATABASE_URL": f"sqlite:///{tmp_path / 'parties.db'}",
        "REMINDERS_DATABASE_URL": f"sqlite:///{tmp_path / 'reminders.db'}",
        "KEYS_DATABASE_URL": f"sqlite:///{tmp_path / 'keys.db'}",
        **env,
    }
    return subprocess.run(
        python_module(*args),
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


CASES = [
    (
        ["services.actions", "serve"],
        {"ACTIONS_DATABASE_URL": f"mysql://admin:{PASSWORD}@db.internal/actions"},
        "ACTIONS_DATABASE_URL: the scheme mysql://",
    ),
    (["services.actions", "serve"], {"ACTIONS_PORT": "70000"}, "ACTIONS_PORT: "),
    (["services.parties", "serve"], {"PARTIES_PORT": "eighty"}, "PARTIES_PORT: "),
    (["services.actions", "serve"], {"ENVIRONMENT": "prod"}, "ENVIRONMENT: "),
    (["services.actions", "serve"], {"ACTIONS_LOG_LEVEL": "LOUD"}, "ACTIONS_LOG_LEVEL: "),
    (
        ["services.parties", "serve"],
        {"PARTIES_ACTIONS_URL": "ftp://actions.internal"},
        "PARTIES_ACTIONS_URL: must be an http:// or https:// URL",
    ),
    (
        ["services.reminders", "scheduler"],
        {"REMINDERS_WEBHOOK_SECRET": "whsec_not base64!"},
        "REMINDERS_WEBHOOK_SECRET: what follows whsec_ is not base64",
    ),
    (
        ["services.actions", "prestart"],
        {
            "ACTIONS_DATABASE_URL": f"postgresql://cm:{PASSWORD}@127.0.0.1:{free_port()}/actions",
            "ACTIONS_DATABASE_WAIT_SECONDS": "1",
        },
        "ACTIONS_DATABASE_URL: the database did not answer within 1 s",
    ),
    (
        ["services.actions", "setup"],
        {"ACTIONS_DATABASE_URL": f"postgresql://cm:{PASSWORD}@127.0.0.1:{free_port()}/actions"},
        "a database does not answer",
    ),
]


@pytest.mark.parametrize(("args", "env", "expected"), CASES, ids=[c[2][:40] for c in CASES])
def test_a_bad_setting_is_one_line_naming_it(
    args: list[str], env: dict[str, str], expected: str, tmp_path: Path
) -> None:
    started = _start(args, tmp_path, **env)
    assert started.returncode == 2, started.stderr
    assert "Traceback" not in started.stderr
    lines = started.stderr.strip().splitlines()
    # A bad setting stops the process before it logs anything; a database that does not answer
    # stops it after the log has said what it was doing (waiting, migrating).
    if "answer" not in expected:
        assert len(lines) == 1, started.stderr
    assert "cannot start" in lines[-1] and expected in lines[-1]
    assert PASSWORD not in started.stderr


def test_debug_adds_the_traceback(tmp_path: Path) -> None:
    started = _start(
        ["services.actions", "serve"], tmp_path, ACTIONS_PORT="70000", ACTIONS_LOG_LEVEL="DEBUG"
    )
    assert started.returncode == 2
    assert "ACTIONS_PORT" in started.stderr.splitlines()[0]
    assert "Traceback" in started.stderr


def test_a_missing_sqlite_folder_is_made_and_said_in_development(tmp_path: Path) -> None:
    folder = tmp_path / "not" / "yet"
    started = _start(
        ["services.actions", "setup"],
        tmp_path,
        ACTIONS_DATABASE_URL=f"sqlite:///{folder / 'actions.db'}",
        ACTIONS_LOG_JSON="false",
    )
    assert started.returncode == 0, started.stderr
    assert "ACTIONS_DATABASE_URL names a file in" in started.stderr
    assert "does not exist" in started.stderr
    assert (folder / "actions.db").is_file()


def test_sqlite_is_refused_in_production(tmp_path: Path) -> None:
    started = _start(["services.actions", "serve"], tmp_path / "missing", ENVIRONMENT="production")
    assert started.returncode == 2
    assert "ACTIONS_DATABASE_URL must point at PostgreSQL" in started.stderr
    assert not (tmp_path / "missing").exists()
