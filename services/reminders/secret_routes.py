"""HTTP routes that rotate a recipient's webhook signing secret (`webhook_secrets`).

A POST makes a new secret and shows it once; with an `Idempotency-Key`, a retried POST (its
answer lost on the way) gets that same secret back instead of making, and hiding, another.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.common.auth import AdminPrincipal, CurrentPrincipal, ensure_may_write_state
from services.common.db import SessionDep
from services.common.idempotency import CreateOnce, CreateOnceDep
from services.common.routes import Iso3, RowId
from services.reminders import service
from services.reminders.http import GONE, WRITE, ContextDep
from services.reminders.models import Recipient
from services.reminders.repository import recipients as recipient_repository
from services.reminders.schemas import Role, WebhookSecretIssued

router = APIRouter()

# A rotation changes no representation a client has read, so it takes no If-Match.
ROTATION = {
    **{status: text for status, text in WRITE.items() if status not in (412, 428)},
    409: {"description": "The recipient has no webhook URL (problem+json)"},
    **GONE,
}


def _rotated(
    session: SessionDep,
    ctx: ContextDep,
    create_once: CreateOnce,
    recipient: Recipient,
    principal: CurrentPrincipal,
) -> WebhookSecretIssued | Response:
    def create() -> WebhookSecretIssued:
        rotated = service.rotate_webhook_secret(
            session, recipient=recipient, ctx=ctx, actor=principal.actor
        )
        return WebhookSecretIssued(
            recipient_id=rotated.recipient_id,
            webhook_secret=rotated.webhook_secret,
            previous_valid_until=rotated.previous_valid_until,
        )

    return create_once(create)


@router.post(
    "/parties/{iso3}/contacts/{contact_id}/webhook-secret",
    response_model=WebhookSecretIssued,
    status_code=201,
    responses=ROTATION,
    tags=["recipients"],
)
def rotate_contact_secret(
    response: Response,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    create_once: CreateOnceDep,
    iso3: Iso3,
    contact_id: RowId,
) -> WebhookSecretIssued | Response:
    """Make a contact point's webhook a new signing secret, shown once (its state's key, or
    admin); the previous secret stays valid for 24 hours, and meanwhile webhooks carry both
    signatures."""
    ensure_may_write_state(principal, iso3)
    contact = recipient_repository.get_recipient(
        session, recipient_id=contact_id, role=Role.STATE_CONTACT, iso3=iso3.upper()
    )
    return _rotated(session, ctx, create_once, contact, principal)


@router.post(
    "/committee-members/{member_id}/webhook-secret",
    response_model=WebhookSecretIssued,
    status_code=201,
    responses=ROTATION,
    tags=["recipients"],
)
def rotate_member_secret(
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    create_once: CreateOnceDep,
    member_id: RowId,
) -> WebhookSecretIssued | Response:
    """Make a committee member's webhook a new signing secret, shown once (admin key); the
    previous one stays valid for 24 hours."""
    member = recipient_repository.get_recipient(
        session, recipient_id=member_id, role=Role.COMMITTEE_MEMBER, iso3=None
    )
    return _rotated(session, ctx, create_once, member, principal)
