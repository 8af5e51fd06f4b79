"""Commitments: each party writes its own, with If-Match; history is append-only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from services.common.db import create_engine
from services.parties.models import audit_log
from tests.parties.conftest import PartiesApi, etag_of

UPDATE = {
    "status": "in_progress",
    "target_date": "2012-12-31",
    "narrative": "National plan drafted.",
    "evidence_url": "https://example.org/plan.pdf",
}


def audit_count(url: str) -> int:
    engine = create_engine(url)
    with Session(engine) as session:
        count = session.execute(
            select(func.count()).select_from(audit_log).where(audit_log.c.actor != "system")
        ).scalar_one()
    engine.dispose()
    return count


def put(api: PartiesApi, path: str, body: dict, headers: dict, etag: str | None = None):
    extra = {"If-Match": etag} if etag else {}
    return api.client.put(path, json=body, headers={**headers, **extra})


def test_list_holds_every_action_that_binds_the_party(writable: PartiesApi) -> None:
    body = writable.client.get("/parties/NIC/commitments", params={"limit": 500}).json()
    numbers = [item["action_number"] for item in body["items"]]
    assert 1 in numbers and 23 in numbers  # all parties; significant numbers of survivors
    assert 7 not in numbers  # Nicaragua never missed an Article 4 deadline
    # Nothing written yet: no status at all, never a default "not started".
    assert all(
        (item["version"], item["status"], item["basis"]) == (0, None, "not_recorded")
        for item in body["items"]
    )


def test_state_updates_its_own_commitment(writable: PartiesApi) -> None:
    path = "/parties/NIC/commitments/2"
    etag = etag_of(writable.client, path)
    response = put(writable, path, UPDATE, writable.nicaragua, etag)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["version"], body["target_date"]) == (
        "in_progress",
        1,
        "2012-12-31",
    )
    assert response.headers["etag"] == etag_of(writable.client, path)
    assert response.headers["etag"] != etag


def test_update_without_if_match_is_428_and_stale_is_412(writable: PartiesApi) -> None:
    path = "/parties/NIC/commitments/2"
    assert put(writable, path, UPDATE, writable.nicaragua).status_code == 428
    etag = etag_of(writable.client, path)
    assert put(writable, path, UPDATE, writable.nicaragua, etag).status_code == 200
    late = put(writable, path, {**UPDATE, "status": "completed"}, writable.nicaragua, etag)
    assert late.status_code == 412
    assert writable.client.get(path).json()["status"] == "in_progress"


@pytest.mark.parametrize("field", ["party_id", "version", "updated_by", "iso3", "id", "deleted_at"])
def test_unknown_fields_are_422(writable: PartiesApi, field: str) -> None:
    path = "/parties/NIC/commitments/2"
    response = put(
        writable, path, {**UPDATE, field: 1}, writable.nicaragua, etag_of(writable.client, path)
    )
    assert response.status_code == 422
    assert writable.client.get(path).json()["version"] == 0


@pytest.mark.parametrize(
    "change",
    [
        {"status": "done"},
        {"target_date": "1900-01-01"},
        {"target_date": "2010-02-30"},
        {"evidence_url": "javascript:alert(1)"},
        {"narrative": "x" * 20_001},
        {"narrative": "a\x00b"},
    ],
)
def test_bad_values_are_422_and_write_nothing(writable: PartiesApi, change: dict) -> None:
    path = "/parties/NIC/commitments/2"
    before = audit_count(writable.url)
    response = put(
        writable, path, {**UPDATE, **change}, writable.nicaragua, etag_of(writable.client, path)
    )
    assert response.status_code == 422, response.text
    assert audit_count(writable.url) == before


def test_an_action_that_does_not_bind_the_party_is_404(writable: PartiesApi) -> None:
    assert writable.client.get("/parties/NIC/commitments/7").status_code == 404
    assert writable.client.get("/parties/NIC/commitments/68").status_code == 404
    assert writable.client.get("/parties/USA/commitments").status_code == 404


def test_history_keeps_who_when_before_after(writable: PartiesApi) -> None:
    path = "/parties/NIC/commitments/2"
    put(writable, path, UPDATE, writable.nicaragua, etag_of(writable.client, path))
    put(
        writable,
        path,
        {**UPDATE, "status": "completed"},
        writable.admin,
        etag_of(writable.client, path),
    )
    history = writable.client.get(f"{path}/history").json()
    assert [(h["version"], h["actor_role"]) for h in history] == [(1, "state"), (2, "admin")]
    assert history[0]["before"] is None
    assert history[1]["before"]["status"] == "in_progress"
    assert history[1]["after"]["status"] == "completed"


def test_action_progress_counts_and_drills_down(writable: PartiesApi) -> None:
    path = "/parties/NIC/commitments/23"
    put(
        writable,
        path,
        {**UPDATE, "status": "completed"},
        writable.nicaragua,
        etag_of(writable.client, path),
    )
    progress = writable.client.get("/actions/23/progress").json()
    assert progress["applicable_parties"] == 26
    assert progress["by_status"]["completed"] == 1
    assert (progress["by_status"]["not_started"], progress["by_status"]["not_recorded"]) == (0, 25)
    by_party = {p["iso3"]: (p["status"], p["basis"]) for p in progress["parties"]}
    assert (by_party["NIC"], by_party["AFG"]) == (("completed", "recorded"), (None, "not_recorded"))


def test_csv_export_and_import_round_trip(writable: PartiesApi) -> None:
    csv_text = writable.client.get("/parties/NIC/commitments.csv").text
    lines = csv_text.splitlines()
    assert (
        lines[0]
        == "iso3,action,applies_to,status,target_date,narrative,evidence_url,version,updated_at"
    )
    upload = (
        "action,status,target_date,narrative,evidence_url,version\n"
        '2,in_progress,2012-12-31,"Plan, with a comma",,0\n'
        "23,completed,,'=not a formula,,0\n"
    )
    response = writable.client.post(
        "/parties/NIC/commitments.csv",
        content=upload.encode(),
        headers={**writable.nicaragua, "content-type": "text/csv"},
    )
    assert response.status_code == 200, response.text
    assert [(c["action_number"], c["version"]) for c in response.json()] == [(2, 1), (23, 1)]
    assert (
        writable.client.get("/parties/NIC/commitments/23").json()["narrative"] == "=not a formula"
    )
    exported = writable.client.get("/parties/NIC/commitments.csv").text
    assert "'=not a formula" in exported
    assert "NIC,2" in writable.client.get("/commitments.csv").text


def test_csv_reimport_writes_only_the_rows_that_changed(writable: PartiesApi) -> None:
    path = "/parties/NIC/commitments/2"
    put(writable, path, UPDATE, writable.nicaragua, etag_of(writable.client, path))
    exported = writable.client.get("/parties/NIC/commitments.csv").text
    before = audit_count(writable.url)

    def upload(text: str) -> list[dict]:
        response = writable.client.post(
            "/parties/NIC/commitments.csv",
            content=text.encode(),
            headers={**writable.nicaragua, "content-type": "text/csv"},
        )
        assert response.status_code == 200, response.text
        return response.json()

    # The export as it is: blank rows of commitments never written, one row as recorded.
    assert upload(exported) == []
    assert audit_count(writable.url) == before
    changed = exported.replace(",in_progress,", ",completed,", 1)
    assert changed != exported
    assert [c["action_number"] for c in upload(changed)] == [2]
    assert audit_count(writable.url) == before + 1


def test_csv_import_with_a_bad_row_applies_nothing(writable: PartiesApi) -> None:
    upload = (
        "action,status,target_date,narrative,evidence_url,version\n"
        "2,in_progress,,ok,,0\n"
        "7,in_progress,,does not bind NIC,,0\n"
        "23,finished,,bad status,,0\n"
    )
    before = audit_count(writable.url)
    response = writable.client.post(
        "/parties/NIC/commitments.csv",
        content=upload.encode(),
        headers={**writable.nicaragua, "content-type": "text/csv"},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["row"] for e in errors] == [3, 4]
    assert audit_count(writable.url) == before
    assert writable.client.get("/parties/NIC/commitments/2").json()["version"] == 0


def test_csv_import_with_a_stale_version_applies_nothing(writable: PartiesApi) -> None:
    path = "/parties/NIC/commitments/2"
    put(writable, path, UPDATE, writable.nicaragua, etag_of(writable.client, path))
    upload = "action,status,version\n23,in_progress,0\n2,completed,0\n"
    response = writable.client.post(
        "/parties/NIC/commitments.csv",
        content=upload.encode(),
        headers={**writable.nicaragua, "content-type": "text/csv"},
    )
    assert response.status_code == 409
    assert writable.client.get("/parties/NIC/commitments/23").json()["version"] == 0


def test_five_megabyte_upload_is_413(writable: PartiesApi) -> None:
    upload = b"action,status,version\n" + b"2,in_progress,0\n" * 350_000
    response = writable.client.post(
        "/parties/NIC/commitments.csv",
        content=upload,
        headers={**writable.nicaragua, "content-type": "text/csv"},
    )
    assert response.status_code == 413
    assert writable.client.get("/parties/NIC/commitments/2").json()["version"] == 0
