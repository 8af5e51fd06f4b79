"""Idempotency-Key on creating requests: a retry creates nothing twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from services.common.db import create_engine
from services.common.idempotency import (
    RETENTION,
    IdempotentRequest,
    remember,
    replay_or_claim,
)
from services.reminders.event_public import EventPublic
from services.reminders.models import idempotency_keys
from tests.reminders.conftest import RemindersApi, row_counts

MEETING = {
    "title": "Special Meeting on cooperation",
    "kind": "special_meeting",
    "start": "2011-03-01",
    "end": "2011-03-02",
    "location": "Geneva",
}


def _post(api: RemindersApi, key: str | None, body: dict[str, str] | None = None, **headers: str):
    extra = {"Idempotency-Key": key} if key is not None else {}
    return api.client.post(
        "/events", json=body or MEETING, headers={**api.admin, **extra, **headers}
    )


def test_the_same_key_and_body_gives_the_first_answer_and_creates_one_event(
    api: RemindersApi,
) -> None:
    before = row_counts(api.url)["events"]

    first = _post(api, "7c0e6b4e-0b1f-4a57-9d7f-3f1b2a9d9e01")
    again = _post(api, "7c0e6b4e-0b1f-4a57-9d7f-3f1b2a9d9e01")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert row_counts(api.url)["events"] == before + 1


def test_the_same_key_with_another_body_is_422_and_creates_nothing(api: RemindersApi) -> None:
    _post(api, "retry-1")
    before = row_counts(api.url)["events"]

    other = _post(api, "retry-1", {**MEETING, "location": "Bangkok"})

    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert "different request" in other.json()["detail"]
    assert row_counts(api.url)["events"] == before


def test_without_a_key_each_request_creates(api: RemindersApi) -> None:
    before = row_counts(api.url)["events"]

    _post(api, None)
    _post(api, None)

    assert row_counts(api.url)["events"] == before + 2


def test_keys_belong_to_the_api_key_that_sent_them(api: RemindersApi) -> None:
    # Two states choosing the same key (say, "1") must not receive each other's answers.
    contact = {"name": "Mine action centre", "email": "cnd@example.org", "language": "es"}
    nicaragua = api.client.post(
        "/parties/NIC/contacts", json=contact, headers={**api.nicaragua, "Idempotency-Key": "1"}
    )
    ukraine = api.client.post(
        "/parties/UKR/contacts", json=contact, headers={**api.ukraine, "Idempotency-Key": "1"}
    )

    assert nicaragua.status_code == ukraine.status_code == 201
    assert nicaragua.json()["id"] != ukraine.json()["id"]
    assert "Idempotent-Replayed" not in ukraine.headers


def test_a_refused_request_keeps_no_key_and_may_be_corrected(api: RemindersApi) -> None:
    bad = _post(api, "fix-me", {**MEETING, "end": "2011-02-01"})  # ends before it starts
    corrected = _post(api, "fix-me")

    assert bad.status_code == 422
    assert corrected.status_code == 201
    assert row_counts(api.url)["idempotency_keys"] == 1


@pytest.mark.parametrize("key", ["", "has space", "x" * 256])
def test_a_malformed_key_is_422(api: RemindersApi, key: str) -> None:
    before = row_counts(api.url)["events"]

    response = _post(api, key)

    assert response.status_code == 422
    assert row_counts(api.url)["events"] == before


def test_concurrent_duplicates_create_one_event(api: RemindersApi) -> None:
    before = row_counts(api.url)["events"]
    answers = []
    lock = threading.Lock()

    def send() -> None:
        response = _post(api, "concurrent-1")
        with lock:
            answers.append(response)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    created = [a for a in answers if a.status_code == 201]
    # Each duplicate either finds the first finished (its answer again) or, on PostgreSQL, still
    # running (409); never a second event.
    assert all(a.status_code in (201, 409) for a in answers), [a.text for a in answers]
    assert len({a.json()["id"] for a in created}) == 1
    assert row_counts(api.url)["events"] == before + 1


def test_a_key_older_than_the_retention_starts_afresh(api: RemindersApi) -> None:
    claim = IdempotentRequest(key_id="k1", key="old", fingerprint="a" * 64)
    then = datetime(2010, 5, 1, 8, tzinfo=UTC)
    engine = create_engine(api.url)
    answer = EventPublic.model_validate(api.client.get("/events/1").json())
    with Session(engine) as session:
        assert replay_or_claim(session, idempotency_keys, claim, now=then) is None
        remember(session, idempotency_keys, claim, status_code=201, body=answer, headers={})
        session.commit()
    with Session(engine) as session:
        within = replay_or_claim(session, idempotency_keys, claim, now=then + RETENTION)
        later = replay_or_claim(
            session, idempotency_keys, claim, now=then + RETENTION + timedelta(seconds=1)
        )
        session.rollback()
    engine.dispose()

    assert within is not None and within.status_code == 201
    assert later is None  # claimed anew
