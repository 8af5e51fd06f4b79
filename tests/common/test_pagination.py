"""Lists answer {items, total, limit, offset}; limit defaults to 100 and is refused above 500."""

from __future__ import annotations

import pytest

from tests.common.conftest import NotesApi


@pytest.fixture
def seven_notes(notes: NotesApi) -> NotesApi:
    for number in range(7):
        response = notes.client.post(
            "/notes", json={"state": "NIC", "text": f"n{number}"}, headers=notes.nicaragua
        )
        assert response.status_code == 201
    return notes


def test_default_page(seven_notes: NotesApi) -> None:
    body = seven_notes.client.get("/notes").json()
    assert (body["total"], body["limit"], body["offset"], len(body["items"])) == (7, 100, 0, 7)


def test_window(seven_notes: NotesApi) -> None:
    body = seven_notes.client.get("/notes", params={"limit": 3, "offset": 5}).json()
    assert [item["text"] for item in body["items"]] == ["n5", "n6"]
    assert (body["total"], body["limit"], body["offset"]) == (7, 3, 5)


def test_maximum_limit_is_accepted(seven_notes: NotesApi) -> None:
    assert seven_notes.client.get("/notes", params={"limit": 500}).status_code == 200


@pytest.mark.parametrize(
    "params", [{"limit": 501}, {"limit": 100000}, {"limit": 0}, {"offset": -1}, {"limit": "ten"}]
)
def test_out_of_range_window_is_422(seven_notes: NotesApi, params: dict) -> None:
    response = seven_notes.client.get("/notes", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
