"""`python -m bench`: which databases a run measures, and the PostgreSQL databases it makes."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bench.options import chosen_databases
from bench.stack import Databases, database_name
from tools.postgres import libpq_url

SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def test_chosen_databases_are_sqlite_without_a_server() -> None:
    assert chosen_databases(None, None) == ["sqlite"]


def test_chosen_databases_add_postgresql_given_a_server() -> None:
    assert chosen_databases(None, SERVER) == ["sqlite", "postgresql"]


def test_chosen_databases_may_be_postgresql_alone() -> None:
    assert chosen_databases(" postgresql ", SERVER) == ["postgresql"]


def test_chosen_databases_refuse_postgresql_without_a_server() -> None:
    with pytest.raises(ValueError, match="BENCH_POSTGRES_URL"):
        chosen_databases("sqlite,postgresql", None)


@pytest.mark.parametrize("names", ["mysql", "sqlite,oracle", ","])
def test_chosen_databases_refuse_unknown_names(names: str) -> None:
    with pytest.raises(ValueError, match="--databases"):
        chosen_databases(names, SERVER)


def test_database_names_differ_between_runs() -> None:
    assert database_name("parties", 41) != database_name("parties", 42)
    assert database_name("keys", 41).startswith("cm_bench_")


def exists(server_url: str, url: str) -> bool:
    with psycopg.connect(libpq_url(server_url)) as connection:
        query = "SELECT count(*) FROM pg_database WHERE datname = %s"
        row = connection.execute(query, (make_url(url).database,)).fetchone()
    return row is not None and row[0] == 1


def test_postgresql_databases_are_dropped_when_the_run_ends(
    postgres_admin_url: str, tmp_path: Path
) -> None:
    made: list[str] = []

    def interrupted_run() -> None:
        with ExitStack() as cleanup:
            made.append(Databases(tmp_path, cleanup, postgres_admin_url).new("keys"))
            assert exists(postgres_admin_url, made[0])
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted_run()
    assert not exists(postgres_admin_url, made[0])
