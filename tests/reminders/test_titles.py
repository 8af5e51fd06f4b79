"""Titles in the recipient's language: only those the service wrote, while they read as it wrote
them; anything an administrator wrote or changed is shown as recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.reminders.models import Event
from services.reminders.sync import TITLES
from services.reminders.titles import DEADLINES, LOCALES, day_in, title_in

NOW = datetime(2010, 4, 1, tzinfo=UTC)


def event(key: str, title: str, iso3: str | None = None) -> Event:
    return Event(
        key=key, title=title, kind="deadline", starts_on=date(2010, 4, 30),
        ends_on=date(2010, 4, 30), iso3=iso3, source="test", origin="parties",
        on_calendar=False, status="scheduled", created_at=NOW, updated_at=NOW, updated_by="test",
    )  # fmt: skip


def test_a_synced_deadline_is_translated_with_the_states_name_as_recorded() -> None:
    synced = event(
        "deadline:UKR:article7_annual_report:2009",
        TITLES["article7_annual_report"].format(name="Ukraine", year=2009),
        "UKR",
    )
    assert title_in("fr", synced, TITLES) == (
        "Ukraine : rapport de transparence portant sur 2009 attendu (article 7.2)"
    )
    assert title_in("es", synced, TITLES).startswith("Ukraine: informe de transparencia")
    assert title_in("en", synced, TITLES) == synced.title


def test_a_title_changed_since_it_was_written_is_shown_as_recorded() -> None:
    changed = event("deadline:UKR:article4_stockpile_destruction", "Ukraine: revised plan", "UKR")
    assert title_in("fr", changed, TITLES) == "Ukraine: revised plan"
    renamed = event("seed:2010-11-29:tenth-meeting-of-the-states-parties", "10MSP (moved)")
    assert title_in("es", renamed, TITLES) == "10MSP (moved)"
    written = event("event:3f2a", "Informal meeting on victim assistance")
    assert title_in("fr", written, TITLES) == "Informal meeting on victim assistance"


def test_every_kind_the_sync_writes_has_both_translations() -> None:
    assert set(DEADLINES) == set(TITLES)
    assert all(set(languages) == {"fr", "es"} for languages in DEADLINES.values())


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "21 June 2010"),
        ("fr", "21 juin 2010"),
        ("es", "21 de junio de 2010"),
        ("de", "21 June 2010"),
    ],
)
def test_days_are_written_in_the_language(language: str, written: str) -> None:
    assert day_in(language, date(2010, 6, 21)) == written
    assert set(LOCALES) == {"en", "fr", "es"}
