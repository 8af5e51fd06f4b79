"""ETags on single resources; `If-Match` required on updates (428 without, 412 when stale)."""

from __future__ import annotations

from tests.common.conftest import NotesApi


def create_note(notes: NotesApi, text: str = "first") -> int:
    response = notes.client.post(
        "/notes", json={"state": "NIC", "text": text}, headers=notes.nicaragua
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_get_one_carries_an_etag_and_honours_if_none_match(notes: NotesApi) -> None:
    note_id = create_note(notes)
    first = notes.client.get(f"/notes/{note_id}")
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = notes.client.get(f"/notes/{note_id}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_update_without_if_match_is_428(notes: NotesApi) -> None:
    note_id = create_note(notes)
    response = notes.client.put(
        f"/notes/{note_id}", json={"text": "second"}, headers=notes.nicaragua
    )
    assert response.status_code == 428
    assert response.headers["content-type"] == "application/problem+json"
    assert notes.client.get(f"/notes/{note_id}").json()["text"] == "first"


def test_update_with_current_etag_succeeds_and_returns_the_new_one(notes: NotesApi) -> None:
    note_id = create_note(notes)
    etag = notes.client.get(f"/notes/{note_id}").headers["etag"]
    response = notes.client.put(
        f"/notes/{note_id}", json={"text": "second"}, headers={**notes.nicaragua, "If-Match": etag}
    )
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 2
    assert response.headers["etag"] != etag
    assert response.headers["etag"] == notes.client.get(f"/notes/{note_id}").headers["etag"]


def test_stale_if_match_is_412_and_nothing_is_lost(notes: NotesApi) -> None:
    note_id = create_note(notes)
    etag = notes.client.get(f"/notes/{note_id}").headers["etag"]
    headers = {**notes.nicaragua, "If-Match": etag}
    assert (
        notes.client.put(
            f"/notes/{note_id}", json={"text": "writer A"}, headers=headers
        ).status_code
        == 200
    )
    late = notes.client.put(f"/notes/{note_id}", json={"text": "writer B"}, headers=headers)
    assert late.status_code == 412
    assert late.json()["current_etag"] == notes.client.get(f"/notes/{note_id}").headers["etag"]
    assert notes.client.get(f"/notes/{note_id}").json() == {
        "id": note_id,
        "state": "NIC",
        "text": "writer A",
        "version": 2,
    }


def test_weak_if_match_does_not_satisfy_an_update(notes: NotesApi) -> None:
    note_id = create_note(notes)
    etag = notes.client.get(f"/notes/{note_id}").headers["etag"]
    response = notes.client.put(
        f"/notes/{note_id}",
        json={"text": "x"},
        headers={**notes.nicaragua, "If-Match": f"W/{etag}"},
    )
    assert response.status_code == 412
