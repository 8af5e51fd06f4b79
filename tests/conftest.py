"""Fixtures shared by the whole suite: databases on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
import secrets
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import stamina
from sqlalchemy.engine import make_url

from tests.served import Services, start_services
from tools.postgres import create_database, drop_database, libpq_url

POSTGRES_URL_ENV = "TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


def pytest_configure(config: pytest.Config) -> None:
    # Retries in service clients must not sleep in tests.
    stamina.set_testing(True, attempts=2)
    # `setup` in development keeps a webhook signing secret in a file: the suite's servers
    # keep theirs in a folder of the run, never in the project's var/.
    secrets_folder = Path(tempfile.mkdtemp(prefix="cm-test-secrets-"))
    os.environ["REMINDERS_DEVELOPMENT_WEBHOOK_SECRET_FILE"] = str(secrets_folder / "webhook")


def postgres_base_url() -> str | None:
    """Return the PostgreSQL server the suite may create databases on, if one is configured."""
    return os.environ.get(POSTGRES_URL_ENV) or None


def _skip_without_postgres() -> None:
    if postgres_base_url() is None:
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_URL_ENV}=postgresql://user@host:port/db "
            "(.ci/run sets it; CI treats this skip as a failure)"
        )


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The configured PostgreSQL URL (the database the suite creates its own databases from)."""
    _skip_without_postgres()
    url = postgres_base_url()
    assert url is not None
    return url


def create_postgres_database(base_url: str) -> str:
    """Create a fresh, uniquely named database next to `base_url`'s; return its URL."""
    return create_database(base_url, f"{make_url(base_url).database}_{uuid.uuid4().hex[:12]}")


def _fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    _skip_without_postgres()
    base = postgres_base_url()
    assert base is not None
    url = create_postgres_database(base)
    try:
        yield url
    finally:
        drop_database(base, url)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend."""
    yield from _fresh_database(request.param, tmp_path)


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database on each backend, shared by the tests of one module (read-only tests)."""
    yield from _fresh_database(request.param, tmp_path_factory.mktemp("db"))


@dataclass(frozen=True)
class RuntimeRole:
    """A fresh database, the URL of the role that owns it, and a login role of its own."""

    name: str
    owner_url: str
    url: str


@pytest.fixture
def runtime_role(postgres_admin_url: str) -> Iterator[RuntimeRole]:
    """A fresh PostgreSQL database and a uniquely named login role, both gone afterwards."""
    # Roles belong to the whole cluster, not to the database: a unique name keeps parallel runs
    # apart, and the finalizer must drop it explicitly.
    name = f"cm_runtime_{secrets.token_hex(6)}"
    password = secrets.token_hex(16)
    with psycopg.connect(libpq_url(postgres_admin_url), autocommit=True) as connection:
        connection.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
    owner_url = create_postgres_database(postgres_admin_url)
    url = make_url(owner_url).set(username=name, password=password)
    try:
        yield RuntimeRole(name, owner_url, url.render_as_string(hide_password=False))
    finally:
        with psycopg.connect(libpq_url(owner_url), autocommit=True) as connection:
            connection.execute(f"DROP OWNED BY {name}")
        drop_database(postgres_admin_url, owner_url)
        with psycopg.connect(libpq_url(postgres_admin_url), autocommit=True) as connection:
            connection.execute(f"DROP ROLE IF EXISTS {name}")


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The three services, seeded, as processes on loopback for the whole session. Shared: a test
    using them may read, and may write only what the services refuse (nothing may change)."""
    with ExitStack() as stack:
        yield start_services(stack, tmp_path_factory.mktemp("services"))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI every test must run: a skipped test fails the run."""
    if os.environ.get("CI", "").lower() != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and exitstatus == 0:
        print(f"\nCI: {skipped} test(s) skipped; in CI a skip is a failure.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Print each distinct skip reason once, with how many tests it skipped."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = (
            str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        )
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"SKIPPED {count} test(s): {reason}")
