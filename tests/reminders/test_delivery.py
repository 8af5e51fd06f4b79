"""Delivery to a real SMTP server and a real webhook receiver on loopback: each reminder arrives
once, same-day reminders arrive as one digest, failures are retried with backoff and end in a
dead letter. Times are passed in, never waited for."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from services.common.audit import SYSTEM
from services.common.db import create_engine
from services.reminders import attempts, delivery
from services.reminders.attempts import RetryPolicy
from services.reminders.channels import channels_for
from services.reminders.channels.base import Sender
from services.reminders.channels.webhook import WebhookSender
from services.reminders.delivery import DeliveryReport, deliver_due
from services.reminders.digest import Digest
from services.reminders.models import Delivery, DeliveryAttempt, Recipient, Reminder
from tests.reminders.conftest import (
    TODAY,
    add_recipient,
    at,
    plan,
    prepare_database,
    settings_for,
)
from tests.reminders.receivers import (
    WEBHOOK_SECRET,
    SmtpServer,
    WebhookReceiver,
    smtp_server,
    text_of,
)

POLICY = RetryPolicy(max_attempts=3, base_seconds=60, max_seconds=3600)


def deliver(
    url: str, now: datetime, smtp_port: int | None = None, **settings: Any
) -> DeliveryReport:
    overrides: dict[str, Any] = {"smtp_security": "none", **settings}
    if smtp_port is not None:
        overrides |= {"smtp_host": "127.0.0.1", "smtp_port": smtp_port}
    channels = channels_for(settings_for(url, **overrides))
    return deliver_due(create_engine(url), now=lambda: now, channels=channels, policy=POLICY)


def stored(url: str, model: type[Any]) -> list[Any]:
    engine = create_engine(url)
    with Session(engine) as session:
        rows = list(session.exec(select(model).order_by(col(model.id))).all())
    engine.dispose()
    return rows


@pytest.fixture
def ukraine(database_url: str, smtp: SmtpServer, receiver: WebhookReceiver) -> str:
    """A seeded database with Ukraine's contact point on both channels, planned on 1 April."""
    prepare_database(database_url)
    add_recipient(
        database_url,
        iso3="UKR",
        name="Ukraine, Ministry of Foreign Affairs",
        email="mfa@ukr.example",
        webhook_url=receiver.url,
    )
    plan(database_url, at(TODAY))
    return database_url


@pytest.fixture
def chair(database_url: str, smtp: SmtpServer, receiver: WebhookReceiver) -> str:
    """A seeded database with one committee member (meetings only), planned on 1 April: by
    22 April one digest per channel is due, the Standing Committees' 60-day reminder."""
    prepare_database(database_url)
    add_recipient(
        database_url,
        role="committee_member",
        name="Chair of the Coordinating Committee",
        email="chair@committee.example",
        webhook_url=receiver.url,
    )
    plan(database_url, at(TODAY))
    return database_url


def test_each_reminder_of_the_standing_committees_arrives_exactly_once(
    ukraine: str, smtp: SmtpServer, receiver: WebhookReceiver
) -> None:
    for day in (date(2010, 4, 22), date(2010, 5, 22), date(2010, 6, 14)):
        for minute in (0, 1):  # a second run the same day finds nothing more to send
            deliver(ukraine, at(day, 9, minute), smtp.port)
    standing_committees = [
        m for m in smtp.messages if "Meetings of the Standing Committees" in text_of(m)
    ]
    assert len(standing_committees) == 3
    lines = [text_of(m) for m in standing_committees]
    assert ["in 60 days" in lines[0], "in 30 days" in lines[1], "in 7 days" in lines[2]] == [
        True
    ] * 3
    hooks = [r for r in receiver.requests() if "Standing Committees" in r.body.decode()]
    assert len(hooks) == 3
    assert all(r.verified for r in receiver.requests())
    assert sorted(r.json()["data"]["reminders"][0]["offset_days"] for r in hooks) == [-60, -30, -7]
    # One message per digest id, and every id once.
    assert len(smtp.message_ids()) == len(set(smtp.message_ids()))
    assert len(receiver.distinct_ids()) == len(receiver.requests())
    sent = {d.id for d in stored(ukraine, Delivery)}
    assert {r.webhook_id for r in receiver.requests()} | {
        m.removeprefix("<").partition("@")[0] for m in smtp.message_ids()
    } == sent
    assert {(d.status, d.attempts) for d in stored(ukraine, Delivery)} == {("delivered", 1)}


def test_reminders_due_the_same_day_go_out_as_one_digest(
    database_url: str, smtp: SmtpServer, receiver: WebhookReceiver
) -> None:
    prepare_database(database_url)
    add_recipient(
        database_url, iso3="UKR", name="Ukraine", email="a@ukr.example", webhook_url=receiver.url
    )
    # Planned late on 14 June, at 06:00: the 60- and 30-day reminders are due at once, the 7-day
    # one at 08:00 — three reminders of one day, and one digest.
    plan(database_url, at(date(2010, 6, 14), 6))
    due = {r.due_at.hour for r in stored(database_url, Reminder) if r.status == "pending"}
    assert due >= {6, 8}
    report = deliver(database_url, at(date(2010, 6, 14), 9), smtp.port)
    assert (report.formed, report.delivered) == (2, 2)
    [message] = smtp.messages
    assert text_of(message).count("Standing Committees") == 3
    [hook] = receiver.requests()
    assert hook.verified
    assert [r["offset_days"] for r in hook.json()["data"]["reminders"]] == [-60, -30, -7]
    ids = {d.channel: d.id for d in stored(database_url, Delivery)}
    assert hook.webhook_id == hook.json()["data"]["id"] == ids["webhook"]
    assert message["Message-ID"] == f"<{ids['email']}@cartagena-monitor.invalid>"


def test_the_email_as_the_smtp_server_received_it(database_url: str, smtp: SmtpServer) -> None:
    prepare_database(database_url)
    add_recipient(
        database_url, iso3="NIC", name="Dirección <Nicaragua>", email="cnd@nic.example",
        language="es",
    )  # fmt: skip
    plan(database_url, at(date(2010, 6, 14), 6))
    deliver(database_url, at(date(2010, 6, 14), 9), smtp.port)
    [message] = smtp.messages
    # Content-Language reaches the wire (set_content() would remove one set before it).
    assert message["Content-Language"] == "es"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Id"] == "Cartagena Monitor reminders <reminders.cartagena-monitor.invalid>"
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    text = text_of(message)
    assert text.startswith("Estimado/a Dirección <Nicaragua>:")
    # Dates and the titles the service wrote, in the recipient's language (Babel, es_ES).
    assert message["Subject"] == "Cartagena Monitor: recordatorios del 14 de junio de 2010"
    assert (
        "Reuniones de los Comités Permanentes establecidos por los Estados Partes en la "
        "Convención, Geneva: 21 de junio de 2010 – 25 de junio de 2010"
    ) in text
    html = message.get_body(("html",))
    assert html is not None
    markup = html.get_content()
    assert '<html lang="es">' in markup
    assert "Dirección &lt;Nicaragua&gt;" in markup and "<Nicaragua>" not in markup
    assert markup.count("<li>") == text.count("\n- ")


def test_smtp_server_down_the_delivery_is_retried_later_not_lost(ukraine: str) -> None:
    with smtp_server(started=False) as smtp:
        first = at(date(2010, 4, 22), 9)
        report = deliver(ukraine, first, smtp.port)
        emails = [d for d in stored(ukraine, Delivery) if d.channel == "email"]
        assert report.failed == len(emails) == 2  # the 60-day reminder, a late Article 7 one
        assert {(d.status, d.attempts) for d in emails} == {("retrying", 1)}
        assert {d.next_attempt_at for d in emails} == {first + timedelta(seconds=60)}
        assert all("SMTP" in (d.last_error or "") for d in emails)
        assert deliver(ukraine, first + timedelta(seconds=30), smtp.port).failed == 0  # backing off
        smtp.start()
        deliver(ukraine, first + timedelta(seconds=61), smtp.port)
        messages = smtp.messages
    emails = [d for d in stored(ukraine, Delivery) if d.channel == "email"]
    assert {(d.status, d.attempts) for d in emails} == {("delivered", 2)}
    assert sorted(m["Message-ID"] for m in messages) == sorted(
        f"<{d.id}@cartagena-monitor.invalid>" for d in emails
    )
    outcomes = [
        a.outcome for a in stored(ukraine, DeliveryAttempt) if a.delivery_id == emails[0].id
    ]
    assert outcomes == ["failed", "delivered"]


@pytest.mark.parametrize(
    ("behave", "error"),
    [
        (lambda r: setattr(r, "delay_s", 5.0), "no complete answer within 0.2 s"),
        (lambda r: setattr(r, "status", 503), "the receiver answered 503"),
        (lambda r: setattr(r, "status", 307), "the receiver answered 307"),
    ],
    ids=["slow", "failing", "redirecting"],
)
def test_a_webhook_that_fails_is_retried_with_backoff_then_dead_lettered(
    chair: str,
    smtp: SmtpServer,
    receiver: WebhookReceiver,
    behave: Callable[[WebhookReceiver], None],
    error: str,
) -> None:
    behave(receiver)
    now = at(date(2010, 4, 22), 9)
    waits = []
    for _ in range(POLICY.max_attempts):
        deliver(chair, now, smtp.port, webhook_timeout_seconds=0.2)
        [hook] = [d for d in stored(chair, Delivery) if d.channel == "webhook"]
        assert hook.last_error == error
        waits.append(hook.next_attempt_at - now)
        now = hook.next_attempt_at
    assert waits[:2] == [timedelta(seconds=60), timedelta(seconds=120)]
    assert (hook.status, hook.attempts) == ("dead", 3)
    assert {r.status for r in stored(chair, Reminder) if r.delivery_id == hook.id} == {"dead"}
    assert len(receiver.requests()) == 3  # the redirect was never followed
    assert deliver(chair, now + timedelta(days=1), smtp.port).failed == 0  # dead stays dead


def test_a_dead_letter_can_be_given_another_round(
    chair: str, smtp: SmtpServer, receiver: WebhookReceiver
) -> None:
    receiver.status = 500
    now = at(date(2010, 4, 22), 9)
    for minutes in (0, 1, 3):
        deliver(chair, now + timedelta(minutes=minutes), smtp.port)
    [hook] = [d for d in stored(chair, Delivery) if d.status == "dead"]
    engine = create_engine(chair)
    with Session(engine) as session:
        row = session.get(Delivery, hook.id)
        assert row is not None
        attempts.requeue(session, delivery=row, actor=SYSTEM, now=now + timedelta(hours=1))
        session.commit()
    engine.dispose()
    receiver.status = 204
    deliver(chair, now + timedelta(hours=1), smtp.port)
    [again] = [d for d in stored(chair, Delivery) if d.id == hook.id]
    assert (again.status, again.attempts) == ("delivered", 1)
    assert [a.outcome for a in stored(chair, DeliveryAttempt) if a.delivery_id == hook.id] == [
        "failed",
        "failed",
        "failed",
        "delivered",
    ]
    assert len(receiver.distinct_ids()) == 1


def test_a_digest_whose_sender_died_mid_send_goes_again_under_the_same_id(
    chair: str, smtp: SmtpServer, receiver: WebhookReceiver
) -> None:
    now = at(date(2010, 4, 22), 9)
    engine = create_engine(chair)
    with Session(engine) as session:
        delivery.form_digests(session, now=now)
        session.commit()
    [hook] = [d for d in stored(chair, Delivery) if d.channel == "webhook"]
    channels = channels_for(settings_for(chair))
    # The attempt is recorded and the webhook sent, then the sender dies before recording success.
    with Session(engine) as session:
        [begun] = attempts.begin_attempts(session, delivery_ids=[hook.id], now=now)
        session.commit()
    channels["webhook"].send(begun.digest)
    deliver(chair, now + timedelta(minutes=1), smtp.port)
    deliver(chair, now + timedelta(minutes=2), smtp.port)
    engine.dispose()
    assert [r.webhook_id for r in receiver.requests()] == [hook.id, hook.id]  # at least once
    assert len(receiver.distinct_ids()) == 1  # exactly once in effect
    # Outside a scheduler's lease nobody closes the dead sender's attempt; it stays `started`.
    outcomes = [a.outcome for a in stored(chair, DeliveryAttempt) if a.delivery_id == hook.id]
    assert outcomes == ["started", "delivered"]


def test_a_recipient_deactivated_before_the_send_gets_nothing(
    chair: str, smtp: SmtpServer, receiver: WebhookReceiver
) -> None:
    now = at(date(2010, 4, 22), 9)
    engine = create_engine(chair)
    with Session(engine) as session:
        delivery.form_digests(session, now=now)
        for recipient in session.exec(select(Recipient)).all():
            recipient.active = False
            session.add(recipient)
        session.commit()
    engine.dispose()
    deliver(chair, now, smtp.port)
    assert (smtp.messages, receiver.requests()) == ([], [])
    assert {d.status for d in stored(chair, Delivery)} == {"cancelled"}


def test_without_an_smtp_host_email_goes_to_the_log(
    chair: str, receiver: WebhookReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="services.reminders.channels"):
        deliver(chair, at(date(2010, 4, 22), 9))
    [logged] = [r for r in caplog.records if r.getMessage() == "reminder digest"]
    assert "Standing Committees" in logged.body  # type: ignore[attr-defined]
    [email] = [d for d in stored(chair, Delivery) if d.channel == "email"]
    assert (email.status, email.transport) == ("delivered", "log")


def test_production_refuses_a_webhook_that_resolves_to_a_private_address(chair: str) -> None:
    channel = WebhookSender(
        secret=WEBHOOK_SECRET,
        timeout=1.0,
        production=True,
        resolver=lambda host, port: ["10.0.0.7"],
    )
    engine = create_engine(chair)
    with Session(engine) as session:
        delivery.form_digests(session, now=at(date(2010, 4, 22), 9))
        session.commit()
    report = deliver_due(
        engine,
        now=lambda: at(date(2010, 4, 22), 9),
        channels={"email": channels_for(settings_for(chair))["email"], "webhook": channel},
        policy=POLICY,
    )
    engine.dispose()
    [hook] = [d for d in stored(chair, Delivery) if d.channel == "webhook"]
    assert report.failed >= 1
    assert hook.last_error is not None and hook.last_error.startswith("refused:")


def test_a_webhook_receiver_that_is_down_is_retried_and_holds_up_no_other_reminder(
    chair: str, smtp: SmtpServer, receiver: WebhookReceiver
) -> None:
    receiver.stop()  # nothing listens on its port any more: the connection is refused
    now = at(date(2010, 4, 22), 9)

    deliver(chair, now, smtp.port, webhook_timeout_seconds=0.2)

    by_channel = {d.channel: d for d in stored(chair, Delivery)}
    hook, mail = by_channel["webhook"], by_channel["email"]
    assert hook.last_error is not None and hook.last_error.startswith("ConnectError")
    assert hook.status != "delivered"
    assert hook.next_attempt_at - now == timedelta(seconds=60)
    # The e-mail of the same run went out regardless.
    assert mail.status == "delivered"
    assert len(smtp.messages) == 1


@pytest.fixture
def ten_contacts(database_url: str, smtp: SmtpServer) -> str:
    """Ten contact points reached by e-mail only, planned on 1 April: by 22 April each has two
    digests due (the Article 7 reports on 1 April, the Standing Committees on 22 April)."""
    prepare_database(database_url)
    for n in range(10):
        add_recipient(database_url, iso3="UKR", name=f"Contact {n}", email=f"c{n}@ukr.example")
    plan(database_url, at(TODAY))
    return database_url


def email_to(url: str, smtp: SmtpServer) -> dict[str, Sender]:
    settings = settings_for(url, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none")
    return channels_for(settings)


@pytest.mark.parametrize("batch_size", [1, 4])
def test_a_run_larger_than_its_batches_sends_every_digest_once(
    ten_contacts: str, smtp: SmtpServer, batch_size: int
) -> None:
    report = deliver_due(
        create_engine(ten_contacts),
        now=lambda: at(date(2010, 4, 22), 9),
        channels=email_to(ten_contacts, smtp),
        policy=POLICY,
        concurrency=3,
        batch_size=batch_size,
    )
    assert (report.formed, report.delivered, report.failed) == (20, 20, 0)
    deliveries = stored(ten_contacts, Delivery)
    assert sorted(m.strip("<>").partition("@")[0] for m in smtp.message_ids()) == sorted(
        d.id for d in deliveries
    )
    assert {(d.status, d.attempts) for d in deliveries} == {("delivered", 1)}
    assert [a.outcome for a in stored(ten_contacts, DeliveryAttempt)] == ["delivered"] * 20


@dataclass
class StopAfterOneSend:
    """A channel that asks the run to stop once it has sent one digest."""

    channel: Sender
    stop: threading.Event
    transport: str = field(init=False)

    def __post_init__(self) -> None:
        self.transport = self.channel.transport

    def send(self, digest: Digest) -> None:
        self.channel.send(digest)
        self.stop.set()

    def close(self) -> None:
        self.channel.close()


def test_a_run_told_to_stop_sends_nothing_more_and_leaves_the_rest_due(
    ten_contacts: str, smtp: SmtpServer
) -> None:
    now, stop = at(date(2010, 4, 22), 9), threading.Event()
    channels = email_to(ten_contacts, smtp)
    channels["email"] = StopAfterOneSend(channels["email"], stop)
    engine = create_engine(ten_contacts)

    report = deliver_due(
        engine, now=lambda: now, channels=channels, policy=POLICY, stop=stop, batch_size=4
    )

    assert (report.delivered, report.failed, len(smtp.messages)) == (1, 0, 1)
    deliveries = stored(ten_contacts, Delivery)
    assert (
        sorted((d.status, d.attempts) for d in deliveries)
        == [("delivered", 1)] + [("pending", 0)] * 19
    )
    # The batch begun with it was never sent: those attempts say so and count for nothing.
    outcomes = sorted(a.outcome for a in stored(ten_contacts, DeliveryAttempt))
    assert outcomes == ["delivered"] + ["interrupted"] * 3
    # The next run sends the other 19, once each.
    report = deliver_due(
        engine, now=lambda: now, channels=email_to(ten_contacts, smtp), policy=POLICY
    )
    engine.dispose()
    assert report.delivered == 19
    assert len(set(smtp.message_ids())) == len(smtp.message_ids()) == 20
    assert {(d.status, d.attempts) for d in stored(ten_contacts, Delivery)} == {("delivered", 1)}
