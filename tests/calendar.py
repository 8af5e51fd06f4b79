"""The reminders service's calendar in-process, for the parties service's tests: a decision on an
extension request names its meeting by event id, and the parties service reads it there."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import date
from functools import cache
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.common import migrations
from services.common.clock import Clock
from services.common.db import create_engine
from services.reminders.__main__ import COMMANDS
from services.reminders.main import create_app
from services.reminders.seed import seed_session
from services.reminders.settings import RemindersSettings
from tests.factories import migrate_keys

# The seeded calendar's Tenth Meeting of the States Parties (Geneva, 29 November-3 December 2010)
# and Standing Committees (21-25 June 2010).
TENTH_MEETING_ID = 7
STANDING_COMMITTEES_ID = 6


def _refused(request: httpx.Request) -> httpx.Response:
    # The calendar's own calls to the parties service (the states it knows) are not needed here.
    raise httpx.ConnectError("not needed by the calendar", request=request)


@cache
def calendar_client() -> TestClient:
    """A reminders app over a seeded database of its own, made once per test run (only read)."""
    directory = Path(tempfile.mkdtemp(prefix="calendar-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    url = f"sqlite:///{directory / 'reminders.db'}"
    migrate_keys(url)
    migrations.upgrade(COMMANDS.migrations, url)
    engine = create_engine(url)
    with Session(engine) as session:
        seed_session(session, clock=Clock(date(2010, 4, 1)))
        session.commit()
    engine.dispose()
    settings = RemindersSettings(
        database_url=url,
        keys_database_url=url,
        environment="test",
        parties_url="http://parties.test",
    )
    client = TestClient(create_app(settings, parties_transport=httpx.MockTransport(_refused)))
    client.__enter__()
    atexit.register(client.__exit__, None, None, None)
    return client
