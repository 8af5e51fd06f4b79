"""Article 5.3-5.6: a request, its analysis, the meeting's decision; a grant moves the deadline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from services.common.audit import Actor, create_versioned, update_versioned
from services.common.errors import Conflict, Unprocessable
from services.common.etag import version_etag
from services.parties.extensions import repository
from services.parties.extensions.schemas import (
    ExtensionAnalysis,
    ExtensionDecision,
    ExtensionRequestCreate,
)
from services.parties.meetings_client import DECIDING_KINDS, Meeting
from services.parties.models import (
    PENDING_REQUEST_STATUSES,
    Article5Extension,
    ExtensionRequest,
    State,
    audit_log,
)
from services.parties.obligations.deadlines import (
    Extension,
    article5_deadline,
)
from services.parties.records import lookup

MAX_EXTENSION_YEARS = 10  # Article 5.3: "a period of up to ten years"


def current_article5_deadline(session: Session, state: State) -> date:
    """Return the party's Article 5 deadline now (the latest extension's, else EIF + 10 years)."""
    assert state.entry_into_force is not None
    extensions = [
        Extension(e.extended_deadline, e.granted_on, e.granted_at, e.source, e.verified)
        for e in repository.extensions_of(session, iso3=state.iso3)
    ]
    return article5_deadline(state.entry_into_force, extensions)


def submit_request(
    session: Session, *, state: State, body: ExtensionRequestCreate, actor: Actor, at: datetime
) -> ExtensionRequest:
    """File an Article 5 extension request."""
    obligations = lookup.get_obligations(session, iso3=state.iso3)
    if not obligations.article5_applies or obligations.article5_completed:
        raise Unprocessable(f"{state.iso3} has no Article 5 clearance obligation left to extend.")
    if repository.has_pending_request(session, iso3=state.iso3):
        raise Conflict(f"{state.iso3} already has an extension request awaiting a decision.")
    current = current_article5_deadline(session, state)
    _check_extension(current, body.requested_deadline)
    request = ExtensionRequest(
        iso3=state.iso3,
        current_deadline=current,
        requested_deadline=body.requested_deadline,
        explanation=body.explanation,
        implications=body.implications,
        other_information=body.other_information,
        status="submitted",
        submitted_at=at,
        submitted_by=actor.id,
        updated_at=at,
    )
    create_versioned(session, audit_log, request, entity="extension_request", actor=actor, at=at)
    return request


def _check_extension(current: date, requested: date) -> None:
    if requested <= current:
        raise Unprocessable(
            f"The requested deadline ({requested}) must be after the current one ({current})."
        )
    limit = current.replace(year=current.year + MAX_EXTENSION_YEARS)
    if requested > limit:
        raise Unprocessable(
            f"Article 5.3 allows up to ten years: at most {limit}, not {requested}."
        )


def request_etag(request: ExtensionRequest) -> str:
    """The ETag of an extension request as it stands."""
    assert request.id is not None
    return version_etag("extension_request", request.id, request.version)


def analyse_request(
    session: Session,
    *,
    iso3: str,
    request_id: int,
    body: ExtensionAnalysis,
    if_match: Callable[[str], None],
    actor: Actor,
    at: datetime,
) -> ExtensionRequest:
    """Record the analysis of a request (admins, for the group mandated to analyse it);
    `if_match` must accept the ETag of the request read."""
    request = repository.get_request(session, iso3=iso3, request_id=request_id)
    if_match(request_etag(request))
    if request.status not in PENDING_REQUEST_STATUSES:
        raise Conflict(f"Request {request.id} was already decided ({request.status}).")
    update_versioned(
        session,
        audit_log,
        request,
        entity="extension_request",
        entity_id=str(request.id),
        values={"analysis": body.analysis, "status": "under_analysis"},
        actor=actor,
        at=at,
    )
    return request


def decide_request(
    session: Session,
    *,
    state: State,
    request_id: int,
    body: ExtensionDecision,
    meeting: Meeting,
    if_match: Callable[[str], None],
    actor: Actor,
    at: datetime,
    today: date,
) -> ExtensionRequest:
    """Record the meeting's decision; a grant moves the party's Article 5 deadline. `if_match`
    must accept the ETag of the request read; `meeting` is the calendar's event the decision
    names (read before the transaction)."""
    request = repository.get_request(session, iso3=state.iso3, request_id=request_id)
    if_match(request_etag(request))
    _check_decidable(request, meeting, body)
    if body.decided_on > today:
        raise Unprocessable(
            f"decided_on ({body.decided_on}) is after today ({today}): a decision is recorded "
            "once the meeting has taken it."
        )
    granted = body.granted_deadline or request.requested_deadline
    values: dict[str, Any] = {
        "status": body.decision.value,
        "decided_at": meeting.name,
        "meeting_id": meeting.id,
        "decided_on": body.decided_on,
    }
    if body.decision.value == "granted":
        current = current_article5_deadline(session, state)
        _check_extension(current, granted)
        values["granted_deadline"] = granted
        extension = Article5Extension(
            iso3=state.iso3,
            original_deadline=current,
            extended_deadline=granted,
            granted_at=meeting.name,
            granted_on=body.decided_on,
            source=body.source or NO_DOCUMENT.format(request=request.id),
            verified=body.source is not None,
            request_id=request.id,
            recorded_at=at,
        )
        create_versioned(
            session,
            audit_log,
            extension,
            entity="article5_extension",
            entity_id=f"{state.iso3}:{granted}",
            actor=actor,
            at=at,
        )
    update_versioned(
        session,
        audit_log,
        request,
        entity="extension_request",
        entity_id=str(request.id),
        values=values,
        actor=actor,
        at=at,
    )
    return request


# A grant recorded without the document of the decision: kept, but never shown as sourced.
NO_DOCUMENT = "extension request {request}: decision recorded through the API, no document cited"


def _check_decidable(request: ExtensionRequest, meeting: Meeting, body: ExtensionDecision) -> None:
    """Article 5.5: the Meeting of the States Parties or Review Conference decides, on a day it
    sits, a request that was analysed."""
    if request.status not in PENDING_REQUEST_STATUSES:
        raise Conflict(f"Request {request.id} was already decided ({request.status}).")
    if request.status != "under_analysis":
        raise Conflict(
            f"Request {request.id} has not been analysed: record the analysis first (Article 5.5: "
            "the meeting decides after assessing the request)."
        )
    if meeting.kind not in DECIDING_KINDS:
        raise Unprocessable(
            f"Event {meeting.id} ({meeting.title}) is a {meeting.kind.replace('_', ' ')}: Article "
            "5.5 has a Meeting of the States Parties or a Review Conference decide."
        )
    if not meeting.start <= body.decided_on <= meeting.end:
        raise Unprocessable(
            f"decided_on ({body.decided_on}) is not a day of {meeting.title} "
            f"({meeting.start} to {meeting.end})."
        )
