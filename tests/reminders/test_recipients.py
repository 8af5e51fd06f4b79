"""Recipients: each state manages its own contact points with its own key, and can neither read
nor change another state's (BOLA); admins manage committee members; addresses are validated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session

from services.common.audit import history
from services.common.db import create_engine
from services.reminders.models import audit_log
from tests.reminders.conftest import RemindersApi, etag_of, row_counts

CONTACT = {
    "name": "Ukraine, Ministry of Foreign Affairs",
    "email": "mfa@ukr.example",
    "language": "fr",
}


def add_contact(api: RemindersApi, iso3: str, headers: dict[str, str], **body: Any) -> Any:
    response = api.client.post(
        f"/parties/{iso3}/contacts", json={**CONTACT, **body}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_state_manages_its_own_contact_points(api: RemindersApi) -> None:
    contact = add_contact(api, "ukr", api.ukraine, webhook_url="https://hooks.ukr.example/cm")
    path = f"/parties/UKR/contacts/{contact['id']}"
    assert (contact["iso3"], contact["language"], contact["active"]) == ("UKR", "fr", True)
    changed = api.client.put(
        path,
        json={**CONTACT, "email": "desk@ukr.example"},
        headers={**api.ukraine, "If-Match": etag_of(api.client, path, api.ukraine)},
    )
    assert changed.json()["email"] == "desk@ukr.example"
    assert changed.json()["webhook_url"] is None
    deleted = api.client.delete(
        path, headers={**api.ukraine, "If-Match": etag_of(api.client, path, api.ukraine)}
    )
    assert deleted.status_code == 204
    listed = api.client.get("/parties/UKR/contacts", headers=api.ukraine).json()
    assert listed["items"] == []
    gone = api.client.get(path, headers=api.ukraine)
    assert gone.status_code == 410
    assert gone.headers["content-type"] == "application/problem+json"
    assert _audit_operations(api, contact["id"]) == ["create", "update", "delete"]


def test_only_an_admin_restores_a_deleted_contact_and_it_is_audited(api: RemindersApi) -> None:
    contact = add_contact(api, "UKR", api.ukraine)
    path = f"/parties/UKR/contacts/{contact['id']}"
    api.client.delete(
        path, headers={**api.ukraine, "If-Match": etag_of(api.client, path, api.ukraine)}
    )

    by_state = api.client.post(f"{path}/restore", headers=api.ukraine)
    restored = api.client.post(f"{path}/restore", headers=api.admin)
    again = api.client.post(f"{path}/restore", headers=api.admin)

    assert by_state.status_code == 403
    assert restored.status_code == 200
    assert restored.json()["active"] is True
    assert again.status_code == 409
    assert api.client.get(path, headers=api.ukraine).status_code == 200
    listed = api.client.get("/parties/UKR/contacts", headers=api.ukraine).json()
    assert [c["id"] for c in listed["items"]] == [contact["id"]]
    assert _audit_operations(api, contact["id"]) == ["create", "delete", "restore"]


def test_a_deleted_contact_cannot_be_changed_or_deleted_again(api: RemindersApi) -> None:
    contact = add_contact(api, "UKR", api.ukraine)
    path = f"/parties/UKR/contacts/{contact['id']}"
    etag = etag_of(api.client, path, api.ukraine)
    api.client.delete(path, headers={**api.ukraine, "If-Match": etag})
    before = row_counts(api.url)

    changed = api.client.put(path, json=CONTACT, headers={**api.ukraine, "If-Match": etag})
    deleted = api.client.delete(path, headers={**api.ukraine, "If-Match": etag})

    assert (changed.status_code, deleted.status_code) == (410, 410)
    assert row_counts(api.url) == before


def _audit_operations(api: RemindersApi, contact_id: int) -> list[str]:
    engine = create_engine(api.url)
    with Session(engine) as session:
        changes = history(session, audit_log, entity="recipient", entity_id=str(contact_id))
    engine.dispose()
    return [c["operation"] for c in changes]


def test_contact_points_are_not_public(api: RemindersApi) -> None:
    contact = add_contact(api, "UKR", api.ukraine)
    assert api.client.get("/parties/UKR/contacts").status_code == 401
    assert api.client.get(f"/parties/UKR/contacts/{contact['id']}").status_code == 401
    assert api.client.get("/parties/UKR/contacts", headers=api.committee).json()["total"] == 1
    assert api.client.get("/parties/UKR/contacts", headers=api.admin).json()["total"] == 1


def _list(api: RemindersApi, contact_id: int, headers: dict[str, str]) -> Any:
    return api.client.get("/parties/UKR/contacts", headers=headers)


def _read(api: RemindersApi, contact_id: int, headers: dict[str, str]) -> Any:
    return api.client.get(f"/parties/UKR/contacts/{contact_id}", headers=headers)


def _create(api: RemindersApi, contact_id: int, headers: dict[str, str]) -> Any:
    return api.client.post("/parties/UKR/contacts", json=CONTACT, headers=headers)


def _update(api: RemindersApi, contact_id: int, headers: dict[str, str]) -> Any:
    path = f"/parties/UKR/contacts/{contact_id}"
    etag = etag_of(api.client, path, api.admin)
    return api.client.put(
        path, json={**CONTACT, "name": "Hijacked"}, headers={**headers, "If-Match": etag}
    )


def _delete(api: RemindersApi, contact_id: int, headers: dict[str, str]) -> Any:
    path = f"/parties/UKR/contacts/{contact_id}"
    return api.client.delete(
        path, headers={**headers, "If-Match": etag_of(api.client, path, api.admin)}
    )


@pytest.mark.parametrize("request_", [_list, _read, _create, _update, _delete])
def test_another_states_key_can_neither_read_nor_change_contacts(
    api: RemindersApi, request_: Callable[[RemindersApi, int, dict[str, str]], Any]
) -> None:
    contact = add_contact(api, "UKR", api.ukraine)
    before = row_counts(api.url)
    response = request_(api, contact["id"], api.nicaragua)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert row_counts(api.url) == before
    # As created, less the webhook secret that only the creating answer carries.
    created = {field: value for field, value in contact.items() if field != "webhook_secret"}
    assert _read(api, contact["id"], api.ukraine).json() == created


@pytest.mark.parametrize("request_", [_create, _update, _delete])
def test_the_committee_reads_contacts_but_changes_none(
    api: RemindersApi, request_: Callable[[RemindersApi, int, dict[str, str]], Any]
) -> None:
    contact = add_contact(api, "UKR", api.ukraine)
    before = row_counts(api.url)
    assert request_(api, contact["id"], api.committee).status_code == 403
    assert row_counts(api.url) == before


def test_a_contact_is_found_only_under_its_own_state(api: RemindersApi) -> None:
    contact = add_contact(api, "UKR", api.ukraine)
    assert (
        api.client.get(f"/parties/NIC/contacts/{contact['id']}", headers=api.admin).status_code
        == 404
    )


@pytest.mark.parametrize(
    "change",
    [
        {"email": None},  # neither email nor webhook
        {"email": "not an address"},
        {"email": "a@b.example\r\nBcc: all@x.org"},
        {"webhook_url": "ftp://hooks.example/x"},
        {"webhook_url": "javascript:alert(1)"},
        {"webhook_url": "https://user:pw@hooks.example/x"},
        {"language": "de"},
        {"name": ""},
        {"role": "admin"},
    ],
)
def test_bad_contacts_are_refused_and_nothing_is_stored(
    api: RemindersApi, change: dict[str, Any]
) -> None:
    before = row_counts(api.url)
    response = api.client.post(
        "/parties/UKR/contacts", json={**CONTACT, **change}, headers=api.ukraine
    )
    assert response.status_code == 422, response.text
    assert row_counts(api.url) == before


def test_contacts_of_an_unknown_state_are_refused(api: RemindersApi) -> None:
    before = row_counts(api.url)
    for code in ("XYZ", "ATA"):
        response = api.client.post(f"/parties/{code}/contacts", json=CONTACT, headers=api.admin)
        assert response.status_code == 422
    assert row_counts(api.url) == before


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://api.localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://2130706433/hook",
        "http://0x7f.1/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_production_refuses_webhooks_to_this_host_or_private_networks(
    production_api: RemindersApi, url: str
) -> None:
    api = production_api
    before = row_counts(api.url)
    response = api.client.post(
        "/parties/UKR/contacts", json={**CONTACT, "webhook_url": url}, headers=api.ukraine
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "webhook_url"]
    assert row_counts(api.url) == before


def test_production_accepts_a_public_webhook(production_api: RemindersApi) -> None:
    body = {**CONTACT, "webhook_url": "https://hooks.mfa.gov.ua/cartagena"}
    response = production_api.client.post(
        "/parties/UKR/contacts", json=body, headers=production_api.ukraine
    )
    assert response.status_code == 201, response.text


def test_deactivating_a_contact_cancels_its_pending_reminders(api: RemindersApi) -> None:
    contact = add_contact(api, "UKR", api.ukraine)
    pending = api.client.get("/reminders", params={"status": "pending"}, headers=api.ukraine)
    assert pending.json()["total"] > 0
    _delete(api, contact["id"], api.ukraine)
    assert (
        api.client.get("/reminders", params={"status": "pending"}, headers=api.ukraine).json()[
            "total"
        ]
        == 0
    )
    cancelled = api.client.get("/reminders", params={"status": "cancelled"}, headers=api.ukraine)
    assert cancelled.json()["total"] == pending.json()["total"]


def test_a_state_key_sees_only_its_own_reminders(api: RemindersApi) -> None:
    add_contact(api, "UKR", api.ukraine)
    add_contact(api, "NIC", api.nicaragua, name="Nicaragua", email="m@nic.example")
    mine = api.client.get("/reminders", headers=api.nicaragua).json()
    everyone = api.client.get("/reminders", headers=api.committee).json()
    assert 0 < mine["total"] < everyone["total"]
    assert (
        api.client.get("/reminders", params={"iso3": "UKR"}, headers=api.nicaragua).status_code
        == 403
    )
    assert api.client.get("/reminders").status_code == 401


def test_admins_manage_committee_members(api: RemindersApi) -> None:
    body = {"name": "Chair", "email": "chair@committee.example"}
    assert (
        api.client.post("/committee-members", json=body, headers=api.committee).status_code == 403
    )
    member = api.client.post("/committee-members", json=body, headers=api.admin).json()
    path = f"/committee-members/{member['id']}"
    assert api.client.get(path, headers=api.committee).json()["name"] == "Chair"
    assert api.client.get(path, headers=api.ukraine).status_code == 403
    assert api.client.get("/committee-members").status_code == 401
    deleted = api.client.delete(
        path, headers={**api.admin, "If-Match": etag_of(api.client, path, api.admin)}
    )
    assert deleted.status_code == 204
    assert api.client.get(path, headers=api.admin).status_code == 410
    assert api.client.get("/committee-members", headers=api.admin).json()["total"] == 0
    restored = api.client.post(f"{path}/restore", headers=api.admin)
    assert restored.json()["active"] is True


def test_a_state_has_at_most_twenty_active_contact_points(api: RemindersApi) -> None:
    for n in range(20):
        add_contact(api, "UKR", api.ukraine, email=f"desk{n}@ukr.example")
    before = row_counts(api.url)
    extra = api.client.post("/parties/UKR/contacts", json=CONTACT, headers=api.ukraine)
    assert extra.status_code == 409
    assert row_counts(api.url) == before
