"""Tables of the reminders service.

`events` holds meetings and deadlines, `rules` the lead times per kind of event, `recipients`
the state contact points and committee members, `webhook_secrets` the secrets that sign what is
sent to their webhooks. Planning writes one `outbox` row per event × lead
time × recipient × channel; delivery groups a day's rows for one recipient and channel into a
`deliveries` row (the digest, with the stable id receivers deduplicate on) and records every
attempt in `delivery_attempts`. `notices` tells a state's contact points that one of them
unsubscribed (it rides in the same digests as reminders). Each sync with the parties service is
recorded in `sync_runs`; `scheduler_lease` says which scheduler process may run the jobs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, Index, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from services.common.audit import audit_table
from services.common.db import Versioned, new_registry
from services.common.idempotency import idempotency_table

registry = new_registry()
metadata = registry.metadata

# APScheduler's job store lives in the same database under this name; it creates and owns the
# table itself, so it is not in `metadata` and the migrations leave it alone.
JOBSTORE_TABLE = "scheduler_jobs"


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that goes in and comes out as aware UTC on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store UTC; SQLite keeps no offset, so it gets the naive UTC time."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class RemindersTable(SQLModel, registry=registry):
    """Base of the reminders service's tables (their own metadata, their own migrations)."""


audit_log = audit_table(metadata)
idempotency_keys = idempotency_table(metadata)


class Event(RemindersTable, Versioned, table=True):
    """A meeting, an anniversary or a deadline: whole days from `starts_on` to `ends_on`."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_dates", "starts_on", "ends_on"),)

    id: int | None = Field(default=None, primary_key=True)
    # Natural key: `seed:…` for seeded dates, `deadline:{ISO3}:{kind}[:{year}]` for a party's
    # deadline (seeded or synced), `event:{uuid}` for events added through the API.
    key: str = Field(max_length=200, unique=True)
    title: str = Field(max_length=300)
    kind: str = Field(max_length=32, index=True)
    starts_on: date = Field(index=True)
    ends_on: date
    location: str | None = Field(default=None, max_length=200)
    iso3: str | None = Field(default=None, max_length=3, index=True)
    source: str
    origin: str = Field(max_length=16)  # seed, api, parties
    # Listed in /calendar.ics: meetings, Convention-wide dates and the seed's important dates.
    on_calendar: bool
    status: str = Field(max_length=16)  # scheduled, or met (a deadline the party has met)
    # A party's deadline that rests on an unverified input, and why (None: verified).
    unverified_because: str | None = None
    version: int = 1
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    updated_by: str = Field(max_length=64)


class Rule(RemindersTable, Versioned, table=True):
    """The lead times of one kind of event and who receives its reminders."""

    __tablename__ = "rules"

    kind: str = Field(primary_key=True, max_length=32)
    before_days: list[int] = Field(sa_type=JSON)
    after_days_unless_met: list[int] = Field(sa_type=JSON)
    audience: str = Field(max_length=16)  # all, states, committee
    source: str
    version: int = 1
    updated_at: datetime = Field(sa_type=UtcDateTime)
    updated_by: str = Field(max_length=64)


class Recipient(RemindersTable, Versioned, table=True):
    """A state's contact point or a committee member; deactivated, never deleted."""

    __tablename__ = "recipients"

    id: int | None = Field(default=None, primary_key=True)
    role: str = Field(max_length=24, index=True)  # state_contact, committee_member
    iso3: str | None = Field(default=None, max_length=3, index=True)
    name: str = Field(max_length=200)
    # One address column per channel, named by the channel's `field` (`channels/`).
    email: str | None = Field(default=None, max_length=320)
    webhook_url: str | None = Field(default=None, max_length=2000)
    language: str = Field(max_length=8)
    active: bool = True
    # Paused by the recipient's own unsubscribe link (no reminders until its state confirms it).
    paused_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    paused_because: str | None = Field(default=None, max_length=200)
    version: int = 1
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    updated_by: str = Field(max_length=64)


class WebhookSecret(RemindersTable, table=True):
    """A recipient's webhook signing secret. Never changed: a rotation adds the next one, and
    the one before stays valid for a while (`services.reminders.signing`)."""

    __tablename__ = "webhook_secrets"

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipients.id", index=True)
    secret: str = Field(max_length=100)
    created_at: datetime = Field(sa_type=UtcDateTime)
    created_by: str = Field(max_length=64)


class Delivery(RemindersTable, table=True):
    """One digest: a day's reminders for one recipient and channel, sent under a stable id."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("recipient_id", "channel", "day", "sequence"),
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    # The Message-ID of the email and the webhook-id header: receivers drop repeats of it.
    id: str = Field(primary_key=True, max_length=40)
    recipient_id: int = Field(foreign_key="recipients.id")
    channel: str = Field(max_length=16)
    day: date
    # A second digest of the same day (reminders planned after the first went out) is number 2.
    sequence: int
    status: str = Field(max_length=16)  # pending, retrying, delivered, dead, cancelled
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=1000)
    next_attempt_at: datetime = Field(sa_type=UtcDateTime)
    transport: str | None = Field(default=None, max_length=16)  # its sender's: smtp, log, webhook
    created_at: datetime = Field(sa_type=UtcDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Reminder(RemindersTable, table=True):
    """The outbox: one reminder of one event, at one lead time, to one recipient on one channel."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("event_id", "offset_days", "recipient_id", "channel"),
        Index("ix_outbox_status_due_at", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", index=True)
    # Days from the event's start: -30 is "30 days before", +1 "a day after, unless met".
    offset_days: int
    recipient_id: int = Field(foreign_key="recipients.id", index=True)
    channel: str = Field(max_length=16)  # a channel's name: email, webhook (`channels/`)
    due_at: datetime = Field(sa_type=UtcDateTime)
    # After this the reminder is pointless (the meeting has begun): it expires instead of going.
    expires_at: datetime = Field(sa_type=UtcDateTime)
    status: str = Field(max_length=16)  # pending, delivered, cancelled, expired, dead
    delivery_id: str | None = Field(
        default=None, foreign_key="deliveries.id", max_length=40, index=True
    )
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Notice(RemindersTable, table=True):
    """A message to a state's contact point about another of its contact points (one that
    unsubscribed), on one channel. Not an event: it is on no calendar and has no lead time; it
    goes in the addressee's next digest of the day, beside any reminders."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("kind", "about_id", "happened_at", "recipient_id", "channel"),
        Index("ix_notices_status_due_at", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)  # contact_paused
    # The contact point the notice is about, and its name as it was when it happened.
    about_id: int = Field(foreign_key="recipients.id", index=True)
    about_name: str = Field(max_length=200)
    happened_at: datetime = Field(sa_type=UtcDateTime)
    recipient_id: int = Field(foreign_key="recipients.id", index=True)
    channel: str = Field(max_length=16)
    due_at: datetime = Field(sa_type=UtcDateTime)
    status: str = Field(max_length=16)  # pending, delivered, cancelled, dead
    delivery_id: str | None = Field(
        default=None, foreign_key="deliveries.id", max_length=40, index=True
    )
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class DeliveryAttempt(RemindersTable, table=True):
    """One attempt to send a digest; `started` with no end means the sender died mid-send."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (UniqueConstraint("delivery_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: str = Field(foreign_key="deliveries.id", max_length=40)
    number: int
    started_at: datetime = Field(sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    outcome: str = Field(max_length=16)  # started, delivered, failed, interrupted
    error: str | None = Field(default=None, max_length=1000)
    # The token of the lease the scheduler held when it began the attempt (none outside one):
    # only that holder may finish it, and a later holder closes it when it takes over.
    lease_token: int | None = None


class SyncRun(RemindersTable, table=True):
    """One pull of the parties' deadlines: what it changed, or why it failed."""

    __tablename__ = "sync_runs"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(sa_type=UtcDateTime, index=True)
    finished_at: datetime = Field(sa_type=UtcDateTime)
    outcome: str = Field(max_length=16)  # ok, failed
    parties: int = 0
    changed: int = 0
    detail: str | None = Field(default=None, max_length=1000)


class SchedulerLease(RemindersTable, table=True):
    """Which scheduler process may run the jobs: one at a time, for as long as it renews."""

    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(max_length=200)
    # Grows by one with each new holder, never goes back: every write of the scheduler names the
    # token it holds, and the writes of a holder whose lease was taken over are refused.
    token: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    acquired_at: datetime = Field(sa_type=UtcDateTime)
    renewed_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
