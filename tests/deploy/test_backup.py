"""Backups restore into a fresh database with identical row counts, audit history included."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

from services.common.auth import Role
from services.common.db import create_engine
from services.common.settings import PROJECT_ROOT
from services.parties.models import metadata
from tests.conftest import create_postgres_database, postgres_base_url
from tests.factories import bearer, create_key
from tests.parties.conftest import etag_of, open_api, prepare_database
from tools.backup import Database, create, restore
from tools.postgres import drop_database
from tools.processes import python_module


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with Session(engine) as session:
        counts = {
            name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }
    engine.dispose()
    return counts


def fresh_database_like(url: str, tmp_path: Path) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored' / 'parties.db'}"
    base = postgres_base_url()
    assert base is not None
    return create_postgres_database(base)


def test_backup_and_restore_into_a_fresh_database(
    database_url: str, tmp_path: Path, actions_client: TestClient
) -> None:
    prepare_database(database_url)
    nicaragua = bearer(create_key(database_url, Role.STATE, "NIC"))
    with open_api(database_url, actions_client) as client:
        for status in ("in_progress", "completed"):
            client.put(
                "/parties/NIC/commitments/1",
                json={"status": status},
                headers={**nicaragua, "If-Match": etag_of(client, "/parties/NIC/commitments/1")},
            )
    before = row_counts(database_url)
    assert before["audit_log"] > 379 and before["commitment_versions"] == 2

    folder = create(tmp_path / "backups", [Database("parties", database_url)])
    target = fresh_database_like(database_url, tmp_path)
    try:
        assert restore(folder, [Database("parties", target)]) == ["parties"]
        assert row_counts(target) == before
    finally:
        if not target.startswith("sqlite"):
            base = postgres_base_url()
            assert base is not None
            drop_database(base, target)


def test_the_command_line_backs_up_every_configured_database(tmp_path: Path) -> None:
    env = {**os.environ, "KEYS_DATABASE_URL": f"sqlite:///{tmp_path / 'keys.db'}"}
    for name in ("actions", "parties", "reminders"):
        env[f"{name.upper()}_DATABASE_URL"] = f"sqlite:///{tmp_path / name}.db"
    for name in ("actions", "parties"):
        subprocess.run(
            python_module(f"services.{name}", "setup"),
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            timeout=180,
            check=True,
        )
    created = subprocess.run(
        python_module("tools.backup", "create", "--to", str(tmp_path / "b")),
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    folder = Path(created.stdout.strip())
    names = {entry["name"] for entry in json.loads((folder / "manifest.json").read_text())}
    assert {"actions", "parties", "keys"} <= names
    before = row_counts(env["PARTIES_DATABASE_URL"])
    (tmp_path / "parties.db").unlink()
    restored = subprocess.run(
        python_module("tools.backup", "restore", str(folder)),
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert restored.returncode == 0, restored.stderr
    assert row_counts(env["PARTIES_DATABASE_URL"]) == before


def _make_restore(
    folder: Path, parties_url: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """`make restore FROM=...`, as an operator types it, restoring into `parties_url`."""
    env = {**os.environ, "PARTIES_DATABASE_URL": parties_url}
    for name in ("actions", "reminders", "keys"):
        env[f"{name.upper()}_DATABASE_URL"] = f"sqlite:///{tmp_path / name}.db"
    return subprocess.run(
        ["make", "-s", "restore", f"FROM={folder}"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _damaged_copy(folder: Path, target: Path, damage: str) -> Path:
    """A copy of a backup folder whose one file is damaged as named."""
    shutil.copytree(folder, target)
    entry = json.loads((target / "manifest.json").read_text())[0]
    file = target / entry["file"]
    data = bytearray(file.read_bytes())
    if damage == "truncated":
        file.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        data[len(data) // 2] ^= 0xFF
        file.write_bytes(bytes(data))
    else:  # "damaged, manifest re-recorded": only the file's own checks can tell
        file.write_bytes(data[:100] if entry["backend"] == "postgresql" else data[: len(data) // 2])
        entry.update(
            bytes=file.stat().st_size, sha256=hashlib.sha256(file.read_bytes()).hexdigest()
        )
        (target / "manifest.json").write_text(json.dumps([entry]))
    return target


@pytest.mark.timeout(600)
def test_make_restore_refuses_a_damaged_backup_and_changes_nothing(
    database_url: str, tmp_path: Path, actions_client: TestClient
) -> None:
    prepare_database(database_url)
    nicaragua = bearer(create_key(database_url, Role.STATE, "NIC"))
    path = "/parties/NIC/commitments/1"
    folder = create(tmp_path / "backups", [Database("parties", database_url)])
    backed_up = row_counts(database_url)
    with open_api(database_url, actions_client) as client:
        client.put(
            path,
            json={"status": "completed"},
            headers={**nicaragua, "If-Match": etag_of(client, path)},
        )
    since = row_counts(database_url)
    assert since["commitment_versions"] == backed_up["commitment_versions"] + 1

    for damage in ("truncated", "flipped", "re-recorded"):
        damaged = _damaged_copy(folder, tmp_path / damage, damage)
        refused = _make_restore(damaged, database_url, tmp_path)
        assert refused.returncode != 0, damage
        assert "refusing to restore" in refused.stderr and "nothing was changed" in refused.stderr
        assert row_counts(database_url) == since, damage

    restored = _make_restore(folder, database_url, tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert row_counts(database_url) == backed_up
