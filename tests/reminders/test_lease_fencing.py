"""A scheduler frozen (SIGSTOP) in the middle of a delivery, past its lease, while another takes
over and delivers everything, then resumed: it sends nothing more and changes nothing (its lease
token is stale), and no digest is accepted twice or moves back from `delivered`."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from services.reminders.models import Delivery, DeliveryAttempt
from tests.reminders.conftest import TODAY, add_recipient, at, plan, prepare_database
from tests.reminders.receivers import SmtpServer, WebhookReceiver
from tests.reminders.test_scheduler import (
    STATES,
    rows,
    scheduler,
    scheduler_env,
    settled,
    standing_committee_reminders,
    wait_for,
)
from tools.postgres import libpq_url

HELD_REQUEST = 10  # the webhook the receiver holds open while the sender is frozen


def in_a_write_transaction(url: str) -> bool:
    """Whether a process (the only one connected: the frozen scheduler) holds a transaction."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(str(make_url(url).database), timeout=0.2)
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        finally:
            connection.close()
        return False
    with psycopg.connect(libpq_url(url)) as server:
        row = server.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
        ).fetchone()
    return bool(row and row[0])


def recorded_what_arrived(url: str, smtp: SmtpServer, receiver: WebhookReceiver) -> bool:
    """Whether every digest that reached a receiver is recorded as delivered.

    A send that went through but whose success is not yet recorded when its sender stops is
    sent again by the next holder, under the same id (at least once on the wire): a pause at
    that moment would make a repeat this test is not about.
    """
    arrived = set(receiver.accepted_ids()) | {
        m["Message-ID"].strip("<>").partition("@")[0] for m in smtp.messages
    }
    delivered = {d.id for d in rows(url, Delivery) if d.status == "delivered"}
    return arrived <= delivered


def freeze_between_transactions(pid: int, url: str) -> None:
    """SIGSTOP the process at a moment it holds no transaction open.

    Frozen inside one, it would hold SQLite's write lock (or PostgreSQL's row locks) for as
    long as it stays frozen, and its successor could write nothing: a fault of another kind.
    """
    for _ in range(50):
        os.kill(pid, signal.SIGSTOP)
        if not in_a_write_transaction(url):
            return
        os.kill(pid, signal.SIGCONT)
        time.sleep(0.03)
    pytest.fail("the scheduler was inside a transaction at every try")


@pytest.mark.timeout(300)
def test_a_scheduler_paused_past_its_lease_sends_nothing_more_and_regresses_nothing(
    database_url: str, tmp_path: Path, smtp: SmtpServer, receiver: WebhookReceiver
) -> None:
    prepare_database(database_url)
    for n, iso3 in enumerate(STATES):
        add_recipient(
            database_url,
            iso3=iso3,
            name=f"Contact point of {iso3}",
            email=f"contact{n}@states.example",
            webhook_url=receiver.url,
        )
    plan(database_url, at(TODAY))
    assert len(standing_committee_reminders(database_url)) == 204
    env = scheduler_env(database_url, smtp)
    # One send at a time: when it is frozen, the first scheduler has exactly one send on the wire.
    first_env = {**env, "REMINDERS_DELIVERY_CONCURRENCY": "1"}
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    receiver.hold_request_number = HELD_REQUEST
    receiver.longest_hold_s = 240
    with scheduler(first_env, logs[0]) as first:
        assert receiver.held.wait(120), logs[0].read_text()[-5000:]
        wait_for(lambda: recorded_what_arrived(database_url, smtp, receiver), logs[0])
        freeze_between_transactions(first.pid, database_url)
        try:
            with scheduler(env, logs[1]) as second:
                # The second waits out the lease, takes it over and delivers everything.
                wait_for(lambda: settled(database_url), logs[1])
                # The frozen one wakes up; its held send is answered, and fails.
                receiver.status = 503
                receiver.release.set()
                os.kill(first.pid, signal.SIGCONT)
                wait_for(lambda: "lost the lease" in logs[0].read_text(), logs[0])
                wait_for(
                    lambda: "another scheduler holds the lease" in logs[0].read_text(), logs[0]
                )
                assert second.poll() is None
        finally:
            os.kill(first.pid, signal.SIGCONT)  # never leave a stopped process behind

    deliveries = rows(database_url, Delivery)
    assert {d.status for d in deliveries} == {"delivered"}
    webhooks = {d.id for d in deliveries if d.channel == "webhook"}
    emails = {d.id for d in deliveries if d.channel == "email"}
    assert len(webhooks) == len(emails) == 3 * len(STATES)
    # Each digest accepted once; the frozen one's held send is the only one seen twice.
    accepted = Counter(receiver.accepted_ids())
    assert set(accepted) == webhooks and set(accepted.values()) == {1}
    held = receiver.requests()[HELD_REQUEST - 1]
    assert held.answered == 503
    seen = Counter(r.webhook_id for r in receiver.requests())
    assert [id_ for id_, times in seen.items() if times > 1] == [held.webhook_id]
    message_ids = [m["Message-ID"].strip("<>").partition("@")[0] for m in smtp.messages]
    assert sorted(message_ids) == sorted(emails)  # no e-mail twice
    # The frozen one's attempt was closed by its successor; its late failure was refused.
    all_attempts = rows(database_url, DeliveryAttempt)
    outcomes = [a.outcome for a in all_attempts if a.delivery_id == held.webhook_id]
    assert outcomes == ["interrupted", "delivered"]
    assert "failed" not in {a.outcome for a in all_attempts}
    assert {d.attempts for d in deliveries} == {1}
