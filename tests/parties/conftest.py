from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.actions.main import create_app as create_actions_app
from services.common import migrations
from services.common.auth import Role
from services.common.db import create_engine
from services.parties.__main__ import COMMANDS
from services.parties.main import create_app
from services.parties.seed import seed_session
from services.parties.settings import PartiesSettings
from tests.actions.conftest import prepare_database as prepare_actions_database
from tests.actions.conftest import settings_for as actions_settings_for
from tests.calendar import calendar_client
from tests.factories import bearer, create_key, migrate_keys

TODAY = date(2010, 5, 1)
RECORDS_BEGIN = date(2010, 1, 1)


def prepare_database(url: str) -> None:
    """Migrate the keys and parties schemas into one database and seed it."""
    migrate_keys(url)
    migrations.upgrade(COMMANDS.migrations, url)
    engine = create_engine(url)
    with Session(engine) as session:
        seed_session(session, records_begin=RECORDS_BEGIN)
        session.commit()
    engine.dispose()


def settings_for(url: str, today: date = TODAY) -> PartiesSettings:
    return PartiesSettings(
        database_url=url,
        keys_database_url=url,
        environment="test",
        clock_today=today,
        actions_url="http://actions.test",
    )


FORWARDED_HEADERS = frozenset({"if-none-match", "x-request-id"})


def forwarding_transport(client: TestClient) -> httpx.MockTransport:
    """Route the parties service's calls to the actions service to an in-process actions app."""

    def handle(request: httpx.Request) -> httpx.Response:
        # The headers a service's client sends on purpose (a conditional GET, its request id).
        headers = {k: v for k, v in request.headers.items() if k.lower() in FORWARDED_HEADERS}
        answer = client.request(
            request.method, request.url.path, params=dict(request.url.params), headers=headers
        )
        return httpx.Response(
            answer.status_code, content=answer.content, headers=dict(answer.headers)
        )

    return httpx.MockTransport(handle)


@pytest.fixture(scope="session")
def actions_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The actions service in-process, on a seeded SQLite database (it is only read)."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('actions')) / 'actions.db'}"
    prepare_actions_database(url)
    with TestClient(create_actions_app(actions_settings_for(url))) as client:
        yield client


@dataclass
class PartiesApi:
    client: TestClient
    url: str
    admin: dict[str, str]
    committee: dict[str, str]
    nicaragua: dict[str, str]
    ukraine: dict[str, str]


def open_api(url: str, actions_client: TestClient, today: date = TODAY) -> TestClient:
    app = create_app(
        settings_for(url, today),
        actions_transport=forwarding_transport(actions_client),
        reminders_transport=forwarding_transport(calendar_client()),
    )
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def seeded_url(module_database_url: str) -> str:
    prepare_database(module_database_url)
    return module_database_url


@pytest.fixture(scope="module")
def api(seeded_url: str, actions_client: TestClient) -> Iterator[PartiesApi]:
    """A client over a seeded database shared by one module's read-only tests."""
    with open_api(seeded_url, actions_client) as client:
        yield _keys(client, seeded_url)


@pytest.fixture
def writable(database_url: str, actions_client: TestClient) -> Iterator[PartiesApi]:
    """A client over a freshly seeded database of its own."""
    prepare_database(database_url)
    with open_api(database_url, actions_client) as client:
        yield _keys(client, database_url)


def _keys(client: TestClient, url: str) -> PartiesApi:
    return PartiesApi(
        client=client,
        url=url,
        admin=bearer(create_key(url, Role.ADMIN)),
        committee=bearer(create_key(url, Role.COMMITTEE)),
        nicaragua=bearer(create_key(url, Role.STATE, "NIC")),
        ukraine=bearer(create_key(url, Role.STATE, "UKR")),
    )


def etag_of(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.headers["etag"]
