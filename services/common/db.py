"""Database engines and sessions for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine, MetaData, event, text
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import declared_attr, registry
from sqlmodel import Session

# Stable constraint names make migrations reviewable and portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_BEGIN_OPTION = "sqlite_begin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Versioned:
    """Mixin for tables with a `version` column: optimistic concurrency at the database.

    SQLAlchemy bumps `version` on every UPDATE and adds `WHERE version = <read>`; a writer whose
    row changed underneath it gets StaleDataError (answered 412) instead of overwriting.
    """

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - a declared attribute takes the class
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


def new_registry() -> registry:
    """Return a mapper registry with its own metadata, so each service migrates only its tables."""
    return registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def normalize_url(url: str) -> URL:
    """Parse a database URL, sending plain `postgresql://` URLs to the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def is_sqlite(url: str | URL) -> bool:
    """Tell whether a URL points at SQLite."""
    return make_url(str(url) if isinstance(url, URL) else url).get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine tuned for its backend (WAL and busy timeout on SQLite, pre-ping always)."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(parsed, echo=echo)
    return sa_create_engine(parsed, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _create_sqlite_engine(url: URL, *, echo: bool) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    # No pre-ping: a SQLite file cannot drop the connection the way a server can.
    engine = sa_create_engine(
        url,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _configure_sqlite_connection)
    # pysqlite's own transaction handling is bypassed so that writers can BEGIN IMMEDIATE: they
    # queue on busy_timeout up front instead of failing with "database is locked" when a read
    # transaction upgrades to a write. Readers keep a deferred BEGIN and never block in WAL mode.
    event.listen(engine, "begin", _begin)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _begin(connection: Any) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def writer(engine: Engine) -> Engine:
    """Return the engine to use for a transaction that will write (BEGIN IMMEDIATE on SQLite)."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})


def ping(engine: Engine) -> None:
    """Run `SELECT 1`; raises when the database cannot be reached."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def get_session(request: Request) -> Iterator[Session]:
    """Yield a session that commits once when the request succeeds and rolls back otherwise."""
    engine: Engine = request.app.state.engine
    bind = engine if request.method in SAFE_METHODS else writer(engine)
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# "function" scope ends the dependency before the response is sent, so a failed commit
# turns into an error response instead of a 200 for a write that never happened.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
