"""Database engines and sessions for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, nullcontext
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from pydantic import AnyUrl, HttpUrl, TypeAdapter
from sqlalchemy import Engine, MetaData, String, TypeDecorator, event, text
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import declared_attr, registry
from sqlmodel import Session

from services.common.transactions import registered

# Stable constraint names make migrations reviewable and portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000
SESSION_END_THREADS = 16
# Connections per engine. Requests with a session open wait for one of these on the event loop
# (`get_session`), so at most POOL_CAPACITY route threads ever hold or wait for a connection: far
# fewer than the route threadpool's 40, which keeps threads free for the holders to finish on.
POOL_SIZE, POOL_MAX_OVERFLOW = 10, 10
POOL_CAPACITY = POOL_SIZE + POOL_MAX_OVERFLOW
SQLITE_BEGIN_OPTION = "sqlite_begin"
_HOLDS_WRITE_TURN = "holds_write_turn"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Versioned:
    """Mixin for tables with a `version` column: optimistic concurrency at the database.

    SQLAlchemy bumps `version` on every UPDATE and adds `WHERE version = <read>`; a writer whose
    row changed underneath it gets StaleDataError (answered 412) instead of overwriting.
    """

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - a declared attribute takes the class
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class EnumText(TypeDecorator[StrEnum]):
    """A string enumeration kept as its text: the column is a VARCHAR, a read gives the member.

    So a row's attribute has the type its model declares whether it was just written or read
    back, and no database enum type (PostgreSQL's) has to be migrated when a member is added.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Any) -> StrEnum | None:
        return None if value is None else self.enum(value)


class UrlText(TypeDecorator[AnyUrl]):
    """A URL kept as its text, read back as the URL type the model declares (`EnumText`'s why)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Any) -> AnyUrl | None:
        return None if value is None else _HTTP_URL.validate_python(value)


_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


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
    return sa_create_engine(
        parsed,
        echo=echo,
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_MAX_OVERFLOW,
    )


def _create_sqlite_engine(url: URL, *, echo: bool) -> Engine:
    pool: dict[str, Any] = {}  # an in-memory database has one connection, and no file
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_MAX_OVERFLOW}
    # No pre-ping: a SQLite file cannot drop the connection the way a server can.
    engine = sa_create_engine(
        url,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        **pool,
    )
    event.listen(engine, "connect", _configure_sqlite_connection)
    # pysqlite's own transaction handling is bypassed so that writers can BEGIN IMMEDIATE: they
    # queue up front instead of failing with "database is locked" when a read transaction
    # upgrades to a write. Readers keep a deferred BEGIN and never block in WAL mode.
    writers = _WriterQueue()
    event.listen(engine, "begin", writers.begin)
    event.listen(engine, "commit", writers.end)
    event.listen(engine, "rollback", writers.end)
    # A connection given back unfinished (its request was abandoned) is rolled back by the pool,
    # without the events above: its turn must be given up there too.
    event.listen(engine, "reset", writers.reset)
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


class _WriterQueue:
    """One SQLite writer at a time per engine, queued on a lock in this process.

    SQLite lets one transaction write at a time; the others wait in its busy handler, which
    sleeps in growing steps (up to 100 ms) and wakes in no order. Writers of the same process
    instead wait here for the one before them to finish, and so enter SQLite one after another.
    Writers of other processes still meet SQLite's busy timeout.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def begin(self, connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        if mode == "IMMEDIATE":
            if not self._lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
                # Wrapped like SQLite's own "database is locked", so that it answers 503.
                raise OperationalError(
                    "BEGIN IMMEDIATE",
                    None,
                    sqlite3.OperationalError("database is locked (no turn to write in time)"),
                )
            connection.info[_HOLDS_WRITE_TURN] = True
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
        except BaseException:
            self.end(connection)
            raise

    def end(self, connection: Any) -> None:
        if connection.info.pop(_HOLDS_WRITE_TURN, False):
            self._lock.release()

    def reset(self, _dbapi_connection: Any, record: Any, _state: Any) -> None:
        if record.info.pop(_HOLDS_WRITE_TURN, False):
            self._lock.release()


def writer(engine: Engine) -> Engine:
    """Return the engine to use for a transaction that will write (BEGIN IMMEDIATE on SQLite)."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})


@contextmanager
def write_session(engine: Engine, *, expire_on_commit: bool = True) -> Iterator[Session]:
    """A session for one write transaction outside a request (a job, a seed, a refresh).

    It commits when the block ends and rolls back when it raises; inside, nothing may call the
    network or open another session (`services.common.transactions`).
    """
    with Session(writer(engine), expire_on_commit=expire_on_commit) as session, registered(session):
        yield session
        session.commit()


def ping(engine: Engine) -> None:
    """Run `SELECT 1`; raises when the database cannot be reached."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Yield a session that commits once when the request succeeds and rolls back otherwise.

    A request first waits here, on the event loop, for one of the engine's connections (and on
    SQLite a writing request for its turn to write). Waiting in a route thread instead would let
    a burst of requests fill the route threadpool while the ones holding connections and row
    locks still need a thread each to validate their response before they commit: the holders
    would wait for threads, the threads for connections and locks, until the pool timed out.
    """
    engine: Engine = request.app.state.engine
    writes = request.method not in SAFE_METHODS
    turn: anyio.Lock | None = (
        request.app.state.write_turn if writes and is_sqlite(engine.url) else None
    )
    slots: anyio.CapacityLimiter = request.app.state.session_slots
    async with turn if turn is not None else nullcontext(), slots:
        session = Session(writer(engine) if writes else engine, expire_on_commit=False)
        limiter: anyio.CapacityLimiter = request.app.state.session_limiter
        # A writing request's session is its one write transaction: nothing in the route may
        # call the network or open another session while it is open.
        with registered(session) if writes else nullcontext():
            try:
                yield session
            except BaseException:
                await _finish(session, commit=False, limiter=limiter)
                raise
            await _finish(session, commit=True, limiter=limiter)


async def _finish(session: Session, *, commit: bool, limiter: anyio.CapacityLimiter) -> None:
    # Ending a transaction runs in threads of its own (`limiter`), not in the routes' pool: when
    # that pool is full of writers waiting for the write lock, the one holding it must still be
    # able to commit and let them through. Shielded from cancellation: a request whose client
    # went away must still end its transaction, or it would hold the write lock until the
    # garbage collector happened to find the connection.
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(_end, session, commit, limiter=limiter)


def _end(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# "function" scope ends the dependency before the response is sent, so a failed commit
# turns into an error response instead of a 200 for a write that never happened.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
