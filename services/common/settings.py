"""Settings base shared by every service; each service subclasses it with its own env prefix."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = PROJECT_ROOT / "var"


def sqlite_url(filename: str) -> str:
    """Return the SQLite URL of a database file under the project's `var/` directory."""
    return f"sqlite:///{VAR_DIR / filename}"


class ServiceSettings(BaseSettings):
    """What every service is configured with; subclasses set `env_prefix` and the defaults."""

    model_config = SettingsConfigDict(extra="ignore", env_file=None)

    database_url: str = sqlite_url("service.db")
    # API keys live in one store shared by all services so a state holds one key, not three.
    keys_database_url: str = Field(
        default=sqlite_url("keys.db"),
        validation_alias=AliasChoices("KEYS_DATABASE_URL", "keys_database_url"),
    )
    host: str = "127.0.0.1"
    port: int = 8000
    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"
    log_json: bool = True
    # One day for the whole system: `CLOCK_TODAY=2010-05-01` shows it as it was then.
    clock_today: date | None = Field(
        default=None, validation_alias=AliasChoices("CLOCK_TODAY", "clock_today")
    )
    max_body_bytes: int = 1024 * 1024
    docs_enabled: bool = True
