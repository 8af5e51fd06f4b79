"""Settings of the parties service (environment prefix `PARTIES_`)."""

from datetime import date

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import DatabaseUrl, Port, ServiceSettings, ServiceUrl, sqlite_url


class PartiesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PARTIES_", extra="ignore")

    database_url: DatabaseUrl = sqlite_url("parties.db")
    port: Port = 8002
    # The actions service, whose catalogue says which actions bind which parties.
    actions_url: ServiceUrl = "http://127.0.0.1:8001"
    actions_timeout_seconds: float = 3.0
    # The reminders service, whose calendar names the meeting that decides an extension request.
    reminders_url: ServiceUrl = "http://127.0.0.1:8003"
    # How often the catalogue is fetched again (in the background; requests never wait for it).
    catalogue_ttl_seconds: int = Field(default=300, ge=1)
    # A deadline within this many days is `due_soon`.
    due_soon_days: int = 90
    # The day the records begin (the seed's snapshot of early 2010): nothing earlier is known,
    # and `as_of` summaries cannot go further back.
    records_begin: date = date(2010, 1, 1)
    # Replays of the records to a past day (`as_of`): how many are computed at once, how many
    # more may wait for them (beyond that: 503 at once), and how much memory their cache keeps.
    max_replays: int = Field(default=2, ge=1, le=64)
    max_waiting_replays: int = Field(default=8, ge=0, le=1000)
    replay_cache_mb: int = Field(default=32, ge=0, le=4096)
