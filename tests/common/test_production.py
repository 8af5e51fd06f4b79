"""Production mode refuses unsafe settings; CORS only for listed origins; security headers."""

from __future__ import annotations

import os
import subprocess
from typing import ClassVar

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from services.common.app import UnfitForProduction
from services.common.settings import PROJECT_ROOT, ServiceSettings
from tests.common import app_under_test
from tests.common.conftest import NotesApi, build_settings
from tools.processes import python_module

POSTGRES_WITH_PASSWORD = "postgresql://monitor:s3cr3t-Pa55@db.internal:5432/actions"


class WithSecret(ServiceSettings):
    secret_fields: ClassVar[tuple[str, ...]] = ("signing_secret",)
    signing_secret: SecretStr = SecretStr("")


def production(**values: object) -> ServiceSettings:
    defaults = {"database_url": POSTGRES_WITH_PASSWORD, "keys_database_url": POSTGRES_WITH_PASSWORD}
    return ServiceSettings(environment="production", **{**defaults, **values})  # type: ignore[arg-type]


def test_sqlite_is_refused_in_production() -> None:
    settings = ServiceSettings(environment="production")
    problems = settings.production_problems()
    assert any(p.startswith("DATABASE_URL") for p in problems)
    assert any(p.startswith("KEYS_DATABASE_URL") for p in problems)
    with pytest.raises(UnfitForProduction):
        app_under_test.create_app(settings)


def test_a_database_without_a_password_is_refused_in_production() -> None:
    settings = production(database_url="postgresql://postgres@db.internal:5432/actions")
    assert [p for p in settings.production_problems() if p.startswith("DATABASE_URL")]


@pytest.mark.parametrize("secret", ["", "change-me", "CHANGEME", "secret"])
def test_missing_or_default_secrets_are_refused(secret: str) -> None:
    settings = WithSecret(
        environment="production",
        database_url=POSTGRES_WITH_PASSWORD,
        keys_database_url=POSTGRES_WITH_PASSWORD,
        signing_secret=SecretStr(secret),
    )
    assert settings.production_problems() == [
        "SIGNING_SECRET is missing or left at a default value"
    ]


def test_sound_production_settings_pass_and_close_the_docs() -> None:
    assert production().production_problems() == []
    assert production().docs_open is False
    assert production(docs_enabled=True).docs_open is True
    assert ServiceSettings().docs_open is True
    assert WithSecret().production_problems() == []  # development asks nothing


def test_the_docs_are_closed_when_not_asked_for(notes_db: str) -> None:
    settings = ServiceSettings(
        database_url=notes_db, keys_database_url=notes_db, docs_enabled=False
    )
    with TestClient(app_under_test.create_app(settings)) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/openapi.json").status_code == 404


def test_security_headers_on_every_response(notes: NotesApi) -> None:
    for response in (
        notes.client.get("/notes"),
        notes.client.get("/nowhere"),
        notes.client.post("/notes", json={}),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"


def test_cors_only_for_listed_origins(notes_db: str) -> None:
    settings = build_settings(notes_db).model_copy(
        update={"cors_origins": ["https://committee.example"]}
    )
    preflight = {"Access-Control-Request-Method": "PUT"}
    with TestClient(app_under_test.create_app(settings)) as client:
        allowed = client.options(
            "/notes", headers={"Origin": "https://committee.example", **preflight}
        )
        refused = client.options("/notes", headers={"Origin": "https://evil.example", **preflight})
    assert allowed.headers["access-control-allow-origin"] == "https://committee.example"
    assert "access-control-allow-origin" not in refused.headers
    with TestClient(app_under_test.create_app(build_settings(notes_db))) as client:
        response = client.get("/notes", headers={"Origin": "https://committee.example"})
        assert "access-control-allow-origin" not in response.headers


def test_a_service_refuses_to_start_in_production_with_sqlite() -> None:
    result = subprocess.run(
        python_module("services.actions", "serve"),
        cwd=PROJECT_ROOT,
        env={**os.environ, "ENVIRONMENT": "production"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "refusing to start in production" in result.stderr
