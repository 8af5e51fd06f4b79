"""Queries of Article 5 extension requests and extensions granted."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from services.common.errors import NotFound
from services.parties.models import (
    PENDING_REQUEST_STATUSES,
    Article5Extension,
    ExtensionRequest,
)


def extensions_of(session: Session, *, iso3: str) -> Sequence[Article5Extension]:
    """Return the Article 5 extensions granted to a party, oldest first."""
    return session.exec(
        select(Article5Extension)
        .where(Article5Extension.iso3 == iso3)
        .order_by(col(Article5Extension.granted_on), col(Article5Extension.id))
    ).all()


def has_pending_request(session: Session, *, iso3: str) -> bool:
    """Tell whether a party has an extension request not yet decided."""
    return (
        session.exec(
            select(ExtensionRequest.id).where(
                ExtensionRequest.iso3 == iso3,
                col(ExtensionRequest.status).in_(PENDING_REQUEST_STATUSES),
            )
        ).first()
        is not None
    )


def list_requests(session: Session, *, iso3: str) -> Sequence[ExtensionRequest]:
    """Return a party's extension requests, newest first."""
    return session.exec(
        select(ExtensionRequest)
        .where(ExtensionRequest.iso3 == iso3)
        .order_by(col(ExtensionRequest.id).desc())
    ).all()


def get_request(session: Session, *, iso3: str, request_id: int) -> ExtensionRequest:
    """Return one extension request of a party or raise NotFound."""
    request = session.get(ExtensionRequest, request_id)
    if request is None or request.iso3 != iso3:
        raise NotFound(f"{iso3} has no extension request {request_id}.")
    return request
