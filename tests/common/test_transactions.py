"""A write transaction waits for nothing outside itself: a network call or a second database
session begun inside one is refused, the transaction rolls back, and the write turn is free."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import Session, select

from services.common.db import create_engine, write_session
from services.common.transactions import NestedWork, ensure_outside_write_transaction
from tests.common.app_under_test import Note
from tests.common.conftest import NotesApi


def _note(notes: NotesApi) -> int:
    created = notes.client.post("/notes", json={"state": "NIC", "text": "x"}, headers=notes.admin)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


@pytest.mark.parametrize("how", ["network", "session"])
def test_inside_a_write_transaction_a_call_out_is_refused_and_nothing_is_written(
    notes: NotesApi, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    note = _note(notes)
    with caplog.at_level(logging.ERROR):
        refused = notes.client.put(
            f"/notes/{note}/checked", headers={**notes.admin, "check-with": how}
        )
    assert refused.status_code == 500
    assert refused.headers["content-type"] == "application/problem+json"
    assert any("inside a write transaction" in str(r.exc_info) for r in caplog.records)
    assert notes.client.get(f"/notes/{note}").json()["text"] == "x"  # rolled back
    # The write turn was given back: the next writer goes through at once.
    assert _note(notes) == note + 1


@pytest.mark.parametrize("how", ["network", "session"])
def test_before_the_transaction_begins_a_call_out_is_fine(notes: NotesApi, how: str) -> None:
    note = _note(notes)
    answer = notes.client.put(
        f"/notes/{note}/checked",
        headers={**notes.admin, "check-with": how, "check-first": "true"},
    )
    assert answer.status_code == 200, answer.text
    assert notes.client.get(f"/notes/{note}").json()["text"] == "x (checked)"


def test_a_job_write_session_refuses_a_call_out_and_commits_otherwise(notes_db: str) -> None:
    engine = create_engine(notes_db)
    try:
        with write_session(engine) as session:
            session.add(Note(state="NIC", text="not kept"))
            session.flush()
            with pytest.raises(NestedWork):
                ensure_outside_write_transaction("a call to the parties service")
            session.rollback()
        with write_session(engine) as session:
            ensure_outside_write_transaction("a call before anything is read")  # not yet begun
            session.add(Note(state="NIC", text="kept"))
        with Session(engine) as session:
            assert [n.text for n in session.exec(select(Note)).all()] == ["kept"]
    finally:
        engine.dispose()
