"""One-click unsubscribe (RFC 8058): the link in a reminder e-mail, as received by an SMTP server
on loopback, pauses that contact point and no other; its state's other contact points are told,
and its state sees it and resumes it."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from services.reminders.models import Reminder
from services.reminders.unsubscribe_links import token_for
from tests.reminders.conftest import TODAY, RemindersApi, at, etag_of, plan
from tests.reminders.receivers import WEBHOOK_SECRET, SmtpServer, WebhookReceiver, text_of
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


def unsubscribe(api: RemindersApi, recipient_id: int) -> None:
    link = f"/unsubscribe/{recipient_id}/{token_for(recipient_id, WEBHOOK_SECRET)}"
    clicked = api.client.post(link, headers=FORM, content=ONE_CLICK)
    assert clicked.status_code == 200, clicked.text


def test_its_state_s_other_contact_points_are_told_once_in_their_language(
    api: RemindersApi, smtp: SmtpServer, receiver: WebhookReceiver
) -> None:
    contact = add_contact(api, "UKR", api.ukraine, language="en")
    desk = add_contact(
        api, "UKR", api.ukraine, email="desk@ukr.example", language="es", webhook_url=receiver.url
    )
    add_contact(api, "NIC", api.nicaragua, email="mfa@nic.example")
    events_before = api.client.get("/events").json()
    feed_before = api.client.get("/calendar/UKR.ics").text
    deliver(api.url, at(TODAY, 23, 59), smtp.port)  # the day's reminders go first
    sent, posted = len(smtp.messages), len(receiver.requests())

    for _ in range(2):  # again is harmless: told once
        unsubscribe(api, contact["id"])
    notices = api.client.get("/notices", headers=api.ukraine).json()
    assert sorted((n["recipient_id"], n["channel"], n["status"]) for n in notices["items"]) == [
        (desk["id"], "email", "pending"),
        (desk["id"], "webhook", "pending"),
    ]
    assert {n["about_id"] for n in notices["items"]} == {contact["id"]}
    assert api.client.get("/notices", headers=api.nicaragua).json()["total"] == 0

    # The next delivery run sends it, to the desk alone, in Spanish, with no reminder in it.
    deliver(api.url, at(TODAY, 23, 59), smtp.port)
    to_ukraine = [m for m in smtp.messages[sent:] if "ukr.example" in m["To"]]
    assert [m["To"].addresses[0].addr_spec for m in to_ukraine] == ["desk@ukr.example"]
    message = to_ukraine[0]
    assert (
        message["Subject"] == "Cartagena Monitor: un punto de contacto de su Estado se dio de baja"
    )
    assert message["Content-Language"] == "es"
    assert (
        "Ukraine, Ministry of Foreign Affairs, punto de contacto de su Estado, se dio de baja de "
        "estos recordatorios el 1 de abril de 2010" in " ".join(text_of(message).split())
    )
    hooks = [r.json()["data"] for r in receiver.requests()[posted:]]
    assert [(h["reminders"], [n["about"] for n in h["notices"]]) for h in hooks] == [
        ([], [{"id": contact["id"], "name": contact["name"]}])
    ]
    told = api.client.get("/notices", headers=api.ukraine).json()["items"]
    assert {n["status"] for n in told} == {"delivered"}
    detail = api.client.get(f"/deliveries/{told[0]['delivery_id']}", headers=api.ukraine).json()
    assert detail["notice_ids"] == [told[0]["id"]] and detail["reminder_ids"] == []

    # A notice is not a date: no event, no calendar entry.
    assert api.client.get("/events").json() == events_before
    assert _events_of(api.client.get("/calendar/UKR.ics").text) == _events_of(feed_before)


def test_a_state_whose_only_contact_point_unsubscribed_sees_it_on_the_contact_point(
    api: RemindersApi,
) -> None:
    only = add_contact(api, "NIC", api.nicaragua, email="mfa@nic.example")
    unsubscribe(api, only["id"])
    assert api.client.get("/notices", headers=api.admin).json()["total"] == 0
    seen = api.client.get(f"/parties/NIC/contacts/{only['id']}", headers=api.nicaragua).json()
    assert seen["paused_at"] is not None


def _events_of(feed: str) -> list[str]:
    """The feed's events, without the stamp of its generation."""
    lines = [line for line in feed.splitlines() if not line.startswith("DTSTAMP")]
    return [line for line in lines if line.startswith(("UID", "SUMMARY", "DTSTART"))]
