"""Manage API keys: `python -m services.common.keys create|list|revoke|migrate`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from services.common import migrations
from services.common.auth import Role
from services.common.db import create_engine
from services.common.keys.store import MIGRATIONS, KeyRecord, KeyStore, KeyStoreError
from services.common.settings import ServiceSettings

INSUFFICIENT_PRIVILEGE = "42501"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit status."""
    args = _parser().parse_args(argv)
    url = args.database_url or ServiceSettings().keys_database_url
    try:
        return _migrate_and_run(url, args)
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
            raise
        # The services' runtime role may only read keys; managing them is the owner's task.
        print(
            "error: this database role may not manage keys; run this with the URL of the role "
            "that owns the key store (--database-url)",
            file=sys.stderr,
        )
        return 2


def _migrate_and_run(url: str, args: argparse.Namespace) -> int:
    migrations.upgrade(MIGRATIONS, url)
    if args.command == "migrate":
        return 0
    engine = create_engine(url)
    try:
        return _run(KeyStore(engine), args)
    except KeyStoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def _run(store: KeyStore, args: argparse.Namespace) -> int:
    if args.command == "create":
        record, plaintext = store.create(role=Role(args.role), state=args.state, label=args.label)
        print(
            f"Created {record.role.value} key {record.key_id}"
            + (f" for {record.state}" if record.state else "")
            + ". Store it now; it is not shown again:",
            file=sys.stderr,
        )
        print(plaintext)
    elif args.command == "list":
        for record in store.list_keys():
            print(json.dumps(_public(record)))
    elif args.command == "revoke":
        record = store.revoke(args.key_id)
        print(f"Revoked key {record.key_id} at {record.revoked_at}.", file=sys.stderr)
    return 0


def _public(record: KeyRecord) -> dict[str, str | None]:
    return {
        "key_id": record.key_id,
        "role": record.role.value,
        "state": record.state,
        "label": record.label,
        "created_at": record.created_at.isoformat(),
        "revoked_at": record.revoked_at.isoformat() if record.revoked_at else None,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.common.keys", description=__doc__)
    parser.add_argument(
        "--database-url", help="keys database (default: KEYS_DATABASE_URL or var/keys.db)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create a key and print it once")
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--state", help="ISO 3166 alpha-3 code; required with --role state")
    create.add_argument("--label", default="", help="who holds the key, for the list")
    commands.add_parser("list", help="list keys (never their secrets)")
    revoke = commands.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    commands.add_parser("migrate", help="create or upgrade the keys database")
    return parser


if __name__ == "__main__":
    sys.exit(main())
