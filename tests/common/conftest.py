from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from services.common.auth import Role
from services.common.db import create_engine
from services.common.settings import ServiceSettings
from tests.common import app_under_test
from tests.factories import bearer, create_key, migrate_keys


@dataclass
class NotesApi:
    client: TestClient
    url: str
    admin: dict[str, str]
    committee: dict[str, str]
    nicaragua: dict[str, str]
    ukraine: dict[str, str]


def build_settings(url: str) -> ServiceSettings:
    return ServiceSettings(database_url=url, keys_database_url=url, environment="test")


@pytest.fixture
def notes_db(database_url: str) -> str:
    engine = create_engine(database_url)
    app_under_test.metadata.create_all(engine)
    engine.dispose()
    migrate_keys(database_url)
    return database_url


@pytest.fixture
def notes(notes_db: str) -> Iterator[NotesApi]:
    app = app_under_test.create_app(build_settings(notes_db))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield NotesApi(
            client=client,
            url=notes_db,
            admin=bearer(create_key(notes_db, Role.ADMIN)),
            committee=bearer(create_key(notes_db, Role.COMMITTEE)),
            nicaragua=bearer(create_key(notes_db, Role.STATE, "NIC")),
            ukraine=bearer(create_key(notes_db, Role.STATE, "UKR")),
        )
