"""Each recipient's own webhook signing secret: made with its first webhook URL and shown once,
rotated by its state with its key (the old one valid 24 hours more, both signatures meanwhile),
and the one that signs what is actually delivered to the receiver."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import text as sql
from sqlmodel import Session
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.common.db import create_engine
from services.reminders import webhook_secrets
from services.reminders.channels import channels_for
from services.reminders.channels.webhook import WebhookSender
from services.reminders.delivery import deliver_due
from services.reminders.models import WebhookSecret
from services.reminders.signing import check_signing_secret, new_signing_secret
from tests.reminders.conftest import RemindersApi, a_digest, at, settings_for
from tests.reminders.receivers import webhook_receiver
from tests.reminders.test_delivery import POLICY

CONTACT = {"name": "Ukraine, Ministry of Foreign Affairs", "language": "en"}


def _verifies(secret: str, body: bytes, headers: dict[str, str]) -> bool:
    try:
        Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return False
    return True


def test_a_webhook_contact_gets_its_own_secret_shown_once(api: RemindersApi) -> None:
    made = api.client.post(
        "/parties/UKR/contacts",
        json={**CONTACT, "webhook_url": "https://hooks.ukr.example/cm"},
        headers=api.ukraine,
    )
    assert made.status_code == 201, made.text
    secret = made.json()["webhook_secret"]
    check_signing_secret(secret)
    path = made.headers["location"]
    assert "webhook_secret" not in api.client.get(path, headers=api.ukraine).json()
    listed = api.client.get("/parties/UKR/contacts", headers=api.ukraine).json()["items"]
    assert all("webhook_secret" not in item for item in listed)

    by_email = api.client.post(
        "/parties/UKR/contacts", json={**CONTACT, "email": "desk@ukr.example"}, headers=api.ukraine
    )
    assert by_email.json()["webhook_secret"] is None
    # Its first webhook brings its secret, in that answer only.
    email_path = by_email.headers["location"]
    body = {**CONTACT, "email": "desk@ukr.example", "webhook_url": "https://hooks.ukr.example/b"}
    first = api.client.put(
        email_path, json=body, headers={**api.ukraine, "If-Match": by_email.headers["etag"]}
    )
    assert first.status_code == 200, first.text
    check_signing_secret(first.json()["webhook_secret"])
    again = api.client.put(
        email_path,
        json={**body, "language": "fr"},
        headers={**api.ukraine, "If-Match": first.headers["etag"]},
    )
    assert again.json()["webhook_secret"] is None
    assert first.json()["webhook_secret"] != secret


def test_the_audit_log_records_a_secret_was_made_never_the_secret(api: RemindersApi) -> None:
    made = api.client.post(
        "/parties/UKR/contacts",
        json={**CONTACT, "webhook_url": "https://hooks.ukr.example/cm"},
        headers=api.ukraine,
    )
    secret = made.json()["webhook_secret"]
    rotated = api.client.post(f"{made.headers['location']}/webhook-secret", headers=api.ukraine)
    engine = create_engine(api.url)
    with engine.connect() as connection:
        rows = connection.execute(
            sql("SELECT after FROM audit_log WHERE entity = 'webhook_secret'")
        ).all()
    engine.dispose()
    assert len(rows) == 2
    recorded = " ".join(str(row[0]) for row in rows)
    assert secret not in recorded and rotated.json()["webhook_secret"] not in recorded


def test_a_state_rotates_its_secret_and_the_old_one_stays_valid_a_day(api: RemindersApi) -> None:
    made = api.client.post(
        "/parties/UKR/contacts",
        json={**CONTACT, "webhook_url": "https://hooks.ukr.example/cm"},
        headers=api.ukraine,
    )
    path = f"{made.headers['location']}/webhook-secret"
    rotated = api.client.post(path, headers={**api.ukraine, "Idempotency-Key": "rotate-1"})
    assert rotated.status_code == 201, rotated.text
    new = rotated.json()
    check_signing_secret(new["webhook_secret"])
    assert new["webhook_secret"] != made.json()["webhook_secret"]
    until = datetime.fromisoformat(new["previous_valid_until"])
    made_at = datetime.fromisoformat(made.json()["created_at"])
    assert timedelta(hours=23) < until - made_at <= timedelta(hours=24, minutes=1)
    # A retry whose answer was lost gets the same secret, not a third one.
    retried = api.client.post(path, headers={**api.ukraine, "Idempotency-Key": "rotate-1"})
    assert retried.json()["webhook_secret"] == new["webhook_secret"]
    # Another state may not; a contact without a webhook has nothing to rotate.
    assert api.client.post(path, headers=api.nicaragua).status_code == 403
    by_email = api.client.post(
        "/parties/UKR/contacts", json={**CONTACT, "email": "desk@ukr.example"}, headers=api.ukraine
    )
    refused = api.client.post(f"{by_email.headers['location']}/webhook-secret", headers=api.ukraine)
    assert refused.status_code == 409


def _secret(id_: int, secret: str, made: datetime) -> WebhookSecret:
    return WebhookSecret(id=id_, recipient_id=1, secret=secret, created_at=made, created_by="t")


def test_the_previous_secret_signs_until_a_day_after_its_successor() -> None:
    made = datetime(2010, 4, 1, 9, tzinfo=UTC)
    rotated = made + timedelta(days=3)
    rows = [_secret(1, "old", made), _secret(2, "new", rotated)]
    assert webhook_secrets.valid(rows, now=rotated) == ("new", "old")
    assert webhook_secrets.valid(rows, now=rotated + timedelta(hours=23)) == ("new", "old")
    assert webhook_secrets.valid(rows, now=rotated + timedelta(hours=24)) == ("new",)
    assert webhook_secrets.valid(rows[:1], now=rotated) == ("old",)


def test_during_a_rotation_each_webhook_carries_both_signatures() -> None:
    old, new = new_signing_secret(), new_signing_secret()
    channel = WebhookSender(secret=None, timeout=5, production=False)
    digest = a_digest(webhook_url="http://127.0.0.1:9/hook", webhook_secrets=(new, old))
    _, body, headers = channel.request(digest)
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert _verifies(old, body, headers) and _verifies(new, body, headers)


def test_what_is_delivered_is_signed_with_the_recipient_s_own_secret(
    api: RemindersApi, tmp_path: Path
) -> None:
    with webhook_receiver() as receiver:
        made = api.client.post(
            "/parties/UKR/contacts",
            json={**CONTACT, "webhook_url": receiver.url},
            headers=api.ukraine,
        )
        assert made.status_code == 201, made.text
        first = made.json()["webhook_secret"]
        rotated = api.client.post(f"{made.headers['location']}/webhook-secret", headers=api.ukraine)
        second = rotated.json()["webhook_secret"]
        _deliver(api.url, tmp_path, at(date(2010, 4, 22)))
        received = receiver.requests()
    assert received
    # Three weeks after the rotation only the new secret signs; no deployment secret was set.
    assert all(_verifies(second, r.body, r.headers) for r in received)
    assert not any(_verifies(first, r.body, r.headers) for r in received)


def _deliver(url: str, tmp_path: Path, now: datetime) -> None:
    settings = settings_for(
        url, webhook_secret=None, development_webhook_secret_file=tmp_path / "none"
    )
    channels = channels_for(settings)
    deliver_due(create_engine(url), now=lambda: now, channels=channels, policy=POLICY)


def test_signing_secrets_are_read_per_recipient(api: RemindersApi) -> None:
    made = api.client.post(
        "/parties/UKR/contacts",
        json={**CONTACT, "webhook_url": "https://hooks.ukr.example/cm"},
        headers=api.ukraine,
    )
    contact_id = made.json()["id"]
    engine = create_engine(api.url)
    with Session(engine) as session:
        found = webhook_secrets.signing_secrets(session, [contact_id], now=at(date(2010, 4, 2)))
    engine.dispose()
    assert found == {contact_id: (made.json()["webhook_secret"],)}
