"""A party's own reports on its obligations, and the deadlines of every party."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session

from services.common.audit import Actor, update_versioned
from services.common.errors import Unprocessable
from services.common.etag import version_etag
from services.parties.models import Obligations, audit_log
from services.parties.obligations.deadlines import (
    Deadline,
)
from services.parties.obligations.derive import deadline_public
from services.parties.records import lookup
from services.parties.records.snapshot import Snapshot
from services.parties.schemas import ObligationsUpdate, PartyDeadline


def obligations_etag(obligations: Obligations) -> str:
    """The ETag of a party's obligations as they stand."""
    return version_etag("obligations", obligations.iso3, obligations.version)


def update_obligations(
    session: Session,
    *,
    iso3: str,
    update: ObligationsUpdate,
    if_match: Callable[[str], None],
    actor: Actor,
    at: datetime,
) -> Obligations:
    """Record a party's own progress report on its obligations; `if_match` must accept the
    ETag of the obligations read."""
    obligations = lookup.get_obligations(session, iso3=iso3)
    if_match(obligations_etag(obligations))
    source = f"reported by {iso3} through the API on {at.date().isoformat()}"
    if update.evidence_url:
        source += f" ({update.evidence_url})"
    values: dict[str, Any] = {
        "mines_retained": update.article3_mines_retained,
        "mines_destroyed": update.article4_mines_destroyed,
        "area_released_m2": update.article5_area_released_m2,
        "article9_status": update.article9_status,
        "in_a_position_to_assist": update.in_a_position_to_assist,
        "needs_article5_extension": update.needs_article5_extension,
    }
    values.update(_sources(obligations, values, source))
    values.update(_completions(obligations, update, source))
    update_versioned(
        session,
        audit_log,
        obligations,
        entity="obligations",
        entity_id=iso3,
        values=values,
        actor=actor,
        at=at,
    )
    return obligations


def _sources(obligations: Any, values: dict[str, Any], source: str) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    if values["mines_retained"] != obligations.mines_retained:
        changed["mines_retained_source"] = source if values["mines_retained"] is not None else None
    if values["article9_status"] != obligations.article9_status:
        changed["article9_source"] = source if values["article9_status"] is not None else None
    return changed


def _completions(obligations: Any, update: ObligationsUpdate, source: str) -> dict[str, Any]:
    """Completion dates a party reports; a completion, once recorded, is not withdrawn here.
    A date sent back as recorded changes nothing, its source included: it is not a new report."""
    values: dict[str, Any] = {}
    if update.article4_completed_on not in (None, obligations.article4_completed_on):
        if obligations.article4_status == "no_stockpiles":
            raise Unprocessable("The records say this party holds no stockpiles to complete.")
        values.update(
            article4_status="completed",
            article4_completed_on=update.article4_completed_on,
            article4_source=source,
        )
    if update.article5_completed_on not in (None, obligations.article5_completed_on):
        if not obligations.article5_applies:
            raise Unprocessable("The records say this party has no Article 5 obligations.")
        values.update(
            article5_completed=True,
            article5_completed_on=update.article5_completed_on,
            article5_source=source,
        )
    return values


def deadline_rows(
    view_: Snapshot,
    deadlines: Mapping[str, list[Deadline]],
    *,
    kind: str | None,
    status: str | None,
) -> list[PartyDeadline]:
    """The given deadlines of one kind and/or status, with their parties, by due date."""
    rows = [
        PartyDeadline(
            **deadline_public(d).model_dump(),
            iso3=state.iso3,
            name=state.name,
            entry_into_force=state.entry_into_force,
        )
        for state in view_.parties()
        for d in deadlines.get(state.iso3, [])
        if (kind is None or d.kind.value == kind) and (status is None or d.status.value == status)
    ]
    return sorted(rows, key=lambda row: (row.due, row.iso3))
