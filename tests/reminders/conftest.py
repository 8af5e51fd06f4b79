from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlmodel import Session

from services.common import migrations
from services.common.auth import Role
from services.common.clock import Clock
from services.common.db import create_engine
from services.parties.main import create_app as create_parties_app
from services.reminders import planning
from services.reminders.__main__ import COMMANDS
from services.reminders.digest import Addressee, Digest
from services.reminders.main import create_app
from services.reminders.models import Recipient, metadata
from services.reminders.schemas import PlanOutcome
from services.reminders.seed import seed_session
from services.reminders.settings import RemindersSettings
from tests.calendar import calendar_client
from tests.conftest import create_postgres_database
from tests.factories import bearer, create_key, migrate_keys
from tests.parties.conftest import forwarding_transport
from tests.parties.conftest import prepare_database as prepare_parties_database
from tests.parties.conftest import settings_for as parties_settings_for
from tests.reminders.receivers import (
    WEBHOOK_SECRET,
    SmtpServer,
    WebhookReceiver,
    smtp_server,
    webhook_receiver,
)
from tools.postgres import drop_database

# Before the 2010 Standing Committees (21–25 June): their 60-, 30- and 7-day reminders are ahead.
TODAY = date(2010, 4, 1)
SEND_HOUR = 8


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A moment of a day, in UTC."""
    return datetime.combine(day, time(hour, minute), UTC)


def a_digest(
    *,
    email: str | None = None,
    webhook_url: str | None = None,
    webhook_secrets: tuple[str, ...] = (),
) -> Digest:
    """One digest of no reminders for a contact point of Austria, on 22 April 2010, by email
    when given an address, else by webhook."""
    channel, address = ("email", email) if email else ("webhook", webhook_url)
    assert address is not None
    recipient = Addressee(
        id=1,
        role="state_contact",
        iso3="AUT",
        name="Contact point",
        address=address,
        language="en",
        webhook_secrets=webhook_secrets,
    )
    day = date(2010, 4, 22)
    return Digest(
        id="dg_" + "0" * 32,
        day=day,
        channel=channel,
        created_at=at(day),
        recipient=recipient,
        items=(),
    )


def prepare_database(url: str, today: date = TODAY) -> None:
    """Migrate the keys and reminders schemas into one database and seed it."""
    migrate_keys(url)
    migrations.upgrade(COMMANDS.migrations, url)
    engine = create_engine(url)
    with Session(engine) as session:
        seed_session(session, clock=Clock(today))
        session.commit()
    engine.dispose()


def settings_for(url: str, today: date = TODAY, **overrides: Any) -> RemindersSettings:
    values: dict[str, Any] = {
        "database_url": url,
        "keys_database_url": url,
        "environment": "test",
        "clock_today": today,
        "parties_url": "http://parties.test",
        "send_hour_utc": SEND_HOUR,
        "webhook_secret": WEBHOOK_SECRET,
        **overrides,
    }
    return RemindersSettings(**values)


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with Session(engine) as session:
        counts = {
            name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }
    engine.dispose()
    return counts


def add_recipient(url: str, **values: Any) -> int:
    """Store a recipient directly (the API's own tests go through the API)."""
    defaults: dict[str, Any] = {
        "role": "state_contact",
        "language": "en",
        "active": True,
        "created_at": at(TODAY),
        "updated_at": at(TODAY),
        "updated_by": "test",
    }
    engine = create_engine(url)
    with Session(engine) as session:
        recipient = Recipient(**{**defaults, **values})
        session.add(recipient)
        session.commit()
        assert recipient.id is not None
        recipient_id = recipient.id
    engine.dispose()
    return recipient_id


def plan(url: str, now: datetime) -> PlanOutcome:
    engine = create_engine(url)
    with Session(engine) as session:
        outcome = planning.plan(session, now=now, send_hour=SEND_HOUR)
        session.commit()
    engine.dispose()
    return outcome


# ---------------------------------------------------------------- the parties service in-process


def _actions_down() -> httpx.MockTransport:
    # The deadlines and states the reminders service reads do not need the actions catalogue.
    return httpx.MockTransport(lambda request: httpx.Response(503))


@pytest.fixture(scope="session")
def parties_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded parties database, made once; tests that write to it get a copy."""
    path = tmp_path_factory.mktemp("parties") / "parties.db"
    prepare_parties_database(f"sqlite:///{path}")
    return path


def copy_database(source: Path, target: Path) -> str:
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    return f"sqlite:///{target}"


@dataclass
class PartiesApp:
    client: TestClient
    url: str

    def transport(self) -> httpx.MockTransport:
        return forwarding_transport(self.client)


def open_parties(url: str, today: date = TODAY) -> TestClient:
    app = create_parties_app(
        parties_settings_for(url, today),
        actions_transport=_actions_down(),
        reminders_transport=forwarding_transport(calendar_client()),
    )
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="session")
def parties(
    parties_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PartiesApp]:
    """The parties service in-process, read by the tests (never written)."""
    url = copy_database(parties_template, tmp_path_factory.mktemp("parties-read") / "p.db")
    with open_parties(url) as client:
        yield PartiesApp(client, url)


@pytest.fixture
def writable_parties(parties_template: Path, tmp_path: Path) -> Iterator[PartiesApp]:
    """The parties service in-process on a database of the test's own."""
    url = copy_database(parties_template, tmp_path / "parties.db")
    with open_parties(url) as client:
        yield PartiesApp(client, url)


def parties_down() -> httpx.MockTransport:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    return httpx.MockTransport(refuse)


# ---------------------------------------------------------------- the reminders API


@dataclass
class RemindersApi:
    client: TestClient
    url: str
    admin: dict[str, str]
    committee: dict[str, str]
    ukraine: dict[str, str]
    nicaragua: dict[str, str]


def open_api(
    url: str, transport: httpx.BaseTransport, today: date = TODAY, **overrides: Any
) -> TestClient:
    app = create_app(settings_for(url, today, **overrides), parties_transport=transport)
    return TestClient(app, raise_server_exceptions=False)


def keys_for(client: TestClient, url: str) -> RemindersApi:
    return RemindersApi(
        client=client,
        url=url,
        admin=bearer(create_key(url, Role.ADMIN)),
        committee=bearer(create_key(url, Role.COMMITTEE)),
        ukraine=bearer(create_key(url, Role.STATE, "UKR")),
        nicaragua=bearer(create_key(url, Role.STATE, "NIC")),
    )


@pytest.fixture
def api(database_url: str, parties: PartiesApp) -> Iterator[RemindersApi]:
    """The reminders API over a freshly seeded database, its parties calls sent in-process."""
    prepare_database(database_url)
    with open_api(database_url, parties.transport()) as client:
        yield keys_for(client, database_url)


@pytest.fixture
def production_api(postgres_admin_url: str, parties: PartiesApp) -> Iterator[RemindersApi]:
    """Like `api`, in production mode, which runs on PostgreSQL only and wants a password in
    the URL (a server that trusts the test connection does not check it)."""
    created = create_postgres_database(postgres_admin_url)
    parsed = make_url(created)
    url = parsed.set(password=parsed.password or "not-checked").render_as_string(False)
    try:
        prepare_database(url)
        with open_api(url, parties.transport(), environment="production") as client:
            yield keys_for(client, url)
    finally:
        drop_database(postgres_admin_url, created)


def etag_of(client: TestClient, path: str, headers: dict[str, str] | None = None) -> str:
    response = client.get(path, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.headers["etag"]


# ---------------------------------------------------------------- receivers


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with webhook_receiver() as server:
        yield server
