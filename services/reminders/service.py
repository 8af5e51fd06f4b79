"""Operations of the reminders API: what each route does, between repository and planning.

Every write is audited and re-plans the reminders it touches in the same transaction, so the
outbox never lags the records it was planned from.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pycountry
from sqlmodel import Session

from services.common import audit
from services.common.audit import Actor
from services.common.auth import Principal, Role
from services.common.errors import Conflict, Forbidden, Unprocessable
from services.common.remote import RemoteCopy
from services.reminders import notices, planning, webhook_secrets
from services.reminders.channels import CHANNELS
from services.reminders.clients import PartiesClient
from services.reminders.models import Event, Recipient, Rule, audit_log
from services.reminders.planning import Scope
from services.reminders.repository import recipients as recipient_repository
from services.reminders.schemas import (
    EventInput,
    EventKind,
    PlanOutcome,
    RecipientInput,
    RuleInput,
)
from services.reminders.schemas import Role as RecipientRole

logger = logging.getLogger(__name__)
# Every contact point is one more address the service posts to: a state needs a few, not many.
MAX_CONTACTS_PER_STATE = 20


class StateDirectory:
    """Tells whether an ISO-3 code names a state: ISO 3166 first, then the parties service's
    list of states, a copy refreshed in the background: a write never waits for that service."""

    def __init__(self, client: Callable[[], PartiesClient], *, ttl_seconds: float) -> None:
        self._client = client
        self._copy: RemoteCopy[frozenset[str]] = RemoteCopy(
            name="list of states", fetch=self._fetch, ttl_seconds=ttl_seconds
        )

    def start(self) -> None:
        """Fetch the list once, then keep it fresh in the background."""
        self._copy.start(refresh_first=True)

    def stop(self) -> None:
        """Stop refreshing."""
        self._copy.stop()

    def readiness(self) -> None:
        """Raise when the list could not be fetched lately (for /readyz)."""
        self._copy.readiness()

    def check(self, iso3: str) -> str:
        """Return the upper-case code, or raise 422 when it names no state."""
        code = iso3.upper()
        if pycountry.countries.get(alpha_3=code) is None:
            raise _invalid("iso3", f"{code!r} is not an ISO 3166 alpha-3 country code")
        copy = self._copy.copy
        # Until the parties service has answered once, ISO 3166 alone vouches for the code.
        if copy is not None and code not in copy.value:
            raise _invalid("iso3", f"{code} is not one of the states the parties service knows")
        return code

    def _fetch(self) -> frozenset[str]:
        with self._client() as parties:
            return parties.state_codes()


# Who pauses a recipient through its unsubscribe link: the recipient itself, with no key.
UNSUBSCRIBE_LINK = Actor(id="unsubscribe-link", role="recipient")
UNSUBSCRIBED = "unsubscribed with the link in a reminder"


def _invalid(field: str, message: str) -> Unprocessable:
    return Unprocessable(
        f"{field}: {message}",
        extra={"errors": [{"loc": ["body", field], "msg": message, "type": "value_error"}]},
    )


@dataclass(frozen=True)
class SavedRecipient:
    """A recipient as written, and its webhook signing secret if this write made it."""

    recipient: Recipient
    webhook_secret: str | None


@dataclass(frozen=True)
class RotatedSecret:
    """A new signing secret, and until when the one it replaced is still valid (if any)."""

    recipient_id: int
    webhook_secret: str
    previous_valid_until: datetime | None


@dataclass(frozen=True)
class Context:
    """What an operation needs besides the session."""

    now: datetime
    send_hour: int
    production: bool
    states: StateDirectory


def _replan(session: Session, ctx: Context, scope: Scope, actor: Actor) -> PlanOutcome:
    return planning.plan(session, now=ctx.now, send_hour=ctx.send_hour, scope=scope, actor=actor)


# ---------------------------------------------------------------- events


def _event_values(body: EventInput, iso3: str | None) -> dict[str, Any]:
    return {
        "title": body.title,
        "kind": body.kind.value,
        "starts_on": body.start,
        "ends_on": body.end,
        "location": body.location,
        "iso3": iso3,
    }


def create_event(session: Session, *, body: EventInput, ctx: Context, actor: Actor) -> Event:
    """Record a meeting or date and plan its reminders."""
    iso3 = ctx.states.check(body.iso3) if body.iso3 else None
    event = Event(
        key=f"event:{uuid.uuid4().hex}",
        source=body.source or f"recorded through the API with key {actor.id}",
        origin="api",
        # A date of one state's belongs on its calendar, not on the Convention's.
        on_calendar=iso3 is None,
        status="scheduled",
        created_at=ctx.now,
        updated_at=ctx.now,
        updated_by=actor.id,
        **_event_values(body, iso3),
    )
    audit.create_versioned(session, audit_log, event, entity="event", actor=actor, at=ctx.now)
    assert event.id is not None
    _replan(session, ctx, Scope(event_ids=frozenset({event.id})), actor)
    return event


def update_event(
    session: Session, *, event: Event, body: EventInput, ctx: Context, actor: Actor
) -> Event:
    """Move or correct an event; its pending reminders follow."""
    if event.key.startswith("deadline:"):
        raise Conflict(
            f"Event {event.id} is {event.iso3}'s deadline, kept in step with the parties service: "
            "record an extension there and the next sync moves it."
        )
    iso3 = ctx.states.check(body.iso3) if body.iso3 else None
    values = _event_values(body, iso3)
    if body.source:
        values["source"] = body.source
    assert event.id is not None
    audit.update_versioned(
        session,
        audit_log,
        event,
        entity="event",
        entity_id=event.key,
        values=values,
        actor=actor,
        at=ctx.now,
        unless_unchanged=True,
    )
    _replan(session, ctx, Scope(event_ids=frozenset({event.id})), actor)
    return event


# ---------------------------------------------------------------- rules


def replace_rule(
    session: Session, *, rule: Rule, body: RuleInput, ctx: Context, actor: Actor
) -> Rule:
    """Set the lead times of a kind of event and re-plan the events of that kind."""
    if body.after_days_unless_met and rule.kind != EventKind.DEADLINE:
        raise _invalid(
            "after_days_unless_met", "only deadlines can be met, so only they take after-days"
        )
    values: dict[str, Any] = {
        "before_days": body.before_days,
        "after_days_unless_met": body.after_days_unless_met,
        "audience": body.audience.value,
    }
    values["source"] = (
        rule.source
        if all(getattr(rule, k) == v for k, v in values.items())
        else f"set through the API with key {actor.id}"
    )
    audit.update_versioned(
        session,
        audit_log,
        rule,
        entity="rule",
        entity_id=rule.kind,
        values=values,
        actor=actor,
        at=ctx.now,
        unless_unchanged=True,
    )
    _replan(session, ctx, Scope(kinds=frozenset({rule.kind})), actor)
    return rule


# ---------------------------------------------------------------- recipients


def _check_addresses(body: RecipientInput, ctx: Context) -> None:
    """In production, refuse an address its channel must not send to (a private webhook host)."""
    if not ctx.production:
        return
    for channel in CHANNELS:
        address = channel.address(body)
        if address and (reason := channel.refusal(address)) is not None:
            raise _invalid(channel.field, reason)


def _recipient_values(body: RecipientInput) -> dict[str, Any]:
    addresses = {channel.field: channel.address(body) for channel in CHANNELS}
    return {"name": body.name, **addresses, "language": body.language.value}


def _check_room_for_contact(session: Session, iso3: str) -> None:
    if recipient_repository.count_active(session, iso3=iso3) >= MAX_CONTACTS_PER_STATE:
        raise Conflict(
            f"{iso3} has {MAX_CONTACTS_PER_STATE} active contact points, the most allowed; "
            "deactivate one first."
        )


def create_recipient(
    session: Session,
    *,
    role: RecipientRole,
    iso3: str | None,
    body: RecipientInput,
    ctx: Context,
    actor: Actor,
) -> SavedRecipient:
    """Add a contact point or committee member and plan the reminders it should get; one with
    a webhook gets its signing secret."""
    _check_addresses(body, ctx)
    if iso3 is not None:
        _check_room_for_contact(session, iso3)
    recipient = Recipient(
        role=role.value,
        iso3=iso3,
        active=True,
        created_at=ctx.now,
        updated_at=ctx.now,
        updated_by=actor.id,
        **_recipient_values(body),
    )
    audit.create_versioned(
        session, audit_log, recipient, entity="recipient", actor=actor, at=ctx.now
    )
    assert recipient.id is not None
    _replan(session, ctx, Scope(recipient_ids=frozenset({recipient.id})), actor)
    secret = webhook_secrets.issue_if_missing(session, recipient, actor=actor, at=ctx.now)
    return SavedRecipient(recipient, secret)


def update_recipient(
    session: Session, *, recipient: Recipient, body: RecipientInput, ctx: Context, actor: Actor
) -> SavedRecipient:
    """Change a recipient's addresses or language; a dropped channel's reminders are cancelled,
    and a first webhook brings its signing secret."""
    if not recipient.active:
        raise Conflict(f"Recipient {recipient.id} was deactivated; add a new one instead.")
    _check_addresses(body, ctx)
    # The state's (or an admin's) confirmation of the recipient resumes one that unsubscribed.
    values = {**_recipient_values(body), "paused_at": None, "paused_because": None}
    _write_recipient(session, recipient, values, ctx, actor, "update")
    secret = webhook_secrets.issue_if_missing(session, recipient, actor=actor, at=ctx.now)
    return SavedRecipient(recipient, secret)


def rotate_webhook_secret(
    session: Session, *, recipient: Recipient, ctx: Context, actor: Actor
) -> RotatedSecret:
    """Give a recipient a new webhook signing secret; the previous one stays valid a while."""
    if recipient.webhook_url is None:
        raise Conflict(
            f"Recipient {recipient.id} has no webhook URL, so nothing to sign; give it one "
            "(its first secret comes in that answer)."
        )
    assert recipient.id is not None
    secret = webhook_secrets.issue(session, recipient, actor=actor, at=ctx.now)
    until = webhook_secrets.valid_until(session, recipient.id, replaced_at=ctx.now)
    return RotatedSecret(recipient.id, secret, until)


def deactivate_recipient(
    session: Session, *, recipient: Recipient, ctx: Context, actor: Actor
) -> None:
    """Delete a recipient softly: its reminders stop, the record and its history stay."""
    if not recipient.active:
        raise Conflict(f"Recipient {recipient.id} is already deleted.")
    _write_recipient(session, recipient, {"active": False}, ctx, actor, "delete")


def pause_recipient(session: Session, *, recipient: Recipient, ctx: Context) -> bool:
    """Stop a recipient's reminders at its own request (its unsubscribe link); its pending
    reminders are cancelled and its state's other contact points told (`notices`). False when
    it was paused or deleted already (nothing changes)."""
    if not recipient.active or recipient.paused_at is not None:
        return False
    values = {"paused_at": ctx.now, "paused_because": UNSUBSCRIBED}
    _write_recipient(session, recipient, values, ctx, UNSUBSCRIBE_LINK, "pause")
    notices.tell_state_of_pause(session, paused=recipient, now=ctx.now)
    return True


def restore_recipient(
    session: Session, *, recipient: Recipient, ctx: Context, actor: Actor
) -> None:
    """Undo a deletion (admins): the recipient is listed and reminded again."""
    if recipient.active:
        raise Conflict(f"Recipient {recipient.id} is not deleted.")
    _write_recipient(session, recipient, {"active": True}, ctx, actor, "restore")


def _write_recipient(
    session: Session,
    recipient: Recipient,
    values: dict[str, Any],
    ctx: Context,
    actor: Actor,
    operation: str,
) -> None:
    assert recipient.id is not None
    audit.update_versioned(
        session,
        audit_log,
        recipient,
        entity="recipient",
        entity_id=str(recipient.id),
        values=values,
        actor=actor,
        at=ctx.now,
        operation=operation,
        unless_unchanged=True,
    )
    _replan(session, ctx, Scope(recipient_ids=frozenset({recipient.id})), actor)


# ---------------------------------------------------------------- who sees what


def ensure_may_read_contacts(principal: Principal, iso3: str) -> None:
    """Contact points are personal data: the state's own key, the committee or admins only."""
    if principal.role in (Role.ADMIN, Role.COMMITTEE):
        return
    if principal.role is Role.STATE and principal.state == iso3.upper():
        return
    raise Forbidden(f"This key may not read the contact points of {iso3.upper()}.")


def visible_state(principal: Principal, iso3: str | None) -> str | None:
    """Return the state whose reminders a key may list: its own for a state key, else any."""
    if principal.role is not Role.STATE:
        return iso3.upper() if iso3 else None
    if iso3 is not None and iso3.upper() != principal.state:
        raise Forbidden(f"This key may not read the reminders of {iso3.upper()}.")
    return principal.state
