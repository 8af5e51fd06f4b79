"""Queries of the sync runs: each pull of the parties' deadlines."""

from __future__ import annotations

from sqlmodel import Session, col, select

from services.reminders.models import SyncRun


def last_sync(session: Session) -> SyncRun | None:
    """Return the latest sync with the parties service, if any ran."""
    return session.exec(select(SyncRun).order_by(col(SyncRun.id).desc()).limit(1)).first()
