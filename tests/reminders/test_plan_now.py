"""POST /reminders/plan: admins plan at once, a few times a minute for all keys together."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.common.auth import Role
from tests.factories import bearer, create_key
from tests.reminders.conftest import (
    PartiesApp,
    RemindersApi,
    add_recipient,
    keys_for,
    open_api,
    prepare_database,
    row_counts,
)


@pytest.fixture
def capped(database_url: str, parties: PartiesApp) -> Iterator[RemindersApi]:
    prepare_database(database_url)
    with open_api(database_url, parties.transport(), plan_now_limit="2/minute") as client:
        yield keys_for(client, database_url)


def test_an_admin_plans_at_once_and_only_an_admin(capped: RemindersApi) -> None:
    assert capped.client.post("/reminders/plan").status_code == 401
    assert capped.client.post("/reminders/plan", headers=capped.nicaragua).status_code == 403
    assert capped.client.post("/reminders/plan", headers=capped.committee).status_code == 403

    add_recipient(
        capped.url, name="Committee member", role="committee_member", email="cc@example.org"
    )

    planned = capped.client.post("/reminders/plan", headers=capped.admin)

    assert planned.status_code == 200, planned.text
    assert planned.json()["created"] == row_counts(capped.url)["outbox"] > 0


def test_planning_now_is_capped_for_all_admin_keys_together(capped: RemindersApi) -> None:
    second_admin = bearer(create_key(capped.url, Role.ADMIN))
    first = capped.client.post("/reminders/plan", headers=capped.admin)
    second = capped.client.post("/reminders/plan", headers=second_admin)
    third = capped.client.post("/reminders/plan", headers=second_admin)

    assert [first.status_code, second.status_code] == [200, 200]
    assert third.status_code == 429
    assert third.headers["content-type"] == "application/problem+json"
    assert int(third.headers["Retry-After"]) >= 1
