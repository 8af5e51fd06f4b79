"""Settings of the reminders service and its scheduler (environment prefix `REMINDERS_`)."""

from pathlib import Path
from typing import ClassVar, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from services.common.settings import (
    VAR_DIR,
    DatabaseUrl,
    Port,
    RateLimit,
    ServiceSettings,
    ServiceUrl,
    sqlite_url,
)
from services.reminders.signing import check_signing_secret


class RemindersSettings(ServiceSettings):
    # An empty variable (docker compose's `${REMINDERS_SMTP_HOST:-}`) means the default.
    model_config = SettingsConfigDict(
        env_prefix="REMINDERS_", extra="ignore", env_ignore_empty=True
    )
    secret_fields: ClassVar[tuple[str, ...]] = ("webhook_secret",)

    database_url: DatabaseUrl = sqlite_url("reminders.db")
    port: Port = 8003
    # Where recipients reach this service (the unsubscribe links in e-mails); by default
    # http://{host}:{port}, right for `make run` only.
    public_url: ServiceUrl | None = None
    # The scheduler process's own /metrics and /healthz (on `host`); 0: any free port.
    scheduler_port: int = Field(default=8004, ge=0, le=65535)
    # The parties service, whose deadlines the sync job pulls and whose states validate ISO-3 codes.
    parties_url: ServiceUrl = "http://127.0.0.1:8002"
    parties_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # How often the API fetches the parties service's list of states again (in the background).
    states_ttl_seconds: int = Field(default=3600, ge=1)
    # The hour (UTC) at which a day's reminders go out.
    send_hour_utc: int = Field(default=8, ge=0, le=23)
    # Scheduler: how often each job runs, and how late a missed run may still start.
    sync_interval_seconds: int = Field(default=3600, ge=1)
    # How often the scheduler asks whether the parties' deadlines moved (a conditional GET): a
    # granted extension reaches the events and reminders within this time.
    sync_follow_seconds: int = Field(default=30, ge=1)
    sync_retry_seconds: int = Field(default=60, ge=1)  # after a failed sync
    plan_interval_seconds: int = Field(default=900, ge=1)
    deliver_interval_seconds: int = Field(default=60, ge=1)
    misfire_grace_hours: int = Field(default=6, ge=1)
    # POST /reminders/plan, for all admin keys together: the scheduler plans on its own anyway.
    plan_now_limit: RateLimit = "6/minute"
    # A scheduler holds a lease in the database, renewed every quarter of this; a second one,
    # started by mistake, runs nothing until the first has been gone this long.
    lease_seconds: int = Field(default=120, ge=4)
    # Email: without an SMTP host, email reminders go to the log channel (written to the log).
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_sender: str = "Cartagena Monitor <reminders@cartagena-monitor.invalid>"
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    # Webhooks: the Standard Webhooks signing secret (`whsec_` + base64), and the wait per send.
    # Outside production, without one, the secret `setup` keeps in this file is used, so that
    # webhooks work under `make run`; production needs REMINDERS_WEBHOOK_SECRET itself.
    webhook_secret: SecretStr | None = None
    development_webhook_secret_file: Path = VAR_DIR / "webhook-secret"
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # Retries: attempt n waits base * 2**(n-1) seconds, at most `retry_max_seconds`; after
    # `max_attempts` failed attempts a delivery is dead-lettered.
    max_attempts: int = Field(default=8, ge=1, le=100)
    # How many digests are sent at once.
    delivery_concurrency: int = Field(default=4, ge=1, le=64)
    retry_base_seconds: int = Field(default=60, ge=1)
    retry_max_seconds: int = Field(default=6 * 3600, ge=1)

    @field_validator("webhook_secret")
    @classmethod
    def _signing_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            check_signing_secret(value.get_secret_value())
        return value

    @model_validator(mode="after")
    def _development_secret(self) -> Self:
        file = self.development_webhook_secret_file
        if self.webhook_secret is None and self.environment != "production" and file.is_file():
            secret = file.read_text().strip()
            try:
                check_signing_secret(secret)
            except ValueError as exc:
                raise ValueError(f"{file}: {exc}") from exc
            self.webhook_secret = SecretStr(secret)
        return self
