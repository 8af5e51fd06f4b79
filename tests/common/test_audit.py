"""The audit log is written in the same transaction as the change, and vanishes with a rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy import text as sql
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from services.common.audit import append_only_statements, history
from services.common.db import create_engine
from tests.common import app_under_test
from tests.common.conftest import NotesApi


def audit_rows(url: str) -> list[dict]:
    engine = create_engine(url)
    with Session(engine) as session:
        rows = [
            dict(row._mapping)
            for row in session.execute(
                select(app_under_test.audit_log).order_by(app_under_test.audit_log.c.id)
            )
        ]
    engine.dispose()
    return rows


def test_a_write_leaves_one_audit_row_with_who_when_before_after(notes: NotesApi) -> None:
    created = notes.client.post(
        "/notes",
        json={"state": "NIC", "text": "first"},
        headers={**notes.nicaragua, "X-Request-ID": "req-1"},
    )
    note_id = created.json()["id"]
    etag = notes.client.get(f"/notes/{note_id}").headers["etag"]
    notes.client.put(
        f"/notes/{note_id}", json={"text": "second"}, headers={**notes.nicaragua, "If-Match": etag}
    )

    rows = audit_rows(notes.url)
    assert [(r["operation"], r["version"]) for r in rows] == [("create", 1), ("update", 2)]
    create, update = rows
    assert create["actor_role"] == "state"
    assert create["request_id"] == "req-1"
    assert create["before"] is None
    assert create["after"]["text"] == "first"
    assert update["before"]["text"] == "first"
    assert update["after"]["text"] == "second"
    assert update["occurred_at"] is not None


def test_a_rolled_back_write_leaves_no_audit_row(notes: NotesApi) -> None:
    response = notes.client.post(
        "/notes",
        json={"state": "NIC", "text": "doomed"},
        headers={**notes.nicaragua, "fail-after-write": "true"},
    )
    assert response.status_code == 409
    assert notes.client.get("/notes").json()["total"] == 0
    assert audit_rows(notes.url) == []


def test_rejected_writes_leave_no_audit_row(notes: NotesApi) -> None:
    notes.client.post("/notes", json={"state": "NIC", "text": "x"}, headers=notes.ukraine)  # 403
    notes.client.post(
        "/notes", json={"state": "NIC", "text": "x", "id": 4}, headers=notes.nicaragua
    )  # 422
    notes.client.post("/notes", json={"state": "NIC", "text": "x"})  # 401
    assert audit_rows(notes.url) == []


def test_history_returns_an_entitys_rows_oldest_first(notes: NotesApi) -> None:
    note_id = notes.client.post(
        "/notes", json={"state": "NIC", "text": "a"}, headers=notes.nicaragua
    ).json()["id"]
    for text in ("b", "c"):
        etag = notes.client.get(f"/notes/{note_id}").headers["etag"]
        notes.client.put(
            f"/notes/{note_id}", json={"text": text}, headers={**notes.nicaragua, "If-Match": etag}
        )
    engine = create_engine(notes.url)
    with Session(engine) as session:
        rows = history(session, app_under_test.audit_log, entity="note", entity_id=str(note_id))
        count = session.execute(
            select(func.count()).select_from(app_under_test.audit_log)
        ).scalar_one()
    engine.dispose()
    assert [row["after"]["text"] for row in rows] == ["a", "b", "c"]
    assert count == 3


def test_the_database_itself_refuses_to_change_or_delete_audit_rows(notes: NotesApi) -> None:
    notes.client.post("/notes", json={"state": "NIC", "text": "kept"}, headers=notes.nicaragua)
    engine = create_engine(notes.url)
    with engine.begin() as connection:
        for statement in append_only_statements(engine.dialect.name):
            connection.execute(sql(statement))
    table = app_under_test.audit_log
    attempts = [
        update(table).values(actor="someone else"),
        delete(table),
    ]
    for attempt in attempts:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(attempt)
    engine.dispose()

    rows = audit_rows(notes.url)
    assert [(r["operation"], r["actor"] != "someone else") for r in rows] == [("create", True)]
    # Appending still works.
    notes.client.post("/notes", json={"state": "NIC", "text": "more"}, headers=notes.nicaragua)
    assert len(audit_rows(notes.url)) == 2
