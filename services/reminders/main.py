"""The reminders service app: `create_app(settings)` builds it on the database the settings name.

The app serves events, rules, recipients, the outbox and the calendars; it never runs the
scheduler's jobs (`python -m services.reminders scheduler` does, in a process of its own).
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from fastapi import FastAPI, Request
from sqlmodel import Session

from services.common.app import create_service_app
from services.common.changes import changes_router
from services.common.errors import ServiceUnavailable
from services.reminders.calendar_routes import router as calendar_router
from services.reminders.clients import parties_client
from services.reminders.metrics import RemindersCollector
from services.reminders.models import audit_log, idempotency_keys
from services.reminders.recipient_routes import router as recipient_router
from services.reminders.repository import syncs as sync_repository
from services.reminders.routes import router
from services.reminders.secret_routes import router as secret_router
from services.reminders.service import StateDirectory
from services.reminders.settings import RemindersSettings
from services.reminders.unsubscribe import router as unsubscribe_router

DESCRIPTION = """
Meetings of the Anti-Personnel Mine Ban Convention (the June intersessional meetings of the
Standing Committees, the November/December Meetings of the States Parties, Review Conferences),
its important dates and every party's treaty deadlines; the rules that say how long before each
a reminder goes; the contact points that receive them (each state manages its own with its own
key); the outbox of planned reminders and the record of every delivery; and iCalendar feeds.
Reads of events, rules and calendars are public; contact points are not. Updates need
`If-Match` with the ETag last read. Errors are `application/problem+json`.
"""


# The calendar's changes; recipients, rules and deliveries are private and never listed.
CHANGES = changes_router(
    audit_log,
    tags=["events"],
    description="List what was changed in the calendar since a day (meetings and dates added, "
    "moved or renamed), oldest first. Recipients, rules and deliveries are private: they are "
    "not listed.",
    where=[audit_log.c.entity == "event"],
)


def _start(app: FastAPI) -> None:
    settings: RemindersSettings = app.state.settings
    # One try per refresh: the next refresh comes soon enough, and start-up need not wait.
    app.state.states = StateDirectory(
        lambda: parties_client(settings, transport=app.state.parties_transport, attempts=1),
        ttl_seconds=settings.states_ttl_seconds,
    )
    app.state.parties = lambda: parties_client(settings, transport=app.state.parties_transport)
    app.state.states.start()


def _stop(app: FastAPI) -> None:
    app.state.states.stop()


def _states_listed(request: Request) -> None:
    request.app.state.states.readiness()


def _last_sync_ok(request: Request) -> None:
    with Session(request.app.state.engine) as session:
        run = sync_repository.last_sync(session)
    if run is None:
        raise ServiceUnavailable("no sync with the parties service has run yet")
    if run.outcome != "ok":
        raise ServiceUnavailable(run.detail or "the last sync failed")


def create_app(
    settings: RemindersSettings | None = None,
    *,
    parties_transport: httpx.BaseTransport | None = None,
) -> FastAPI:
    """Build the reminders app; tests may route its calls to the parties service in-process."""
    app = create_service_app(
        settings=settings or RemindersSettings(),
        title="Cartagena Monitor — reminders",
        description=DESCRIPTION,
        version="0.1.0",
        routers=[
            router,
            recipient_router,
            secret_router,
            calendar_router,
            unsubscribe_router,
            CHANGES,
        ],
        idempotency_keys=idempotency_keys,
        on_startup=_start,
        on_shutdown=_stop,
        dependencies={"parties_sync": _last_sync_ok, "parties_states": _states_listed},
    )
    app.state.parties_transport = parties_transport
    app.state.metrics.register(
        RemindersCollector(
            lambda: app.state.engine,
            now=lambda: app.state.clock.now(),
            wall_clock=lambda: datetime.now(UTC),
        )
    )
    return app
