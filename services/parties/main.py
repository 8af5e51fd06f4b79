"""The parties service app: `create_app(settings)` builds it on the database the settings name."""

from __future__ import annotations

import httpx
from fastapi import FastAPI, Request

from services.common.app import create_service_app
from services.parties.actions_client import ActionsClient
from services.parties.commitments.file_routes import router as commitment_files
from services.parties.commitments.routes import router as commitments
from services.parties.coverage.routes import router as coverage
from services.parties.exports.routes import router as exports
from services.parties.extensions.routes import router as extensions
from services.parties.known_actions import ActionCatalogue
from services.parties.meetings_client import MeetingsClient
from services.parties.models import idempotency_keys
from services.parties.obligations.derive import Rules
from services.parties.obligations.routes import router as obligations
from services.parties.progress_report.routes import router as progress_report
from services.parties.records.current import CurrentRecords
from services.parties.records.replays import Replays
from services.parties.reports.routes import router as reports
from services.parties.settings import PartiesSettings
from services.parties.states.routes import router as states
from services.parties.summary.routes import router as summary

DESCRIPTION = """
The 195 states of early 2010 — 156 States Parties and 39 that were not party —, each party's
obligations (Articles 3, 4, 5, 7, 9 and victim assistance), its treaty deadlines with their
status, and its commitments on each action of the Cartagena Action Plan that binds it.
Reads are public. A `state` key writes its own party's data and nothing else; `admin` keys
write any. Updates need `If-Match` with the ETag last read. `as_of=YYYY-MM-DD` replays the
records to the end of that day. Errors are `application/problem+json`.
"""


def _start(app: FastAPI) -> None:
    settings: PartiesSettings = app.state.settings
    app.state.rules = Rules(
        due_soon_days=settings.due_soon_days, records_begin=settings.records_begin
    )
    app.state.actions = lambda: ActionsClient(
        settings.actions_url, timeout=_timeout(settings), transport=app.state.actions_transport
    )
    app.state.meetings = lambda: MeetingsClient(
        settings.reminders_url, timeout=_timeout(settings), transport=app.state.reminders_transport
    )
    app.state.catalogue = ActionCatalogue(
        engine=app.state.engine,
        client=app.state.actions,
        ttl_seconds=settings.catalogue_ttl_seconds,
    )
    # The service starts even when the actions service is down or answers nonsense; /readyz
    # says which catalogue it serves.
    app.state.catalogue.start()
    app.state.current = CurrentRecords(
        engine=app.state.engine, rules=app.state.rules, clock=app.state.clock
    )
    app.state.replays = Replays(
        max_running=settings.max_replays,
        max_waiting=settings.max_waiting_replays,
        max_bytes=settings.replay_cache_mb * 1024 * 1024,
    )


def _stop(app: FastAPI) -> None:
    app.state.catalogue.stop()


def _timeout(settings: PartiesSettings) -> httpx.Timeout:
    return httpx.Timeout(
        settings.actions_timeout_seconds, connect=min(2.0, settings.actions_timeout_seconds)
    )


def _actions_reachable(request: Request) -> None:
    request.app.state.catalogue.readiness()


def create_app(
    settings: PartiesSettings | None = None,
    *,
    actions_transport: httpx.BaseTransport | None = None,
    reminders_transport: httpx.BaseTransport | None = None,
) -> FastAPI:
    """Build the parties app; tests may route its calls to the actions and reminders services
    in-process."""
    app = create_service_app(
        settings=settings or PartiesSettings(),
        title="Cartagena Monitor — parties",
        description=DESCRIPTION,
        version="0.1.0",
        routers=[
            states,
            obligations,
            commitment_files,
            commitments,
            reports,
            extensions,
            summary,
            coverage,
            exports,
            progress_report,
        ],
        idempotency_keys=idempotency_keys,
        on_startup=_start,
        on_shutdown=_stop,
        dependencies={"actions": _actions_reachable},
    )
    app.state.actions_transport = actions_transport
    app.state.reminders_transport = reminders_transport
    return app
