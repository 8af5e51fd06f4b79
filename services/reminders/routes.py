"""HTTP routes of the reminders service: validate, check the key, delegate, shape the response."""

from __future__ import annotations

from typing import Annotated, Any

import pycountry
from fastapi import APIRouter, Depends, Path, Query, Request, Response

from services.common.auth import (
    AdminPrincipal,
    CommitteePrincipal,
    CurrentPrincipal,
    ensure_may_write_state,
)
from services.common.db import SessionDep
from services.common.errors import NotFound, Unprocessable
from services.common.etag import etag_of, json_with_etag, require_if_match, version_etag
from services.common.idempotency import IdempotencyDep, once
from services.common.pagination import Page, PageDep
from services.common.ratelimit import RateLimiter
from services.common.types import IsoDate
from services.reminders import attempts, calendar, planning, repository, service
from services.reminders.models import Event, Recipient, Rule, idempotency_keys
from services.reminders.schemas import (
    AttemptPublic,
    DeliveryDetail,
    DeliveryPublic,
    DeliveryStatus,
    EventInput,
    EventKind,
    EventPublic,
    PlanOutcome,
    RecipientInput,
    RecipientPublic,
    RecipientSaved,
    ReminderPublic,
    ReminderStatus,
    Role,
    RuleInput,
    RulePublic,
)
from services.reminders.service import Context

router = APIRouter()

Responses = dict[int | str, dict[str, Any]]
READ: Responses = {404: {"description": "No such event, rule or recipient (problem+json)"}}
PRIVATE: Responses = {
    **READ,
    401: {"description": "No valid API key"},
    403: {"description": "This key may not read this"},
}
WRITE: Responses = {
    **PRIVATE,
    403: {"description": "This key may not change this"},
    409: {"description": "Conflicts with recorded data"},
    412: {"description": "If-Match names a stale ETag"},
    428: {"description": "If-Match is required"},
}

GONE: Responses = {410: {"description": "Deleted; an admin can restore it (problem+json)"}}

Iso3 = Annotated[str, Path(pattern=r"^[A-Za-z]{3}$", description="ISO 3166 alpha-3 code, e.g. NIC")]
Id = Annotated[int, Path(ge=1, le=2**62)]
Kind = Annotated[str, Path(max_length=32, description="A kind of event, e.g. deadline")]
StateFilter = Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$", description="ISO-3 code")]


def context(request: Request) -> Context:
    """What every write needs from the app: the time, the send hour, the state directory."""
    settings = request.app.state.settings
    return Context(
        now=request.app.state.clock.now(),
        send_hour=settings.send_hour_utc,
        production=settings.environment == "production",
        states=request.app.state.states,
    )


ContextDep = Annotated[Context, Depends(context)]


# ---------------------------------------------------------------- events


def _event_etag(event: Event) -> str:
    return version_etag("event", event.id or 0, event.version)


@router.get("/events", response_model=Page[EventPublic], tags=["events"])
def list_events(
    session: SessionDep,
    page: PageDep,
    start_from: Annotated[
        IsoDate | None, Query(alias="from", description="Events ending on or after this day")
    ] = None,
    to: Annotated[
        IsoDate | None, Query(description="Events starting on or before this day")
    ] = None,
    kind: EventKind | None = None,
    iso3: StateFilter = None,
) -> Page[EventPublic]:
    """List meetings, dates and deadlines by date, filtered by period, kind or state."""
    if start_from is not None and to is not None and to < start_from:
        raise Unprocessable(f"to ({to}) precedes from ({start_from}).")
    rows, total = repository.list_events(
        session,
        start_from=start_from,
        to=to,
        kind=kind.value if kind else None,
        iso3=iso3.upper() if iso3 else None,
        limit=page.limit,
        offset=page.offset,
    )
    return Page.of([EventPublic.of(row) for row in rows], total=total, params=page)


@router.get("/events/{event_id}", response_model=EventPublic, responses=READ, tags=["events"])
def read_event(request: Request, session: SessionDep, event_id: Id) -> Response:
    """Read one event, with the ETag to send when moving it."""
    event = repository.get_event(session, event_id=event_id)
    return json_with_etag(request, EventPublic.of(event), etag=_event_etag(event))


@router.post(
    "/events", response_model=EventPublic, status_code=201, responses=WRITE, tags=["events"]
)
def create_event(
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    idempotency: IdempotencyDep,
    body: EventInput,
) -> EventPublic | Response:
    """Add a meeting or date of any year (admin key); its reminders are planned at once."""

    def create() -> EventPublic:
        event = service.create_event(session, body=body, ctx=ctx, actor=principal.actor)
        response.headers["Location"] = f"/events/{event.id}"
        response.headers["ETag"] = _event_etag(event)
        return EventPublic.of(event)

    return once(
        session, idempotency_keys, idempotency, now=ctx.now, response=response, create=create
    )


@router.put("/events/{event_id}", response_model=EventPublic, responses=WRITE, tags=["events"])
def update_event(
    request: Request,
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    event_id: Id,
    body: EventInput,
) -> EventPublic:
    """Move or correct a meeting (admin key, If-Match); its pending reminders move with it."""
    event = repository.get_event(session, event_id=event_id)
    require_if_match(request, _event_etag(event))
    service.update_event(session, event=event, body=body, ctx=ctx, actor=principal.actor)
    response.headers["ETag"] = _event_etag(event)
    return EventPublic.of(event)


# ---------------------------------------------------------------- rules


def _rule_etag(rule: Rule) -> str:
    return version_etag("rule", rule.kind, rule.version)


@router.get("/rules", response_model=Page[RulePublic], tags=["rules"])
def list_rules(session: SessionDep, page: PageDep) -> Page[RulePublic]:
    """List the lead times and audience of every kind of event."""
    rules = [RulePublic.model_validate(rule) for rule in repository.list_rules(session)]
    return Page.of(rules[page.offset : page.offset + page.limit], total=len(rules), params=page)


@router.get("/rules/{kind}", response_model=RulePublic, responses=READ, tags=["rules"])
def read_rule(request: Request, session: SessionDep, kind: Kind) -> Response:
    """Read the rule of one kind of event, with its ETag."""
    rule = repository.get_rule(session, kind=kind)
    return json_with_etag(request, RulePublic.model_validate(rule), etag=_rule_etag(rule))


@router.put("/rules/{kind}", response_model=RulePublic, responses=WRITE, tags=["rules"])
def update_rule(
    request: Request,
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    kind: Kind,
    body: RuleInput,
) -> RulePublic:
    """Set the lead times of a kind of event (admin key, If-Match); its reminders are re-planned."""
    rule = repository.get_rule(session, kind=kind)
    require_if_match(request, _rule_etag(rule))
    service.replace_rule(session, rule=rule, body=body, ctx=ctx, actor=principal.actor)
    response.headers["ETag"] = _rule_etag(rule)
    return RulePublic.model_validate(rule)


# ---------------------------------------------------------------- recipients


def _recipient_etag(recipient: Recipient) -> str:
    return version_etag("recipient", recipient.id or 0, recipient.version)


def _recipient_response(request: Request, recipient: Recipient) -> Response:
    body = RecipientPublic.model_validate(recipient)
    return json_with_etag(request, body, etag=_recipient_etag(recipient))


def _saved(saved: service.SavedRecipient) -> RecipientSaved:
    public = RecipientPublic.model_validate(saved.recipient)
    return RecipientSaved(**public.model_dump(), webhook_secret=saved.webhook_secret)


def _recipients_page(
    session: SessionDep, page: PageDep, role: Role, iso3: str | None
) -> Page[RecipientPublic]:
    rows, total = repository.list_recipients(
        session, role=role.value, iso3=iso3, limit=page.limit, offset=page.offset
    )
    return Page.of([RecipientPublic.model_validate(r) for r in rows], total=total, params=page)


def _contact(session: SessionDep, iso3: str, contact_id: int) -> Recipient:
    return repository.get_recipient(
        session, recipient_id=contact_id, role=Role.STATE_CONTACT, iso3=iso3.upper()
    )


@router.get(
    "/parties/{iso3}/contacts",
    response_model=Page[RecipientPublic],
    responses=PRIVATE,
    tags=["recipients"],
)
def list_contacts(
    session: SessionDep, page: PageDep, principal: CurrentPrincipal, iso3: Iso3
) -> Page[RecipientPublic]:
    """List a state's contact points, deactivated ones last (its own key, committee or admin)."""
    service.ensure_may_read_contacts(principal, iso3)
    return _recipients_page(session, page, Role.STATE_CONTACT, iso3.upper())


@router.post(
    "/parties/{iso3}/contacts",
    response_model=RecipientSaved,
    status_code=201,
    responses=WRITE,
    tags=["recipients"],
)
def create_contact(
    response: Response,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    idempotency: IdempotencyDep,
    iso3: Iso3,
    body: RecipientInput,
) -> RecipientSaved | Response:
    """Add a contact point of a state (its own key, or admin)."""
    ensure_may_write_state(principal, iso3)

    def create() -> RecipientSaved:
        saved = service.create_recipient(
            session,
            role=Role.STATE_CONTACT,
            iso3=ctx.states.check(iso3),
            body=body,
            ctx=ctx,
            actor=principal.actor,
        )
        contact = saved.recipient
        response.headers["Location"] = f"/parties/{contact.iso3}/contacts/{contact.id}"
        response.headers["ETag"] = _recipient_etag(contact)
        return _saved(saved)

    return once(
        session, idempotency_keys, idempotency, now=ctx.now, response=response, create=create
    )


@router.get(
    "/parties/{iso3}/contacts/{contact_id}",
    response_model=RecipientPublic,
    responses={**PRIVATE, **GONE},
    tags=["recipients"],
)
def read_contact(
    request: Request, session: SessionDep, principal: CurrentPrincipal, iso3: Iso3, contact_id: Id
) -> Response:
    """Read one contact point, with its ETag."""
    service.ensure_may_read_contacts(principal, iso3)
    return _recipient_response(request, _contact(session, iso3, contact_id))


@router.put(
    "/parties/{iso3}/contacts/{contact_id}",
    response_model=RecipientSaved,
    responses={**WRITE, **GONE},
    tags=["recipients"],
)
def update_contact(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    contact_id: Id,
    body: RecipientInput,
) -> RecipientSaved:
    """Change a contact point (its state's key, or admin; If-Match)."""
    ensure_may_write_state(principal, iso3)
    contact = _contact(session, iso3, contact_id)
    require_if_match(request, _recipient_etag(contact))
    saved = service.update_recipient(
        session, recipient=contact, body=body, ctx=ctx, actor=principal.actor
    )
    response.headers["ETag"] = _recipient_etag(contact)
    return _saved(saved)


@router.delete(
    "/parties/{iso3}/contacts/{contact_id}",
    status_code=204,
    responses={**WRITE, **GONE},
    tags=["recipients"],
)
def delete_contact(
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    contact_id: Id,
) -> Response:
    """Delete a contact point (its state's key, or admin; If-Match): it leaves the lists and
    gets no more reminders; the record and its history stay, and an admin can restore it."""
    ensure_may_write_state(principal, iso3)
    contact = _contact(session, iso3, contact_id)
    require_if_match(request, _recipient_etag(contact))
    service.deactivate_recipient(session, recipient=contact, ctx=ctx, actor=principal.actor)
    return Response(status_code=204)


@router.post(
    "/parties/{iso3}/contacts/{contact_id}/restore",
    response_model=RecipientPublic,
    responses=WRITE,
    tags=["recipients"],
)
def restore_contact(
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    contact_id: Id,
) -> RecipientPublic:
    """Undo the deletion of a contact point (admin key); 409 if it is not deleted."""
    contact = repository.get_recipient(
        session, recipient_id=contact_id, role=Role.STATE_CONTACT, iso3=iso3.upper(), deleted=True
    )
    service.restore_recipient(session, recipient=contact, ctx=ctx, actor=principal.actor)
    response.headers["ETag"] = _recipient_etag(contact)
    return RecipientPublic.model_validate(contact)


def _member(session: SessionDep, member_id: int) -> Recipient:
    return repository.get_recipient(
        session, recipient_id=member_id, role=Role.COMMITTEE_MEMBER, iso3=None
    )


@router.get(
    "/committee-members",
    response_model=Page[RecipientPublic],
    responses=PRIVATE,
    tags=["recipients"],
)
def list_committee_members(
    session: SessionDep, page: PageDep, _principal: CommitteePrincipal
) -> Page[RecipientPublic]:
    """List the committee members who receive reminders (committee or admin key)."""
    return _recipients_page(session, page, Role.COMMITTEE_MEMBER, None)


@router.post(
    "/committee-members",
    response_model=RecipientSaved,
    status_code=201,
    responses=WRITE,
    tags=["recipients"],
)
def create_committee_member(
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    idempotency: IdempotencyDep,
    body: RecipientInput,
) -> RecipientSaved | Response:
    """Add a committee member (admin key)."""

    def create() -> RecipientSaved:
        saved = service.create_recipient(
            session,
            role=Role.COMMITTEE_MEMBER,
            iso3=None,
            body=body,
            ctx=ctx,
            actor=principal.actor,
        )
        member = saved.recipient
        response.headers["Location"] = f"/committee-members/{member.id}"
        response.headers["ETag"] = _recipient_etag(member)
        return _saved(saved)

    return once(
        session, idempotency_keys, idempotency, now=ctx.now, response=response, create=create
    )


@router.get(
    "/committee-members/{member_id}",
    response_model=RecipientPublic,
    responses={**PRIVATE, **GONE},
    tags=["recipients"],
)
def read_committee_member(
    request: Request, session: SessionDep, _principal: CommitteePrincipal, member_id: Id
) -> Response:
    """Read one committee member, with its ETag."""
    return _recipient_response(request, _member(session, member_id))


@router.put(
    "/committee-members/{member_id}",
    response_model=RecipientSaved,
    responses={**WRITE, **GONE},
    tags=["recipients"],
)
def update_committee_member(
    request: Request,
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    member_id: Id,
    body: RecipientInput,
) -> RecipientSaved:
    """Change a committee member (admin key, If-Match)."""
    member = _member(session, member_id)
    require_if_match(request, _recipient_etag(member))
    saved = service.update_recipient(
        session, recipient=member, body=body, ctx=ctx, actor=principal.actor
    )
    response.headers["ETag"] = _recipient_etag(member)
    return _saved(saved)


@router.delete(
    "/committee-members/{member_id}",
    status_code=204,
    responses={**WRITE, **GONE},
    tags=["recipients"],
)
def delete_committee_member(
    request: Request, principal: AdminPrincipal, session: SessionDep, ctx: ContextDep, member_id: Id
) -> Response:
    """Delete a committee member (admin key, If-Match); the history stays, and it can be
    restored."""
    member = _member(session, member_id)
    require_if_match(request, _recipient_etag(member))
    service.deactivate_recipient(session, recipient=member, ctx=ctx, actor=principal.actor)
    return Response(status_code=204)


@router.post(
    "/committee-members/{member_id}/restore",
    response_model=RecipientPublic,
    responses=WRITE,
    tags=["recipients"],
)
def restore_committee_member(
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    member_id: Id,
) -> RecipientPublic:
    """Undo the deletion of a committee member (admin key); 409 if it is not deleted."""
    member = repository.get_recipient(
        session, recipient_id=member_id, role=Role.COMMITTEE_MEMBER, iso3=None, deleted=True
    )
    service.restore_recipient(session, recipient=member, ctx=ctx, actor=principal.actor)
    response.headers["ETag"] = _recipient_etag(member)
    return RecipientPublic.model_validate(member)


# ---------------------------------------------------------------- reminders and deliveries


@router.get(
    "/reminders", response_model=Page[ReminderPublic], responses=PRIVATE, tags=["reminders"]
)
def list_reminders(
    session: SessionDep,
    page: PageDep,
    principal: CurrentPrincipal,
    status: ReminderStatus | None = None,
    event_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    iso3: StateFilter = None,
) -> Page[ReminderPublic]:
    """List the outbox, soonest first (a state key sees its own contacts' reminders only)."""
    rows, total = repository.list_reminders(
        session,
        status=status.value if status else None,
        event_id=event_id,
        iso3=service.visible_state(principal, iso3),
        limit=page.limit,
        offset=page.offset,
    )
    return Page.of([ReminderPublic.model_validate(r) for r in rows], total=total, params=page)


@router.post("/reminders/plan", response_model=PlanOutcome, responses=WRITE, tags=["reminders"])
def plan_reminders(
    request: Request, principal: AdminPrincipal, session: SessionDep, ctx: ContextDep
) -> PlanOutcome:
    """Plan every reminder now (admin key); the scheduler does this on its own every few minutes.

    Planning walks every event, rule and recipient, so the route is capped for all keys together.
    """
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.charge(request.app.state.settings.plan_now_limit, "plan-now")
    return planning.plan(session, now=ctx.now, send_hour=ctx.send_hour, actor=principal.actor)


@router.get(
    "/deliveries", response_model=Page[DeliveryPublic], responses=PRIVATE, tags=["reminders"]
)
def list_deliveries(
    session: SessionDep,
    page: PageDep,
    principal: CurrentPrincipal,
    status: DeliveryStatus | None = None,
    iso3: StateFilter = None,
) -> Page[DeliveryPublic]:
    """List the digests sent or being sent, newest first, with their attempts and last error."""
    rows, total = repository.list_deliveries(
        session,
        status=status.value if status else None,
        iso3=service.visible_state(principal, iso3),
        limit=page.limit,
        offset=page.offset,
    )
    return Page.of([DeliveryPublic.model_validate(r) for r in rows], total=total, params=page)


@router.get(
    "/deliveries/{delivery_id}",
    response_model=DeliveryDetail,
    responses=PRIVATE,
    tags=["reminders"],
)
def read_delivery(
    session: SessionDep,
    principal: CurrentPrincipal,
    delivery_id: Annotated[str, Path(max_length=40)],
) -> DeliveryDetail:
    """Read one digest: its reminders and every attempt to send it."""
    found = repository.get_delivery(session, delivery_id=delivery_id)
    recipient = session.get(Recipient, found.recipient_id)
    state = service.visible_state(principal, None)
    if state is not None and (recipient is None or recipient.iso3 != state):
        raise NotFound(f"There is no delivery {delivery_id!r}.")
    return DeliveryDetail(
        **DeliveryPublic.model_validate(found).model_dump(),
        reminder_ids=[r.id or 0 for r in repository.reminders_in(session, delivery_id=found.id)],
        attempt_log=[
            AttemptPublic.model_validate(a)
            for a in repository.attempts_of(session, delivery_id=found.id)
        ],
    )


@router.post(
    "/deliveries/{delivery_id}/retry",
    response_model=DeliveryPublic,
    responses=WRITE,
    tags=["reminders"],
)
def retry_delivery(
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    delivery_id: Annotated[str, Path(max_length=40)],
) -> DeliveryPublic:
    """Give a dead-lettered digest a fresh round of attempts (admin key)."""
    found = repository.get_delivery(session, delivery_id=delivery_id)
    attempts.requeue(session, delivery=found, actor=principal.actor, now=ctx.now)
    return DeliveryPublic.model_validate(found)


# ---------------------------------------------------------------- calendars


def _calendar(request: Request, body: bytes, filename: str) -> Response:
    tag = etag_of(body)
    headers = {
        "ETag": tag,
        "Content-Disposition": f'inline; filename="{filename}"',
        # Public, and polled by every subscriber's calendar: a few minutes' caching is welcome.
        "Cache-Control": "public, max-age=300",
    }
    seen = request.headers.get("if-none-match", "")
    if tag in (part.strip().removeprefix("W/") for part in seen.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


CALENDAR: Responses = {200: {"content": {"text/calendar": {}}, "description": "iCalendar"}}


@router.get("/calendar.ics", response_class=Response, responses=CALENDAR, tags=["calendar"])
def read_calendar(request: Request, session: SessionDep) -> Response:
    """Subscribe to the meetings and important dates of the Convention (iCalendar)."""
    rules = {rule.kind: rule for rule in repository.list_rules(session)}
    events = repository.calendar_events(session, iso3=None)
    name = "Mine Ban Convention: meetings and dates"
    return _calendar(request, calendar.render(events, rules, name=name), "calendar.ics")


@router.get(
    "/calendar/{iso3}.ics",
    response_class=Response,
    responses={**CALENDAR, **READ},
    tags=["calendar"],
)
def read_party_calendar(request: Request, session: SessionDep, iso3: Iso3) -> Response:
    """Subscribe to the meetings and dates of the Convention and one party's deadlines."""
    code = iso3.upper()
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        raise NotFound(f"There is no state with ISO 3166 alpha-3 code {code!r}.")
    rules = {rule.kind: rule for rule in repository.list_rules(session)}
    events = repository.calendar_events(session, iso3=code)
    name = f"Mine Ban Convention: meetings, dates and deadlines of {country.name}"
    return _calendar(request, calendar.render(events, rules, name=name), f"{code}.ics")
