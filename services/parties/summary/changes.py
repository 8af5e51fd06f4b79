"""What concerns one state among the parties service's changes."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from services.parties.models import audit_log


def concerns(iso3: str) -> ColumnElement[bool]:
    """An audit row about one state: its own rows, its keyed records, its extension requests."""
    return or_(
        audit_log.c.entity_id == iso3,
        audit_log.c.entity_id.startswith(f"{iso3}:", autoescape=True),
        audit_log.c.after["iso3"].as_string() == iso3,
    )
