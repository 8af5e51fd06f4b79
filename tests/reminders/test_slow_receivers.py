"""A receiver that answers a byte at a time: each send has one deadline for all of it, so a
trickling webhook or SMTP server fails the send (to be retried) when the deadline passes, and
the other recipients of the same run get theirs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.common.db import create_engine
from services.reminders.channels import channels_for
from services.reminders.channels.base import DeliveryFailed
from services.reminders.delivery import deliver_due
from services.reminders.models import Delivery
from tests.reminders.conftest import (
    TODAY,
    a_digest,
    add_recipient,
    at,
    plan,
    prepare_database,
    settings_for,
)
from tests.reminders.receivers import (
    SmtpServer,
    WebhookReceiver,
    slow_smtp,
    trickler,
    trickling_http,
)
from tests.reminders.test_delivery import POLICY, stored

# Each read gets a byte well within any per-read timeout, while the whole answer takes seconds:
# without one deadline per send, the send would succeed (slowly) and these tests would fail.
INTERVAL_S = 0.15
DEADLINE_S = 1.0
# An SMTP server whose every reply comes this late: each step answers within the deadline (the
# per-step timeout), the six steps of one message do not.
SMTP_PAUSE_S = 0.6


def test_a_trickling_webhook_receiver_fails_the_send_at_its_deadline(tmp_path: Path) -> None:
    settings = settings_for(f"sqlite:///{tmp_path / 'r.db'}", webhook_timeout_seconds=DEADLINE_S)
    with trickler(trickling_http(INTERVAL_S)) as slow:
        channel = channels_for(settings)["webhook"]
        try:
            with pytest.raises(DeliveryFailed, match="no complete answer within 1 s"):
                channel.send(a_digest(webhook_url=f"http://127.0.0.1:{slow.port}/hook"))
        finally:
            channel.close()


def test_a_slow_smtp_server_fails_the_send_at_its_deadline(tmp_path: Path) -> None:
    with trickler(slow_smtp(SMTP_PAUSE_S)) as slow:
        settings = settings_for(
            f"sqlite:///{tmp_path / 'r.db'}",
            smtp_host="127.0.0.1",
            smtp_port=slow.port,
            smtp_security="none",
            smtp_timeout_seconds=DEADLINE_S,
        )
        channel = channels_for(settings)["email"]
        try:
            with pytest.raises(DeliveryFailed, match="SMTP: no complete answer within 1 s"):
                channel.send(a_digest(email="contact@states.example"))
        finally:
            channel.close()


def test_a_trickling_receiver_holds_up_no_other_recipient_of_the_run(
    database_url: str, smtp: SmtpServer, receiver: WebhookReceiver
) -> None:
    prepare_database(database_url)
    with trickler(trickling_http(INTERVAL_S)) as slow:
        slow_url = f"http://127.0.0.1:{slow.port}/hooks"
        austria = add_recipient(database_url, iso3="AUT", name="Austria", webhook_url=slow_url)
        for iso3 in ("BEL", "CAN", "DNK", "FRA", "DEU"):
            add_recipient(database_url, iso3=iso3, name=iso3, webhook_url=receiver.url)
        plan(database_url, at(TODAY))
        settings = settings_for(database_url, webhook_timeout_seconds=DEADLINE_S)
        now = at(date(2010, 4, 22), 9)
        report = deliver_due(
            create_engine(database_url),
            now=lambda: now,
            channels=channels_for(settings),
            policy=POLICY,
            concurrency=2,
        )
    deliveries = stored(database_url, Delivery)
    slow_ones = [d for d in deliveries if d.recipient_id == austria]
    others = [d for d in deliveries if d.recipient_id != austria]
    assert slow_ones and others
    assert {d.status for d in slow_ones} == {"retrying"}  # to be tried again, with backoff
    assert {d.last_error for d in slow_ones} == {f"no complete answer within {DEADLINE_S:g} s"}
    assert {d.status for d in others} == {"delivered"}
    assert (report.failed, report.delivered) == (len(slow_ones), len(others))
    assert receiver.distinct_ids() == {d.id for d in others}
