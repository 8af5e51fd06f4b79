"""The actions service app: `create_app(settings)` builds it on the database the settings name."""

from __future__ import annotations

from fastapi import FastAPI
from sqlmodel import Session

from services.actions.catalogue import load_catalogue
from services.actions.models import audit_log, idempotency_keys
from services.actions.routes import router
from services.actions.settings import ActionsSettings
from services.common.app import create_service_app
from services.common.changes import changes_router

DESCRIPTION = """
The Cartagena Action Plan 2010–2014 of the Anti-Personnel Mine Ban Convention: its sections, its
67 actions (verbatim, with whom each binds), the Coordinating Committee's assessments of each
action, and baseline indicators. Reads are public; recording an assessment needs a `committee`
or `admin` API key (`Authorization: Bearer <key>`). Errors are `application/problem+json`.
"""


# What the committee recorded (its assessments; the seeded plan only with include_seed).
CHANGES = changes_router(
    audit_log,
    tags=["assessments"],
    description="List what the committee recorded since a day (its assessments), oldest first.",
)


def _load_catalogue(app: FastAPI) -> None:
    # The plan's texts change only with a seed, which runs before the service starts.
    with Session(app.state.engine) as session:
        app.state.catalogue = load_catalogue(
            session, default_plan_id=app.state.settings.default_plan_id
        )


def create_app(settings: ActionsSettings | None = None) -> FastAPI:
    """Build the actions app."""
    return create_service_app(
        settings=settings or ActionsSettings(),
        title="Cartagena Monitor — actions",
        description=DESCRIPTION,
        version="0.1.0",
        routers=[router, CHANGES],
        idempotency_keys=idempotency_keys,
        on_startup=_load_catalogue,
    )
