"""Back up and restore every database: `python -m tools.backup create|restore`.

SQLite files are copied consistently with `VACUUM INTO` (safe while the services run);
PostgreSQL databases with `pg_dump -Fc` and `pg_restore`. A backup is a folder holding one file
per database and a `manifest.json` recording each file's size and SHA-256; a restore writes each
into the database the current settings name (stop the services first).

A restore checks the whole backup before it touches any database: every file has the size and
SHA-256 the manifest recorded, every SQLite file passes `PRAGMA integrity_check`, every dump
reads with `pg_restore --list`. A damaged backup is refused and nothing is changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from services.actions.settings import ActionsSettings
from services.common.settings import VAR_DIR
from services.parties.settings import PartiesSettings
from services.reminders.settings import RemindersSettings
from tools.postgres import libpq_url

DEFAULT_DIRECTORY = VAR_DIR / "backups"


@dataclass(frozen=True)
class Database:
    """One database to back up: its name in the backup and its URL."""

    name: str
    url: str

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.url).get_backend_name() == "sqlite"


def configured_databases() -> list[Database]:
    """Every database the current settings name: each service's and the key store."""
    settings = [ActionsSettings(), PartiesSettings(), RemindersSettings()]
    databases = [
        Database(s.__class__.__name__.removesuffix("Settings").lower(), s.database_url)
        for s in settings
    ]
    return [*databases, Database("keys", settings[0].keys_database_url)]


def backup_database(database: Database, directory: Path) -> Path:
    """Write one database to a file in `directory`; return the file."""
    directory.mkdir(parents=True, exist_ok=True)
    if database.is_sqlite:
        target = directory / f"{database.name}.sqlite"
        source = make_url(database.url).database
        with sqlite3.connect(str(source)) as connection:
            connection.execute("VACUUM INTO ?", (str(target),))
        return target
    target = directory / f"{database.name}.dump"
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", libpq_url(database.url)])
    return target


def restore_database(backup: Path, database: Database) -> None:
    """Replace the contents of `database` with a backup file."""
    if database.is_sqlite:
        target = Path(str(make_url(database.url).database))
        target.parent.mkdir(parents=True, exist_ok=True)
        # Copied beside the target, then renamed over it: a crash midway leaves the old file.
        incoming = target.with_name(target.name + ".restoring")
        shutil.copyfile(backup, incoming)
        for stale in (
            target.with_name(target.name + "-wal"),
            target.with_name(target.name + "-shm"),
        ):
            stale.unlink(missing_ok=True)
        os.replace(incoming, target)
        return
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={libpq_url(database.url)}",
            str(backup),
        ]
    )


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stderr.strip()}")


def create(directory: Path, databases: Sequence[Database]) -> Path:
    """Back up every database into a new timestamped folder under `directory`."""
    folder = directory / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    entries = []
    for database in databases:
        file = backup_database(database, folder)
        entries.append(
            {
                "name": database.name,
                "file": file.name,
                "backend": "sqlite" if database.is_sqlite else "postgresql",
                "bytes": file.stat().st_size,
                "sha256": _sha256(file),
            }
        )
    (folder / "manifest.json").write_text(json.dumps(entries, indent=2) + "\n")
    return folder


def restore(folder: Path, databases: Sequence[Database]) -> list[str]:
    """Restore every database of a backup folder into the configured databases; return names.

    Raises `DamagedBackup`, having changed nothing, unless the whole backup checks out.
    """
    entries = verified_entries(folder, databases)
    targets = {d.name: d for d in databases}
    for entry in entries:
        restore_database(folder / entry["file"], targets[entry["name"]])
    return [entry["name"] for entry in entries]


class DamagedBackup(Exception):
    """A backup that must not be restored: what is wrong with it."""


def verified_entries(folder: Path, databases: Sequence[Database]) -> list[dict[str, Any]]:
    """The manifest's entries, once every file in it is whole and fits its database."""
    manifest = folder / "manifest.json"
    try:
        entries: list[dict[str, Any]] = json.loads(manifest.read_text())
    except (OSError, ValueError) as exc:
        raise DamagedBackup(f"{manifest}: cannot be read ({exc})") from exc
    targets = {d.name: d for d in databases}
    problems = [problem for entry in entries for problem in _problems(folder, entry, targets)]
    if problems:
        raise DamagedBackup("; ".join(problems))
    return entries


def _problems(folder: Path, entry: dict[str, Any], targets: dict[str, Database]) -> list[str]:
    name, file = entry.get("name"), folder / str(entry.get("file"))
    database = targets.get(str(name))
    if database is None:
        return [f"{name}: no such database is configured"]
    if database.is_sqlite != (entry.get("backend") == "sqlite"):
        return [f"{name}: a {entry.get('backend')} backup cannot go into this database"]
    if "sha256" not in entry or "bytes" not in entry:
        return [f"{file.name}: the manifest records no size and SHA-256 to check it against"]
    if not file.is_file():
        return [f"{file.name}: missing"]
    if (size := file.stat().st_size) != entry["bytes"]:
        return [f"{file.name}: {size} bytes, but the manifest recorded {entry['bytes']}"]
    if _sha256(file) != entry["sha256"]:
        return [f"{file.name}: its SHA-256 differs from the one the manifest recorded"]
    damage = _sqlite_damage(file) if database.is_sqlite else _dump_damage(file)
    return [f"{file.name}: {damage}"] if damage else []


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_damage(file: Path) -> str | None:
    try:
        with sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True) as connection:
            verdict = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return f"not a sound SQLite database ({exc})"
    return None if verdict == ["ok"] else "fails PRAGMA integrity_check: " + "; ".join(verdict)


def _dump_damage(file: Path) -> str | None:
    try:
        _run(["pg_restore", "--list", str(file)])
    except RuntimeError as exc:
        return f"not a readable pg_dump archive ({exc})"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line."""
    parser = argparse.ArgumentParser(prog="python -m tools.backup", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    create_parser = commands.add_parser("create", help="back up every database")
    create_parser.add_argument("--to", type=Path, default=DEFAULT_DIRECTORY)
    restore_parser = commands.add_parser("restore", help="restore a backup folder")
    restore_parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.command == "create":
        print(create(args.to, configured_databases()))
        return 0
    try:
        names = restore(args.folder, configured_databases())
    except DamagedBackup as exc:
        print(f"refusing to restore {args.folder}, nothing was changed: {exc}", file=sys.stderr)
        return 1
    print("restored: " + ", ".join(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
