"""Rate limits: per API key, far lower for bad keys, answered as 429 problem+json."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from services.common.auth import Role
from services.common.settings import ServiceSettings
from tests.common import app_under_test
from tests.factories import bearer, create_key


@pytest.fixture
def limited(notes_db: str) -> Iterator[TestClient]:
    settings = ServiceSettings(
        database_url=notes_db,
        keys_database_url=notes_db,
        environment="test",
        rate_limit_per_key="5/minute",
        rate_limit_failed_auth="3/minute",
    )
    with TestClient(app_under_test.create_app(settings), raise_server_exceptions=False) as client:
        yield client


def test_a_key_is_refused_with_retry_after_once_its_limit_is_used(
    limited: TestClient, notes_db: str
) -> None:
    key = bearer(create_key(notes_db, Role.STATE, "NIC"))
    statuses = [limited.get("/principal", headers=key).status_code for _ in range(5)]
    refused = limited.get("/principal", headers=key)

    assert statuses == [200] * 5
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_one_key_using_its_limit_leaves_other_keys_and_anonymous_reads_alone(
    limited: TestClient, notes_db: str
) -> None:
    busy = bearer(create_key(notes_db, Role.STATE, "NIC"))
    other = bearer(create_key(notes_db, Role.STATE, "UKR"))
    for _ in range(6):
        limited.get("/principal", headers=busy)

    assert limited.get("/principal", headers=busy).status_code == 429
    assert limited.get("/principal", headers=other).json() == {"role": "state", "state": "UKR"}
    assert limited.get("/principal").status_code == 200


def test_a_refused_write_changes_nothing(limited: TestClient, notes_db: str) -> None:
    key = bearer(create_key(notes_db, Role.STATE, "NIC"))
    for _ in range(5):
        limited.get("/principal", headers=key)

    refused = limited.post("/notes", json={"state": "NIC", "text": "late"}, headers=key)

    assert refused.status_code == 429
    assert limited.get("/notes").json()["total"] == 0


def test_bad_keys_are_throttled_harder_but_a_valid_key_from_the_same_address_never_waits(
    limited: TestClient, notes_db: str
) -> None:
    good = bearer(create_key(notes_db, Role.ADMIN))
    guesses = [
        limited.get("/principal", headers=bearer(f"guess-{n}")).status_code for n in range(3)
    ]
    valid_meanwhile = limited.get("/principal", headers=good)
    one_too_many = limited.get("/principal", headers=bearer("guess-3"))
    valid_after = limited.get("/principal", headers=good)

    # The limit of 3 failed attempts admits exactly 3; the 4th is refused, with Retry-After.
    assert guesses == [401, 401, 401]
    assert one_too_many.status_code == 429
    assert "Retry-After" in one_too_many.headers
    # Valid keys neither count against nor are refused by the failed-key limit.
    assert valid_meanwhile.status_code == 200
    assert valid_after.status_code == 200


def test_429_is_declared_in_the_openapi_document(limited: TestClient) -> None:
    operation = limited.get("/openapi.json").json()["paths"]["/principal"]["get"]

    assert "429" in operation["responses"]


@pytest.mark.parametrize("limit", ["", "many", "5 per fortnight", "-1/minute"])
def test_a_limit_that_does_not_parse_is_refused_at_start(limit: str) -> None:
    with pytest.raises(ValidationError):
        ServiceSettings(rate_limit_per_key=limit)
