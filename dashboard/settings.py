"""Settings of the dashboard (environment prefix `DASHBOARD_`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DashboardSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DASHBOARD_", extra="ignore")

    actions_url: str = "http://127.0.0.1:8001"
    parties_url: str = "http://127.0.0.1:8002"
    reminders_url: str = "http://127.0.0.1:8003"
    # A public address for the calendar links, when the dashboard runs behind a proxy.
    reminders_public_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8501
    timeout_seconds: float = 5.0
    cache_ttl_seconds: int = 30
    # The language a page opens in when its address names none (English, French or Spanish).
    language: Literal["en", "fr", "es"] = "en"
    clock_today: date | None = Field(
        default=None, validation_alias=AliasChoices("CLOCK_TODAY", "clock_today")
    )

    def today(self) -> date:
        """Return the day the dashboard opens on (CLOCK_TODAY, like the services)."""
        return self.clock_today or datetime.now(UTC).date()

    def service_urls(self) -> dict[str, str]:
        """Return each service's base URL by name."""
        return {
            "actions": self.actions_url,
            "parties": self.parties_url,
            "reminders": self.reminders_url,
        }
