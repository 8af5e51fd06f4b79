"""Health, readiness, metrics, request ids and JSON logs."""

from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient

from services.common.observability import configure_logging
from services.common.settings import ServiceSettings
from tests.common import app_under_test
from tests.common.conftest import NotesApi


def test_healthz_answers(notes: NotesApi) -> None:
    assert notes.client.get("/healthz").json() == {"status": "ok"}


def test_readyz_checks_the_database(notes: NotesApi) -> None:
    assert notes.client.get("/readyz").json() == {
        "status": "ready",
        "checks": {"database": "ok", "keys": "ok"},
    }


def test_readyz_is_503_when_the_database_is_unreachable(notes_db: str, tmp_path) -> None:
    # The keys database is a directory, so SQLite cannot open it.
    settings = ServiceSettings(
        database_url=notes_db, keys_database_url=f"sqlite:///{tmp_path}", environment="test"
    )
    with TestClient(app_under_test.create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["keys"].startswith("unavailable")


def test_metrics_count_requests_by_route(notes: NotesApi) -> None:
    notes.client.get("/notes")
    notes.client.get("/notes/999")
    text = notes.client.get("/metrics").text
    assert 'handler="/notes"' in text
    assert 'handler="/notes/{note_id}"' in text
    assert 'status="404"' in text


def test_request_id_is_echoed_or_made(notes: NotesApi) -> None:
    given = notes.client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = notes.client.get("/healthz")
    assert len(made.headers["x-request-id"]) == 32
    unsafe = notes.client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert unsafe.headers["x-request-id"] != "bad id\twith spaces"


def test_errors_carry_the_request_id_too(notes: NotesApi) -> None:
    response = notes.client.get("/nowhere", headers={"X-Request-ID": "trace-404"})
    assert response.headers["x-request-id"] == "trace-404"


def test_logs_are_json_lines_with_the_request_id(notes: NotesApi, capfd) -> None:
    configure_logging(level="INFO", json=True, service="test")
    try:
        notes.client.get("/notes", headers={"X-Request-ID": "log-me", **notes.nicaragua})
    finally:
        logging.getLogger().handlers[:] = []
    lines = [
        json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")
    ]
    access = [line for line in lines if line.get("logger") == "cartagena.access"]
    assert access, lines
    assert access[-1]["request_id"] == "log-me"
    assert access[-1]["status"] == 200
    assert access[-1]["service"] == "test"
    key = notes.nicaragua["Authorization"].split()[1]
    assert all(key not in json.dumps(line) for line in lines)
