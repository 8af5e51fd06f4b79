from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.actions.__main__ import COMMANDS
from services.actions.main import create_app
from services.actions.seed import seed_session
from services.actions.settings import ActionsSettings
from services.common import migrations
from services.common.auth import Role
from services.common.clock import Clock
from services.common.db import create_engine
from tests.factories import bearer, create_key, migrate_keys

TODAY = date(2010, 6, 1)


def prepare_database(url: str) -> None:
    """Migrate the keys and actions schemas into one database and seed the plan."""
    migrate_keys(url)
    migrations.upgrade(COMMANDS.migrations, url)
    engine = create_engine(url)
    with Session(engine) as session:
        seed_session(session, clock=Clock(TODAY))
        session.commit()
    engine.dispose()


def settings_for(url: str) -> ActionsSettings:
    return ActionsSettings(
        database_url=url, keys_database_url=url, environment="test", clock_today=TODAY
    )


@dataclass
class ActionsApi:
    client: TestClient
    url: str


@pytest.fixture(scope="module")
def seeded_url(module_database_url: str) -> str:
    prepare_database(module_database_url)
    return module_database_url


@pytest.fixture(scope="module")
def api(seeded_url: str) -> Iterator[ActionsApi]:
    """A read-only client over a seeded database shared by a module's tests."""
    with TestClient(create_app(settings_for(seeded_url)), raise_server_exceptions=False) as client:
        yield ActionsApi(client, seeded_url)


@dataclass
class WritableActionsApi(ActionsApi):
    committee: dict[str, str]
    admin: dict[str, str]
    state: dict[str, str]


@pytest.fixture
def writable(database_url: str) -> Iterator[WritableActionsApi]:
    """A client over a freshly seeded database of its own, with keys of every role."""
    prepare_database(database_url)
    with TestClient(
        create_app(settings_for(database_url)), raise_server_exceptions=False
    ) as client:
        yield WritableActionsApi(
            client,
            database_url,
            committee=bearer(create_key(database_url, Role.COMMITTEE)),
            admin=bearer(create_key(database_url, Role.ADMIN)),
            state=bearer(create_key(database_url, Role.STATE, "NIC")),
        )
