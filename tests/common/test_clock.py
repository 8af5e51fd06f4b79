"""The clock is injectable: CLOCK_TODAY makes every "today" that date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi.testclient import TestClient

from services.common.clock import Clock
from services.common.settings import ServiceSettings
from tests.common import app_under_test


def test_override_fixes_today_and_the_day_of_now() -> None:
    clock = Clock(date(2010, 5, 1))
    assert clock.today() == date(2010, 5, 1)
    assert clock.now().date() == date(2010, 5, 1)
    assert clock.now().tzinfo is not None


def test_without_override_the_clock_is_real() -> None:
    before = datetime.now(UTC)
    now = Clock().now()
    assert before <= now <= datetime.now(UTC)


def test_clock_today_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("CLOCK_TODAY", "2010-05-01")
    assert ServiceSettings().clock_today == date(2010, 5, 1)


def test_app_sees_the_configured_day(notes_db: str) -> None:
    settings = ServiceSettings(
        database_url=notes_db, keys_database_url=notes_db, clock_today=date(2010, 6, 21)
    )
    with TestClient(app_under_test.create_app(settings)) as client:
        assert client.get("/today").json() == {"today": "2010-06-21"}
