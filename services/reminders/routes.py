"""HTTP routes of the reminders service: validate, check the key, delegate, shape the response."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from services.common.auth import (
    AdminPrincipal,
    CurrentPrincipal,
)
from services.common.db import SessionDep, write_session
from services.common.errors import NotFound, ServiceUnavailable, Unprocessable
from services.common.etag import json_with_etag, require_if_match, version_etag
from services.common.idempotency import CreateOnceDep
from services.common.pagination import Page, PageDep
from services.common.ratelimit import RateLimiter
from services.common.routes import CONDITIONAL, RowId
from services.common.types import IsoDate
from services.reminders import attempts, planning, service, sync
from services.reminders.event_public import EventPublic, shown_status
from services.reminders.http import PRIVATE, READ, WRITE, ContextDep, Kind, StateFilter
from services.reminders.models import Event, Recipient, Rule
from services.reminders.repository import deliveries as delivery_repository
from services.reminders.repository import events as event_repository
from services.reminders.repository import notices as notice_repository
from services.reminders.repository import outbox as outbox_repository
from services.reminders.repository import rules as rule_repository
from services.reminders.schemas import (
    AttemptPublic,
    DeliveryDetail,
    DeliveryPublic,
    DeliveryStatus,
    EventInput,
    EventKind,
    NoticePublic,
    PlanOutcome,
    ReminderPublic,
    ReminderStatus,
    RuleInput,
    RulePublic,
    SyncNow,
    SyncOutcome,
)

router = APIRouter()

DeliveryId = Annotated[str, Path(max_length=40, description="The delivery's id, as listed")]

# ---------------------------------------------------------------- events


def _event_etag(event: Event, today: date) -> str:
    # The shown status follows the clock (a meeting becomes held): the tag names it too.
    return version_etag(f"event:{shown_status(event, today)}", event.id or 0, event.version)


@router.get("/events", response_model=Page[EventPublic], tags=["events"])
def list_events(
    session: SessionDep,
    ctx: ContextDep,
    page: PageDep,
    start_from: Annotated[
        IsoDate | None, Query(alias="from", description="Events ending on or after this day")
    ] = None,
    to: Annotated[
        IsoDate | None, Query(description="Events starting on or before this day")
    ] = None,
    kind: Annotated[EventKind | None, Query(description="Only events of this kind")] = None,
    iso3: StateFilter = None,
) -> Page[EventPublic]:
    """List meetings, dates and deadlines by date, filtered by period, kind or state."""
    if start_from is not None and to is not None and to < start_from:
        raise Unprocessable(f"to ({to}) precedes from ({start_from}).")
    rows, total = event_repository.list_events(
        session,
        start_from=start_from,
        to=to,
        kind=kind.value if kind else None,
        iso3=iso3.upper() if iso3 else None,
        limit=page.limit,
        offset=page.offset,
    )
    today = ctx.now.date()
    return Page.of([EventPublic.of(row, today) for row in rows], total=total, params=page)


@router.get(
    "/events/{event_id}",
    response_model=EventPublic,
    responses={**READ, **CONDITIONAL},
    tags=["events"],
)
def read_event(request: Request, session: SessionDep, ctx: ContextDep, event_id: RowId) -> Response:
    """Read one event, with the ETag to send when moving it."""
    event = event_repository.get_event(session, event_id=event_id)
    today = ctx.now.date()
    return json_with_etag(request, EventPublic.of(event, today), etag=_event_etag(event, today))


@router.post(
    "/events", response_model=EventPublic, status_code=201, responses=WRITE, tags=["events"]
)
def create_event(
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    create_once: CreateOnceDep,
    body: EventInput,
) -> EventPublic | Response:
    """Add a meeting or date of any year (admin key); its reminders are planned at once."""

    def create() -> EventPublic:
        event = service.create_event(session, body=body, ctx=ctx, actor=principal.actor)
        response.headers["Location"] = f"/events/{event.id}"
        response.headers["ETag"] = _event_etag(event, ctx.now.date())
        return EventPublic.of(event, ctx.now.date())

    return create_once(create)


@router.put("/events/{event_id}", response_model=EventPublic, responses=WRITE, tags=["events"])
def update_event(
    request: Request,
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    event_id: RowId,
    body: EventInput,
) -> EventPublic:
    """Move or correct a meeting (admin key, If-Match); its pending reminders move with it."""
    event = event_repository.get_event(session, event_id=event_id)
    require_if_match(request, _event_etag(event, ctx.now.date()))
    service.update_event(session, event=event, body=body, ctx=ctx, actor=principal.actor)
    response.headers["ETag"] = _event_etag(event, ctx.now.date())
    return EventPublic.of(event, ctx.now.date())


# ---------------------------------------------------------------- rules


def _rule_etag(rule: Rule) -> str:
    return version_etag("rule", rule.kind, rule.version)


@router.get("/rules", response_model=Page[RulePublic], tags=["rules"])
def list_rules(session: SessionDep, page: PageDep) -> Page[RulePublic]:
    """List the lead times and audience of every kind of event."""
    rules = [RulePublic.model_validate(rule) for rule in rule_repository.list_rules(session)]
    return Page.of(rules[page.offset : page.offset + page.limit], total=len(rules), params=page)


@router.get(
    "/rules/{kind}", response_model=RulePublic, responses={**READ, **CONDITIONAL}, tags=["rules"]
)
def read_rule(request: Request, session: SessionDep, kind: Kind) -> Response:
    """Read the rule of one kind of event, with its ETag."""
    rule = rule_repository.get_rule(session, kind=kind)
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
    rule = rule_repository.get_rule(session, kind=kind)
    require_if_match(request, _rule_etag(rule))
    service.replace_rule(session, rule=rule, body=body, ctx=ctx, actor=principal.actor)
    response.headers["ETag"] = _rule_etag(rule)
    return RulePublic.model_validate(rule)


# ---------------------------------------------------------------- reminders and deliveries


@router.get(
    "/reminders", response_model=Page[ReminderPublic], responses=PRIVATE, tags=["reminders"]
)
def list_reminders(
    session: SessionDep,
    page: PageDep,
    principal: CurrentPrincipal,
    status: Annotated[
        ReminderStatus | None, Query(description="Only reminders with this status")
    ] = None,
    event_id: Annotated[
        int | None, Query(ge=1, le=2**62, description="Only the reminders of this event")
    ] = None,
    iso3: StateFilter = None,
) -> Page[ReminderPublic]:
    """List the outbox, soonest first (a state key sees its own contacts' reminders only)."""
    rows, total = outbox_repository.list_reminders(
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


@router.post("/deadlines/sync", response_model=SyncNow, responses=WRITE, tags=["events"])
def sync_deadlines_now(request: Request, principal: AdminPrincipal, ctx: ContextDep) -> SyncNow:
    """Pull every party's deadlines from the parties service now and plan their reminders
    (admin key). The scheduler follows them on its own every `REMINDERS_SYNC_FOLLOW_SECONDS`;
    this is for an admin who just recorded a change there. 503 when the parties service fails
    (nothing changes); capped like `POST /reminders/plan`."""
    app = request.app
    limiter: RateLimiter = app.state.rate_limiter
    limiter.charge(app.state.settings.plan_now_limit, "plan-now")
    run = sync.sync_deadlines(app.state.engine, app.state.parties, now=app.state.clock.now)
    if run.outcome != "ok":
        raise ServiceUnavailable(run.detail or "the parties service did not answer")
    # The sync committed its own transaction; planning takes the next one (no network inside).
    with write_session(app.state.engine) as session:
        outcome = planning.plan(
            session, now=ctx.now, send_hour=ctx.send_hour, actor=principal.actor
        )
    return SyncNow(sync=SyncOutcome.model_validate(run), plan=outcome)


@router.get("/notices", response_model=Page[NoticePublic], responses=PRIVATE, tags=["reminders"])
def list_notices(
    session: SessionDep,
    page: PageDep,
    principal: CurrentPrincipal,
    status: Annotated[
        ReminderStatus | None, Query(description="Only notices with this status")
    ] = None,
    iso3: StateFilter = None,
) -> Page[NoticePublic]:
    """List what contact points were told of one another (one unsubscribed), newest first (a
    state key sees its own contacts' only)."""
    rows, total = notice_repository.list_notices(
        session,
        status=status.value if status else None,
        iso3=service.visible_state(principal, iso3),
        limit=page.limit,
        offset=page.offset,
    )
    return Page.of([NoticePublic.model_validate(r) for r in rows], total=total, params=page)


@router.get(
    "/deliveries", response_model=Page[DeliveryPublic], responses=PRIVATE, tags=["reminders"]
)
def list_deliveries(
    session: SessionDep,
    page: PageDep,
    principal: CurrentPrincipal,
    status: Annotated[
        DeliveryStatus | None, Query(description="Only deliveries with this status")
    ] = None,
    iso3: StateFilter = None,
) -> Page[DeliveryPublic]:
    """List the digests sent or being sent, newest first, with their attempts and last error."""
    rows, total = delivery_repository.list_deliveries(
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
    delivery_id: DeliveryId,
) -> DeliveryDetail:
    """Read one digest: its reminders and every attempt to send it."""
    found = delivery_repository.get_delivery(session, delivery_id=delivery_id)
    recipient = session.get(Recipient, found.recipient_id)
    state = service.visible_state(principal, None)
    if state is not None and (recipient is None or recipient.iso3 != state):
        raise NotFound(f"There is no delivery {delivery_id!r}.")
    return DeliveryDetail(
        **DeliveryPublic.model_validate(found).model_dump(),
        reminder_ids=[
            r.id or 0 for r in outbox_repository.reminders_in(session, delivery_id=found.id)
        ],
        notice_ids=[n.id or 0 for n in notice_repository.notices_in(session, delivery_id=found.id)],
        attempt_log=[
            AttemptPublic.model_validate(a)
            for a in delivery_repository.attempts_of(session, delivery_id=found.id)
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
    delivery_id: DeliveryId,
) -> DeliveryPublic:
    """Give a dead-lettered digest a fresh round of attempts (admin key)."""
    found = delivery_repository.get_delivery(session, delivery_id=delivery_id)
    attempts.requeue(session, delivery=found, actor=principal.actor, now=ctx.now)
    return DeliveryPublic.model_validate(found)
