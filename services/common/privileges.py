"""What the runtime role of a PostgreSQL database may do: what the API does, and no more.

The role that migrates owns the tables, and an owner can always grant itself back what it was
refused. The API process therefore connects as another role, granted here after every setup, so
that tables added by later migrations are covered too. The audit log is append-only for that
role: it may read and add rows, never change or remove one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, text

from services.common.db import create_engine, is_sqlite

AUDIT_TABLE = "audit_log"
# Alembic's bookkeeping (`alembic_version`, `alembic_version_keys`): only migrations touch it.
VERSION_TABLE_PREFIX = "alembic_version"
READ_WRITE = "SELECT, INSERT, UPDATE, DELETE"
APPEND_ONLY = "SELECT, INSERT"
READ_ONLY = "SELECT"


class RuntimeRoleError(ValueError):
    """The runtime role cannot be granted its privileges as configured."""


@dataclass(frozen=True)
class _Role:
    exists: bool
    superuser: bool
    is_migrating_role: bool


def grant_runtime_privileges(url: str, role: str, *, read_only: Collection[str] = ()) -> None:
    """Grant `role` what the API needs on every table of the database at `url`, idempotently.

    `url` must connect as the role that migrates (the tables' owner). Tables in `read_only` get
    SELECT alone; the audit log SELECT and INSERT; Alembic's version tables nothing.
    """
    if is_sqlite(url):
        raise RuntimeRoleError("SQLite has no roles: a runtime role needs PostgreSQL")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            _refuse_unfit_role(role, _describe(connection, role))
            quote = connection.dialect.identifier_preparer.quote
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            tables = connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = :schema"),
                {"schema": schema},
            ).scalars()
            for statement in grant_statements(
                quote(role), schema=quote(schema), tables=tables, read_only=read_only, quote=quote
            ):
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def grant_statements(
    role: str,
    *,
    schema: str,
    tables: Iterable[str],
    read_only: Collection[str],
    quote: Callable[[str], str],
) -> list[str]:
    """The GRANT and REVOKE statements that give `role` (already quoted) exactly its access."""
    statements = [f"GRANT USAGE ON SCHEMA {schema} TO {role}"]
    for table in sorted(tables):
        privileges = table_privileges(table, read_only=read_only)
        # Start from nothing, so a privilege granted by hand or by an older setup goes away.
        statements.append(f"REVOKE ALL ON TABLE {schema}.{quote(table)} FROM {role}")
        if privileges:
            statements.append(f"GRANT {privileges} ON TABLE {schema}.{quote(table)} TO {role}")
        if table == AUDIT_TABLE:
            statements.append(
                f"REVOKE UPDATE, DELETE, TRUNCATE ON TABLE {schema}.{quote(table)} FROM PUBLIC"
            )
    # Inserting into a table with a serial key draws from its sequence.
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}")
    return statements


def table_privileges(table: str, *, read_only: Collection[str] = ()) -> str | None:
    """The privileges the runtime role gets on one table (None: none at all)."""
    if table.startswith(VERSION_TABLE_PREFIX):
        return None
    if table == AUDIT_TABLE:
        return APPEND_ONLY
    if table in read_only:
        return READ_ONLY
    return READ_WRITE


def _describe(connection: Connection, role: str) -> _Role:
    row = connection.execute(
        text(
            "SELECT rolsuper, pg_has_role(rolname, current_user, 'MEMBER') "
            "FROM pg_roles WHERE rolname = :role"
        ),
        {"role": role},
    ).first()
    if row is None:
        return _Role(exists=False, superuser=False, is_migrating_role=False)
    return _Role(exists=True, superuser=bool(row[0]), is_migrating_role=bool(row[1]))


def _refuse_unfit_role(role: str, described: _Role) -> None:
    if not described.exists:
        raise RuntimeRoleError(
            f"the runtime role {role!r} does not exist: create it first "
            f"(CREATE ROLE … LOGIN PASSWORD …)"
        )
    if described.superuser:
        raise RuntimeRoleError(f"the runtime role {role!r} is a superuser, which no grant binds")
    if described.is_migrating_role:
        raise RuntimeRoleError(
            f"the runtime role {role!r} is (or inherits) the role that migrates: it owns the "
            "tables and could grant itself anything back; name a role of its own"
        )
