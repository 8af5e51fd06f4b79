"""What changed in the records, for a table."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from dashboard.api_models import Change


def change_rows(changes: list[Change]) -> list[dict[str, Any]]:
    """What changed, for a table."""
    return [
        {
            "when (UTC)": f"{c.occurred_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
            "what": c.entity.replace("_", " "),
            "which": c.entity_id,
            "change": c.operation,
            "fields": ", ".join(c.fields),
            "by": c.actor_role,
        }
        for c in changes
    ]
