"""One-click unsubscribe (RFC 8058): the link in a reminder e-mail, as received by an SMTP server
on loopback, pauses that contact point and no other; its state sees it and resumes it."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from services.reminders.models import Reminder
from tests.reminders.conftest import RemindersApi, at, etag_of, plan
from tests.reminders.receivers import SmtpServer
from tests.reminders.test_delivery import deliver, stored
from tests.reminders.test_recipients import CONTACT, add_contact

ONE_CLICK = b"List-Unsubscribe=One-Click"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def pending(url: str, recipient_id: int) -> list[Reminder]:
    return [
        r for r in stored(url, Reminder) if r.recipient_id == recipient_id and r.status == "pending"
    ]


def test_the_link_in_the_email_pauses_that_contact_point_until_its_state_confirms_it(
    api: RemindersApi, smtp: SmtpServer
) -> None:
    contact = add_contact(api, "UKR", api.ukraine)
    other = add_contact(api, "UKR", api.ukraine, email="desk@ukr.example")
    plan(api.url, at(date(2010, 6, 14), 6))
    deliver(api.url, at(date(2010, 6, 14), 9), smtp.port)
    message = next(m for m in smtp.messages if "mfa@ukr.example" in m["To"])
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = urlsplit(message["List-Unsubscribe"].strip("<>"))
    assert link.path.startswith(f"/unsubscribe/{contact['id']}/")
    assert pending(api.url, contact["id"])

    # Opening the link (a mail scanner does) shows a button; it pauses nothing.
    page = api.client.get(link.path)
    assert page.status_code == 200 and '<form method="post">' in page.text
    path = f"/parties/UKR/contacts/{contact['id']}"
    assert api.client.get(path, headers=api.ukraine).json()["paused_at"] is None

    # The mail client's one click: paused, its reminders cancelled, and again is harmless.
    for _ in range(2):
        clicked = api.client.post(link.path, headers=FORM, content=ONE_CLICK)
        assert clicked.status_code == 200, clicked.text
    seen = api.client.get(path, headers=api.ukraine).json()
    assert seen["paused_at"] is not None
    assert seen["paused_because"] == "unsubscribed with the link in a reminder"
    assert pending(api.url, contact["id"]) == []
    assert pending(api.url, other["id"])  # the state's other contact point is still reminded

    # The state confirms the contact point: resumed, and its reminders planned again.
    resumed = api.client.put(
        path,
        json=CONTACT,
        headers={**api.ukraine, "If-Match": etag_of(api.client, path, api.ukraine)},
    )
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["paused_at"] is None
    assert pending(api.url, contact["id"])


def test_a_forged_or_borrowed_link_pauses_no_one(api: RemindersApi, smtp: SmtpServer) -> None:
    first = add_contact(api, "UKR", api.ukraine)
    second = add_contact(api, "UKR", api.ukraine, email="desk@ukr.example")
    plan(api.url, at(date(2010, 6, 14), 6))
    deliver(api.url, at(date(2010, 6, 14), 9), smtp.port)
    message = next(m for m in smtp.messages if "mfa@ukr.example" in m["To"])
    token = urlsplit(message["List-Unsubscribe"].strip("<>")).path.rsplit("/", 1)[1]
    borrowed = api.client.post(
        f"/unsubscribe/{second['id']}/{token}", headers=FORM, content=ONE_CLICK
    )
    forged = api.client.post(
        f"/unsubscribe/{first['id']}/{'A' * 43}", headers=FORM, content=ONE_CLICK
    )
    assert (borrowed.status_code, forged.status_code) == (404, 404)
    assert borrowed.headers["content-type"] == "application/problem+json"
    for contact in (first, second):
        path = f"/parties/UKR/contacts/{contact['id']}"
        assert api.client.get(path, headers=api.ukraine).json()["paused_at"] is None
