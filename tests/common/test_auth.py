"""API keys: roles, state binding, hashing at rest, revocation, and the keys CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from services.common.auth import Role
from services.common.db import create_engine
from services.common.keys.store import KeyStore, KeyStoreError, api_keys, hash_key
from tests.common.conftest import NotesApi
from tests.factories import bearer, create_key, migrate_keys


def note_count(notes: NotesApi) -> int:
    return notes.client.get("/notes").json()["total"]


def test_reads_need_no_key(notes: NotesApi) -> None:
    assert notes.client.get("/notes").status_code == 200
    assert notes.client.get("/principal").json() == {"role": None, "state": None}


def test_write_without_key_is_401_with_challenge(notes: NotesApi) -> None:
    response = notes.client.post("/notes", json={"state": "NIC", "text": "x"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert note_count(notes) == 0


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "cm_abc", "Bearer cm_000000000000_" + "x" * 43],
)
def test_malformed_or_unknown_key_is_401(notes: NotesApi, header: str) -> None:
    response = notes.client.post(
        "/notes", json={"state": "NIC", "text": "x"}, headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert note_count(notes) == 0


def test_bad_key_on_a_read_is_401_not_anonymous(notes: NotesApi) -> None:
    assert notes.client.get("/principal", headers=bearer("cm_nope")).status_code == 401


def test_state_key_writes_its_own_state(notes: NotesApi) -> None:
    response = notes.client.post(
        "/notes", json={"state": "NIC", "text": "ours"}, headers=notes.nicaragua
    )
    assert response.status_code == 201
    assert notes.client.get("/principal", headers=notes.nicaragua).json() == {
        "role": "state",
        "state": "NIC",
    }


def test_state_key_cannot_write_another_state(notes: NotesApi) -> None:
    response = notes.client.post(
        "/notes", json={"state": "NIC", "text": "x"}, headers=notes.ukraine
    )
    assert response.status_code == 403
    assert note_count(notes) == 0


def test_state_key_cannot_update_another_states_record(notes: NotesApi) -> None:
    created = notes.client.post(
        "/notes", json={"state": "NIC", "text": "ours"}, headers=notes.nicaragua
    )
    note_id = created.json()["id"]
    etag = notes.client.get(f"/notes/{note_id}").headers["etag"]
    response = notes.client.put(
        f"/notes/{note_id}", json={"text": "theirs"}, headers={**notes.ukraine, "If-Match": etag}
    )
    assert response.status_code == 403
    assert notes.client.get(f"/notes/{note_id}").json()["text"] == "ours"


def test_admin_writes_any_state(notes: NotesApi) -> None:
    response = notes.client.post("/notes", json={"state": "UKR", "text": "x"}, headers=notes.admin)
    assert response.status_code == 201


def test_committee_key_is_refused_on_admin_route(notes: NotesApi) -> None:
    assert notes.client.delete("/notes", headers=notes.committee).status_code == 403
    assert notes.client.delete("/notes", headers=notes.nicaragua).status_code == 403
    assert notes.client.delete("/notes", headers=notes.admin).status_code == 204


def test_committee_key_cannot_write_state_data(notes: NotesApi) -> None:
    response = notes.client.post(
        "/notes", json={"state": "NIC", "text": "x"}, headers=notes.committee
    )
    assert response.status_code == 403


def test_revoked_key_is_refused_at_once(notes: NotesApi) -> None:
    engine = create_engine(notes.url)
    store = KeyStore(engine)
    record, plaintext = store.create(role=Role.STATE, state="NIC")
    assert (
        notes.client.post(
            "/notes", json={"state": "NIC", "text": "a"}, headers=bearer(plaintext)
        ).status_code
        == 201
    )
    store.revoke(record.key_id)
    assert (
        notes.client.post(
            "/notes", json={"state": "NIC", "text": "b"}, headers=bearer(plaintext)
        ).status_code
        == 401
    )
    engine.dispose()


def test_keys_are_stored_as_sha256_hashes_only(database_url: str) -> None:
    migrate_keys(database_url)
    plaintext = create_key(database_url, Role.ADMIN)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(api_keys)).mappings().all()
    engine.dispose()
    assert len(rows) == 1
    stored = json.dumps([dict(row) for row in rows], default=str)
    assert plaintext not in stored
    # cm_<key id>_<secret>; the secret itself may contain "_".
    assert plaintext.split("_", 2)[2] not in stored
    assert rows[0]["secret_hash"] == hash_key(plaintext)


def test_state_key_needs_a_real_iso3(database_url: str) -> None:
    migrate_keys(database_url)
    engine = create_engine(database_url)
    store = KeyStore(engine)
    with pytest.raises(KeyStoreError):
        store.create(role=Role.STATE, state="XXX")
    with pytest.raises(KeyStoreError):
        store.create(role=Role.STATE)
    with pytest.raises(KeyStoreError):
        store.create(role=Role.ADMIN, state="NIC")
    assert store.create(role=Role.STATE, state="cok")[0].state == "COK"
    engine.dispose()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.common.keys", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_creates_lists_and_revokes(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    created = run_cli(
        "--database-url", url, "create", "--role", "state", "--state", "NIC", "--label", "Managua"
    )
    assert created.returncode == 0, created.stderr
    plaintext = created.stdout.strip()
    assert plaintext.startswith("cm_")
    assert "not shown again" in created.stderr

    listed = run_cli("--database-url", url, "list")
    records = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["role"], r["state"], r["label"], r["revoked_at"]) for r in records] == [
        ("state", "NIC", "Managua", None)
    ]
    assert plaintext not in listed.stdout
    assert hash_key(plaintext) not in listed.stdout

    revoked = run_cli("--database-url", url, "revoke", records[0]["key_id"])
    assert revoked.returncode == 0, revoked.stderr
    relisted = json.loads(run_cli("--database-url", url, "list").stdout)
    assert relisted["revoked_at"] is not None


def test_cli_refuses_a_state_key_without_a_state(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    result = run_cli("--database-url", url, "create", "--role", "state")
    assert result.returncode == 2
    assert "--state" in result.stderr
    assert run_cli("--database-url", url, "list").stdout.strip() == ""


def test_whoami_names_the_key_s_role_and_state(notes: NotesApi) -> None:
    """Every service's `GET /whoami`: what the dashboard's sign-in asks before it writes."""
    answer = notes.client.get("/whoami", headers=notes.nicaragua)
    assert answer.status_code == 200
    assert answer.json()["role"] == "state" and answer.json()["state"] == "NIC"
    assert answer.json()["key_id"]
    assert answer.headers["cache-control"] == "no-store"
    anonymous = notes.client.get("/whoami")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    assert notes.client.get("/whoami", headers=bearer("cm_nope")).status_code == 401
