"""Engines: SQLite in WAL with a busy timeout and foreign keys; PostgreSQL through psycopg 3."""

from __future__ import annotations

import gc
import threading

import pytest
from sqlalchemy import text

from services.common.db import create_engine, normalize_url, writer


def test_postgres_urls_use_psycopg3() -> None:
    assert (
        normalize_url("postgresql://postgres@127.0.0.1:5432/x").drivername == "postgresql+psycopg"
    )
    assert normalize_url("postgres://u@h/x").drivername == "postgresql+psycopg"
    assert normalize_url("postgresql+psycopg://u@h/x").drivername == "postgresql+psycopg"


def test_sqlite_pragmas(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    engine.dispose()


def test_postgres_engine_pre_pings(postgres_admin_url: str) -> None:
    engine = create_engine(postgres_admin_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    assert engine.dialect.driver == "psycopg"
    assert engine.pool._pre_ping
    engine.dispose()


def test_sqlite_writers_queue_instead_of_failing(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))
    errors: list[Exception] = []

    def increment() -> None:
        for _ in range(50):
            try:
                with writer(engine).begin() as connection:
                    value = connection.execute(text("SELECT n FROM counter")).scalar_one()
                    connection.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})
            except Exception as exc:  # collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=increment) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == 200
    assert errors == []
    engine.dispose()


def abandon_a_write(engine) -> None:
    """Begin a write and drop it, as an abandoned request does: no commit, no rollback, no close."""
    connection = writer(engine).connect()
    connection.begin()
    connection.execute(text("INSERT INTO t VALUES (1)"))
    del connection
    gc.collect()  # the pool takes the connection back and rolls it back itself


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
def test_a_writer_abandoned_without_commit_gives_its_turn_back(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
    abandon_a_write(engine)
    done = threading.Event()

    def write() -> None:
        with writer(engine).begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (2)"))
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(15)
    assert done.is_set()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM t")).scalars().all() == [2]
    engine.dispose()
