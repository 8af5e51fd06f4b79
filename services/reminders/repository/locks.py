"""Transaction locks of the reminders service's writers that must not interleave."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

# Any constants will do: they name the transaction locks taken on PostgreSQL.
OUTBOX_LOCK = 4_000_003
SYNC_LOCK = 4_000_004


def _lock(session: Session, key: int) -> None:
    # On SQLite every writer already runs alone (BEGIN IMMEDIATE).
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def lock_outbox(session: Session) -> None:
    """Serialize planning and digest forming, which both change pending outbox rows."""
    _lock(session, OUTBOX_LOCK)


def lock_sync(session: Session) -> None:
    """Serialize syncs, which insert deadlines by natural key."""
    _lock(session, SYNC_LOCK)
