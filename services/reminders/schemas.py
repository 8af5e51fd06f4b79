"""Request and response bodies of the reminders service's API."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from services.common.types import IsoDate, NoControlCharacters, UtcDateTime
from services.reminders.channels import CHANNELS, unreachable_message
from services.reminders.channels.email import EmailAddress
from services.reminders.channels.webhook import WebhookUrl

EARLIEST = date(1997, 1, 1)
LATEST = date(2100, 12, 31)
MAX_BEFORE_DAYS = 365
MAX_AFTER_DAYS = 30


class EventKind(StrEnum):
    STANDING_COMMITTEES = "standing_committees"  # the June intersessional meetings
    MEETING_OF_STATES_PARTIES = "meeting_of_states_parties"  # November/December
    REVIEW_CONFERENCE = "review_conference"
    SPECIAL_MEETING = "special_meeting"
    ANNIVERSARY = "anniversary"
    DEADLINE = "deadline"


MEETING_KINDS = frozenset(
    {
        EventKind.STANDING_COMMITTEES,
        EventKind.MEETING_OF_STATES_PARTIES,
        EventKind.REVIEW_CONFERENCE,
        EventKind.SPECIAL_MEETING,
    }
)


class Audience(StrEnum):
    """Who receives an event's reminders: the states it concerns, the committee, or both."""

    ALL = "all"
    STATES = "states"
    COMMITTEE = "committee"


class Language(StrEnum):
    ENGLISH = "en"
    FRENCH = "fr"
    SPANISH = "es"


class Role(StrEnum):
    STATE_CONTACT = "state_contact"
    COMMITTEE_MEMBER = "committee_member"


class ReminderStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    DEAD = "dead"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    DEAD = "dead"
    CANCELLED = "cancelled"


def _plausible(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return value


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


EventDate = Annotated[IsoDate, AfterValidator(_plausible)]
Title = Annotated[str, _text(300), NoControlCharacters]
Place = Annotated[str, _text(200), NoControlCharacters]
Source = Annotated[str, _text(2000), NoControlCharacters]
Name = Annotated[str, _text(200), NoControlCharacters]
Iso3Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$", to_upper=True)]
BeforeDays = Annotated[int, Field(ge=1, le=MAX_BEFORE_DAYS)]
AfterDays = Annotated[int, Field(ge=1, le=MAX_AFTER_DAYS)]


class Input(BaseModel):
    """Base of request bodies: an unknown field (`id`, `version`, `status`…) is a 422."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ---------------------------------------------------------------- events


class EventInput(Input):
    """A meeting or date as admins record it; a PUT replaces every field."""

    title: Title = Field(
        description="The name of the meeting or date, as reminders and calendars show it",
        examples=["Meetings of the Standing Committees"],
    )
    kind: EventKind = Field(
        description="What the event is; the rule of its kind (`/rules/{kind}`) says when its "
        "reminders go and to whom",
        examples=["standing_committees"],
    )
    start: EventDate = Field(
        description="The event's first day (YYYY-MM-DD), from which its reminders are counted",
        examples=["2010-06-21"],
    )
    end: EventDate = Field(
        description="The event's last day, not before `start`; the same day for a one-day date",
        examples=["2010-06-25"],
    )
    location: Place | None = Field(
        default=None,
        description="Where the meeting takes place, e.g. a city; null: no place (a deadline, "
        "an anniversary)",
        examples=["Geneva"],
    )
    iso3: Iso3Code | None = Field(
        default=None,
        description="The ISO 3166 alpha-3 code of the state the date concerns, if one: it then "
        "goes on that state's calendar; null: no single state (on the Convention's calendar)",
        examples=["NIC"],
    )
    source: Source | None = Field(
        default=None,
        description="Where the date comes from (a document, a URL); null: on a new event, "
        "recorded as set through the API by the key that wrote it; on an update, unchanged",
        examples=["https://example.org/meetings/intersessional-2010.pdf"],
    )

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) precedes start ({self.start})")
        return self


# ---------------------------------------------------------------- rules


def _distinct(values: list[int]) -> list[int]:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat a lead time")
    return sorted(values, reverse=True)


class RuleInput(Input):
    """The lead times of a kind of event; after-days apply to a party's deadlines only."""

    before_days: Annotated[list[BeforeDays], Field(max_length=10)] = Field(
        description="How many days before an event's first day a reminder goes, one reminder "
        "per lead time (distinct, 1 to 365 days); empty: no reminder before",
        examples=[[30, 7]],
    )
    after_days_unless_met: Annotated[list[AfterDays], Field(max_length=5)] = Field(
        default=[],
        description="How many days after a party's deadline a reminder goes if the deadline "
        "is still not met (distinct, 1 to 30 days; kind `deadline` only); empty: none",
        examples=[[1]],
    )
    audience: Audience = Field(
        description="Who receives the reminders: states, the contact points of the state the "
        "event concerns (of every state when it concerns none); committee, the committee "
        "members; all, both",
        examples=["states"],
    )

    _distinct_before = field_validator("before_days")(_distinct)
    _distinct_after = field_validator("after_days_unless_met")(_distinct)


class RulePublic(Output):
    kind: str
    before_days: list[int]
    after_days_unless_met: list[int]
    audience: str
    source: str
    version: int
    updated_at: UtcDateTime


# ---------------------------------------------------------------- recipients


class RecipientInput(Input):
    """A contact point: an email address, a webhook URL, or both; a PUT replaces every field."""

    name: Name = Field(
        description="The name of the contact point, a person or an office, as reminders address it",
        examples=["National Mine Action Authority"],
    )
    # One field per channel, named by its `field` and typed by its module (`channels/`).
    email: EmailAddress | None = Field(
        default=None,
        description="The address that e-mail reminders go to; null: no e-mail (then "
        "`webhook_url` is needed)",
        examples=["mine-action@example.org"],
    )
    webhook_url: WebhookUrl | None = Field(
        default=None,
        description="An http or https URL that receives reminders as signed JSON POSTs "
        "(Standard Webhooks); in production it must name a public host; null: no webhook "
        "(then `email` is needed)",
        examples=["https://example.org/hooks/reminders"],
    )
    language: Language = Field(
        default=Language.ENGLISH,
        description="The language of the reminders' subject and wording; event titles stay "
        "as recorded",
        examples=["es"],
    )

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if not any(channel.address(self) for channel in CHANNELS):
            raise ValueError(unreachable_message())
        return self


class RecipientPublic(Output):
    id: int
    role: str
    iso3: str | None
    name: str
    email: str | None
    webhook_url: str | None
    language: str
    active: bool
    paused_at: UtcDateTime | None = Field(
        description="When the recipient unsubscribed with the link in a reminder: it gets none "
        "until its state (or an admin) confirms it with a PUT; null: not paused"
    )
    paused_because: str | None = Field(description="Why it is paused; null: not paused")
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


class RecipientSaved(RecipientPublic):
    """A recipient as a create or update left it, with its webhook secret if that write made it."""

    webhook_secret: str | None = Field(
        description="The recipient's own webhook signing secret (Standard Webhooks, `whsec_…`), "
        "present only in the answer that made it: when the recipient first gets a webhook URL. "
        "It is never shown again; `POST …/webhook-secret` makes a new one."
    )


class WebhookSecretIssued(Output):
    """A new webhook signing secret, shown this once."""

    recipient_id: int
    webhook_secret: str = Field(description="The new secret (`whsec_…`); never shown again")
    previous_valid_until: UtcDateTime | None = Field(
        description="Until then webhooks carry a signature with the previous secret too, so the "
        "receiver can switch over; none if the recipient had no secret of its own before"
    )


# ---------------------------------------------------------------- reminders and deliveries


class ReminderPublic(Output):
    id: int
    event_id: int
    offset_days: int
    recipient_id: int
    channel: str
    due_at: UtcDateTime
    expires_at: UtcDateTime
    status: str
    delivery_id: str | None
    delivered_at: UtcDateTime | None


class AttemptPublic(Output):
    number: int
    started_at: UtcDateTime
    finished_at: UtcDateTime | None
    outcome: str
    error: str | None


class DeliveryPublic(Output):
    id: str
    recipient_id: int
    channel: str
    day: date
    sequence: int
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: UtcDateTime
    transport: str | None
    created_at: UtcDateTime
    delivered_at: UtcDateTime | None


class NoticePublic(Output):
    """A notice to a contact point about another of its state's contact points (`kind`
    `contact_paused`: it unsubscribed at `happened_at`); sent in that day's digest."""

    id: int
    kind: str
    about_id: int = Field(description="The contact point the notice is about")
    about_name: str = Field(description="Its name when it happened")
    happened_at: UtcDateTime
    recipient_id: int = Field(description="The contact point told")
    channel: str
    status: str = Field(description="pending, delivered, cancelled or dead, as its digest")
    delivery_id: str | None
    created_at: UtcDateTime
    delivered_at: UtcDateTime | None


class DeliveryDetail(DeliveryPublic):
    reminder_ids: list[int]
    notice_ids: list[int]
    attempt_log: list[AttemptPublic]


class PlanOutcome(BaseModel):
    """What one planning run changed in the outbox."""

    created: int = 0
    moved: int = 0
    cancelled: int = 0
    restored: int = 0
    expired: int = 0

    @property
    def changed(self) -> int:
        """How many outbox rows the run wrote."""
        return self.created + self.moved + self.cancelled + self.restored + self.expired


class SyncOutcome(Output):
    outcome: str
    parties: int
    changed: int
    detail: str | None
    started_at: UtcDateTime
    finished_at: UtcDateTime


class SyncNow(Output):
    """What `POST /deadlines/sync` did: the sync with the parties service, then the planning."""

    sync: SyncOutcome
    plan: PlanOutcome
