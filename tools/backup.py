"""Back up and restore every database: `python -m tools.backup create|restore`.

SQLite files are copied consistently with `VACUUM INTO` (safe while the services run);
PostgreSQL databases with `pg_dump -Fc` and `pg_restore`. A backup is a folder holding one file
per database and a `manifest.json`; a restore writes each into the database the current settings
name (stop the services first).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

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
        for stale in (
            target.with_name(target.name + "-wal"),
            target.with_name(target.name + "-shm"),
        ):
            stale.unlink(missing_ok=True)
        shutil.copyfile(backup, target)
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
    entries = [
        {
            "name": d.name,
            "file": backup_database(d, folder).name,
            "backend": "sqlite" if d.is_sqlite else "postgresql",
        }
        for d in databases
    ]
    (folder / "manifest.json").write_text(json.dumps(entries, indent=2) + "\n")
    return folder


def restore(folder: Path, databases: Sequence[Database]) -> list[str]:
    """Restore every database of a backup folder into the configured databases; return names."""
    entries = json.loads((folder / "manifest.json").read_text())
    targets = {d.name: d for d in databases}
    restored = []
    for entry in entries:
        database = targets[entry["name"]]
        if database.is_sqlite != (entry["backend"] == "sqlite"):
            raise RuntimeError(
                f"{entry['name']}: a {entry['backend']} backup cannot go into this database"
            )
        restore_database(folder / entry["file"], database)
        restored.append(entry["name"])
    return restored


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
    names = restore(args.folder, configured_databases())
    print("restored: " + ", ".join(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
