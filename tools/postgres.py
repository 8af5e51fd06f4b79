"""Throwaway PostgreSQL databases for tests and benchmarks: created on a server, dropped after."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url


def libpq_url(url: str) -> str:
    """Return a database URL as libpq reads it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database(server_url: str, name: str) -> str:
    """Create database `name` on the server `server_url` connects to; return its URL."""
    with psycopg.connect(libpq_url(server_url), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, url: str) -> None:
    """Drop the database `url` names, closing the connections still open to it."""
    name = make_url(url).database
    with psycopg.connect(libpq_url(server_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database(server_url: str, name: str) -> Iterator[str]:
    """Create database `name` for the block and drop it afterwards, whatever happens."""
    url = create_database(server_url, name)
    try:
        yield url
    finally:
        drop_database(server_url, url)


def server_version(server_url: str) -> str:
    """The server's version, e.g. `15.4`."""
    with psycopg.connect(libpq_url(server_url)) as connection:
        number = connection.info.server_version  # 150004 for 15.4 (PostgreSQL 10 and later)
    return f"{number // 10_000}.{number % 10_000}"
