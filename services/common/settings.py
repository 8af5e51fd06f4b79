"""Settings base shared by every service; each service subclasses it with its own env prefix."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, ClassVar, Literal, Self

from pydantic import (
    AfterValidator,
    AliasChoices,
    Field,
    HttpUrl,
    SecretStr,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from services.common.ratelimit import valid_limit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Values that look like secrets but are placeholders from examples and development defaults.
KNOWN_DEFAULT_SECRETS = frozenset(
    {"change-me", "changeme", "secret", "password", "development", "dev", "test", "example"}
)
VAR_DIR = PROJECT_ROOT / "var"
RateLimit = Annotated[str, AfterValidator(valid_limit)]
DATABASE_DRIVERS = frozenset({"sqlite", "postgres", "postgresql", "postgresql+psycopg"})
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_HTTP_URL = TypeAdapter(HttpUrl)


def _database_url(url: str) -> str:
    # The URL is never echoed: it may hold a password.
    try:
        driver = make_url(url).drivername
    except ArgumentError:
        raise ValueError("not a database URL (sqlite:///path or postgresql://…)") from None
    if driver not in DATABASE_DRIVERS:
        raise ValueError(
            f"the scheme {driver}:// is not one this service speaks: "
            "use sqlite:///path or postgresql://user:password@host/database"
        )
    return url


def _service_url(url: str) -> str:
    # Checked as pydantic's HttpUrl, kept as written (HttpUrl would add a trailing slash).
    try:
        _HTTP_URL.validate_python(url)
    except ValidationError:
        raise ValueError(
            "must be an http:// or https:// URL, such as http://127.0.0.1:8001"
        ) from None
    return url


def _log_level(level: str) -> str:
    if level.upper() not in LOG_LEVELS:
        raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
    return level.upper()


DatabaseUrl = Annotated[str, AfterValidator(_database_url)]
ServiceUrl = Annotated[str, AfterValidator(_service_url)]
Port = Annotated[int, Field(ge=1, le=65535)]
LogLevel = Annotated[str, AfterValidator(_log_level)]
# An empty value (`ACTIONS_DATABASE_RUNTIME_ROLE=`) means no role, as if it were unset.
RoleName = Annotated[str | None, AfterValidator(lambda name: name or None)]


def sqlite_url(filename: str) -> str:
    """Return the SQLite URL of a database file under the project's `var/` directory."""
    return f"sqlite:///{VAR_DIR / filename}"


class ServiceSettings(BaseSettings):
    """What every service is configured with; subclasses set `env_prefix` and the defaults."""

    # Errors never echo the input: it holds database URLs with their passwords.
    model_config = SettingsConfigDict(extra="ignore", env_file=None, hide_input_in_errors=True)

    database_url: DatabaseUrl = sqlite_url("service.db")
    # API keys live in one store shared by all services so a state holds one key, not three.
    keys_database_url: DatabaseUrl = Field(
        default=sqlite_url("keys.db"),
        validation_alias=AliasChoices("KEYS_DATABASE_URL", "keys_database_url"),
    )
    # On PostgreSQL, the role the API process connects as when it is not the one that migrates:
    # `setup` grants it what the API does and no more (the audit log: read and append only).
    database_runtime_role: RoleName = None
    keys_database_runtime_role: RoleName = Field(
        default=None,
        validation_alias=AliasChoices("KEYS_DATABASE_RUNTIME_ROLE", "keys_database_runtime_role"),
    )
    # How long `prestart` waits for the databases to answer (a container starting beside them).
    database_wait_seconds: float = Field(default=120.0, gt=0, le=3600)
    host: str = "127.0.0.1"
    port: Port = 8000
    # One deployment, one environment: `ENVIRONMENT=production` for every process.
    environment: Literal["development", "test", "production"] = Field(
        default="development", validation_alias=AliasChoices("ENVIRONMENT", "environment")
    )
    log_level: LogLevel = "INFO"
    log_json: bool = True
    # One day for the whole system: `CLOCK_TODAY=2010-05-01` shows it as it was then.
    clock_today: date | None = Field(
        default=None, validation_alias=AliasChoices("CLOCK_TODAY", "clock_today")
    )
    max_body_bytes: int = 1024 * 1024
    # How long an idle client connection stays open. Longer than the idle timeout of the clients
    # and proxies in front (nginx keeps upstream connections 60 s): when the server closes first,
    # a request sent on the closing connection is reset, and the client sees an error.
    keep_alive_seconds: int = Field(default=75, ge=1, le=3600)
    # Reads in progress at once, and writes; more of a kind get an immediate 503 (health and
    # metrics excepted). And how late the event loop may run ready work, for a while, before
    # reads are refused too (`services.common.admission`).
    max_concurrent_requests: int = Field(default=100, ge=1)
    max_queue_delay_ms: int = Field(default=200, ge=1, le=60_000)
    # /docs, /redoc and /openapi.json: on by default, off in production unless asked for.
    docs_enabled: bool | None = None
    # A port of its own for /metrics (then not served on the API's port, which an ingress
    # publishes): set in Kubernetes, where Prometheus scrapes the pods directly.
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    # Browser origins allowed to call the API (CORS); none unless listed.
    cors_origins: list[str] = []
    # Requests per API key, and requests with a bad key per client address ("N/second|minute|hour").
    rate_limit_per_key: RateLimit = "600/minute"
    rate_limit_failed_auth: RateLimit = "20/minute"
    # Reverse proxies whose X-Forwarded-For is believed (comma-separated); none by default.
    forwarded_allow_ips: str = Field(
        default="", validation_alias=AliasChoices("FORWARDED_ALLOW_IPS", "forwarded_allow_ips")
    )
    # Names of the settings that hold secrets: production refuses them missing or left default.
    secret_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _runtime_roles_need_postgresql(self) -> Self:
        # Refused rather than ignored: whoever sets a role believes the audit log is protected
        # by it, and SQLite, which has no roles, could not keep that promise.
        prefix = str(self.model_config.get("env_prefix", "")).upper()
        pairs = (
            (f"{prefix}DATABASE", self.database_runtime_role, self.database_url),
            ("KEYS_DATABASE", self.keys_database_runtime_role, self.keys_database_url),
        )
        for name, role, url in pairs:
            if role and make_url(url).get_backend_name() == "sqlite":
                raise ValueError(
                    f"{name}_RUNTIME_ROLE names a PostgreSQL role, but {name}_URL is SQLite, "
                    "which has no roles: unset it, or use PostgreSQL"
                )
        return self

    @property
    def docs_open(self) -> bool:
        """Whether the API documentation is served."""
        if self.docs_enabled is None:
            return self.environment != "production"
        return self.docs_enabled

    def production_problems(self) -> list[str]:
        """What makes these settings unfit for production (empty outside production)."""
        if self.environment != "production":
            return []
        databases = {"database_url": self.database_url, "keys_database_url": self.keys_database_url}
        problems = [
            f"{self.variable(name)} must point at PostgreSQL with a password"
            for name, url in databases.items()
            if make_url(url).get_backend_name() != "postgresql" or not make_url(url).password
        ]
        for name in self.secret_fields:
            value = getattr(self, name)
            secret = value.get_secret_value() if isinstance(value, SecretStr) else value
            if not secret or str(secret).lower() in KNOWN_DEFAULT_SECRETS:
                problems.append(f"{self.variable(name)} is missing or left at a default value")
        return problems

    @classmethod
    def variable(cls, field: str) -> str:
        """The environment variable that sets `field` (what an operator must be told to fix)."""
        info = cls.model_fields.get(field)
        alias = info.validation_alias if info is not None else None
        if isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str):
            return alias.choices[0]
        return (str(cls.model_config.get("env_prefix", "")) + field).upper()
