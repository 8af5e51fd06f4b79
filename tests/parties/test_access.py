"""Every write route with a foreign state key: 403, and nothing changes (BOLA matrix)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from services.common.db import create_engine
from services.common.spreadsheets import XLSX
from services.parties.models import metadata
from tests.factories import workbook_of
from tests.parties.conftest import PartiesApi, etag_of

Request = Callable[[PartiesApi, dict[str, str]], object]


def _commitment(api: PartiesApi, headers: dict[str, str]):
    path = "/parties/NIC/commitments/1"
    return api.client.put(
        path,
        json={"status": "completed"},
        headers={**headers, "If-Match": etag_of(api.client, path)},
    )


def _commitments_csv(api: PartiesApi, headers: dict[str, str]):
    return api.client.post(
        "/parties/NIC/commitments.csv",
        content=b"action,status,version\n1,completed,0\n",
        headers={**headers, "content-type": "text/csv"},
    )


def _commitments_xlsx(api: PartiesApi, headers: dict[str, str]):
    return api.client.post(
        "/parties/NIC/commitments.xlsx",
        content=workbook_of([["action", "status", "version"], [1, "completed", 0]]),
        headers={**headers, "content-type": XLSX},
    )


def _obligations(api: PartiesApi, headers: dict[str, str]):
    path = "/parties/NIC/obligations"
    return api.client.put(
        path,
        json={"article3_mines_retained": 5},
        headers={**headers, "If-Match": etag_of(api.client, path)},
    )


def _report(api: PartiesApi, headers: dict[str, str]):
    return api.client.post(
        "/parties/NIC/article7-reports",
        json={"period": "2009", "submitted_on": "2010-04-20"},
        headers=headers,
    )


def _extension_request(api: PartiesApi, headers: dict[str, str]):
    return api.client.post(
        "/parties/TJK/extension-requests",
        json={"requested_deadline": "2021-04-01", "explanation": "x"},
        headers=headers,
    )


def _membership(api: PartiesApi, headers: dict[str, str]):
    path = "/states/NIC/membership"
    return api.client.put(
        path,
        json={"status": "non_party", "source": "test"},
        headers={**headers, "If-Match": etag_of(api.client, path)},
    )


STATE_WRITES: dict[str, Request] = {
    "commitment": _commitment,
    "commitments.csv": _commitments_csv,
    "commitments.xlsx": _commitments_xlsx,
    "obligations": _obligations,
    "article7 report": _report,
    "extension request": _extension_request,
}


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with Session(engine) as session:
        counts = {
            name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
            if name != "known_actions"
        }
    engine.dispose()
    return counts


@pytest.mark.parametrize("route", sorted(STATE_WRITES))
def test_a_foreign_state_key_is_403_and_changes_nothing(writable: PartiesApi, route: str) -> None:
    before = row_counts(writable.url)
    response = STATE_WRITES[route](writable, writable.ukraine)
    assert response.status_code == 403, response.text  # type: ignore[attr-defined]
    assert row_counts(writable.url) == before


@pytest.mark.parametrize("route", sorted(STATE_WRITES))
def test_no_key_is_401_and_changes_nothing(writable: PartiesApi, route: str) -> None:
    before = row_counts(writable.url)
    assert STATE_WRITES[route](writable, {}).status_code == 401  # type: ignore[attr-defined]
    assert row_counts(writable.url) == before


@pytest.mark.parametrize("route", sorted(STATE_WRITES))
def test_a_committee_key_cannot_write_state_data(writable: PartiesApi, route: str) -> None:
    before = row_counts(writable.url)
    assert STATE_WRITES[route](writable, writable.committee).status_code == 403  # type: ignore[attr-defined]
    assert row_counts(writable.url) == before


@pytest.mark.parametrize("route", sorted(STATE_WRITES))
def test_the_own_state_key_may_write(writable: PartiesApi, route: str) -> None:
    headers = writable.nicaragua
    if route == "extension request":  # Tajikistan's own key for Tajikistan's request
        from services.common.auth import Role
        from tests.factories import bearer, create_key

        headers = bearer(create_key(writable.url, Role.STATE, "TJK"))
    response = STATE_WRITES[route](writable, headers)
    assert response.status_code in (200, 201), response.text  # type: ignore[attr-defined]


def test_admin_routes_refuse_state_keys(writable: PartiesApi) -> None:
    before = row_counts(writable.url)
    assert _membership(writable, writable.nicaragua).status_code == 403
    assert _membership(writable, writable.committee).status_code == 403
    assert row_counts(writable.url) == before


def test_no_response_carries_a_key(writable: PartiesApi) -> None:
    key = writable.nicaragua["Authorization"].split()[1]
    _commitment(writable, writable.nicaragua)
    for path in (
        "/parties/NIC/commitments/1/history",
        "/changes?since=2010-01-01",
        "/states/NIC",
        "/parties/NIC/commitments",
    ):
        text = writable.client.get(path).text
        # The secret is what follows "cm_<key id>_" (it may itself hold underscores).
        assert key not in text and key.split("_", 2)[2] not in text
