"""HTTP routes of the recipients: each state's contact points (its own key writes them) and the
committee members (admins write them); deleted softly and restored by an admin."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from services.common.auth import (
    AdminPrincipal,
    CommitteePrincipal,
    CurrentPrincipal,
    ensure_may_write_state,
)
from services.common.db import SessionDep
from services.common.etag import json_with_etag, require_if_match, version_etag
from services.common.idempotency import CreateOnceDep
from services.common.pagination import Page, PageDep
from services.common.routes import CONDITIONAL, Iso3, RowId
from services.reminders import service
from services.reminders.http import GONE, PRIVATE, WRITE, ContextDep
from services.reminders.models import Recipient
from services.reminders.repository import recipients as recipient_repository
from services.reminders.schemas import RecipientInput, RecipientPublic, RecipientSaved, Role

router = APIRouter()


def _recipient_etag(recipient: Recipient) -> str:
    return version_etag("recipient", recipient.id or 0, recipient.version)


def _recipient_response(request: Request, recipient: Recipient) -> Response:
    body = RecipientPublic.model_validate(recipient)
    return json_with_etag(request, body, etag=_recipient_etag(recipient))


def _saved(saved: service.SavedRecipient) -> RecipientSaved:
    public = RecipientPublic.model_validate(saved.recipient)
    return RecipientSaved(**public.model_dump(), webhook_secret=saved.webhook_secret)


def _recipients_page(
    session: SessionDep, page: PageDep, role: Role, iso3: str | None
) -> Page[RecipientPublic]:
    rows, total = recipient_repository.list_recipients(
        session, role=role.value, iso3=iso3, limit=page.limit, offset=page.offset
    )
    return Page.of([RecipientPublic.model_validate(r) for r in rows], total=total, params=page)


def _contact(session: SessionDep, iso3: str, contact_id: int) -> Recipient:
    return recipient_repository.get_recipient(
        session, recipient_id=contact_id, role=Role.STATE_CONTACT, iso3=iso3.upper()
    )


@router.get(
    "/parties/{iso3}/contacts",
    response_model=Page[RecipientPublic],
    responses=PRIVATE,
    tags=["recipients"],
)
def list_contacts(
    session: SessionDep, page: PageDep, principal: CurrentPrincipal, iso3: Iso3
) -> Page[RecipientPublic]:
    """List a state's contact points, deactivated ones last (its own key, committee or admin)."""
    service.ensure_may_read_contacts(principal, iso3)
    return _recipients_page(session, page, Role.STATE_CONTACT, iso3.upper())


@router.post(
    "/parties/{iso3}/contacts",
    response_model=RecipientSaved,
    status_code=201,
    responses=WRITE,
    tags=["recipients"],
)
def create_contact(
    response: Response,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    create_once: CreateOnceDep,
    iso3: Iso3,
    body: RecipientInput,
) -> RecipientSaved | Response:
    """Add a contact point of a state (its own key, or admin)."""
    ensure_may_write_state(principal, iso3)

    def create() -> RecipientSaved:
        saved = service.create_recipient(
            session,
            role=Role.STATE_CONTACT,
            iso3=ctx.states.check(iso3),
            body=body,
            ctx=ctx,
            actor=principal.actor,
        )
        contact = saved.recipient
        response.headers["Location"] = f"/parties/{contact.iso3}/contacts/{contact.id}"
        response.headers["ETag"] = _recipient_etag(contact)
        return _saved(saved)

    return create_once(create)


@router.get(
    "/parties/{iso3}/contacts/{contact_id}",
    response_model=RecipientPublic,
    responses={**PRIVATE, **GONE, **CONDITIONAL},
    tags=["recipients"],
)
def read_contact(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    iso3: Iso3,
    contact_id: RowId,
) -> Response:
    """Read one contact point, with its ETag."""
    service.ensure_may_read_contacts(principal, iso3)
    return _recipient_response(request, _contact(session, iso3, contact_id))


@router.put(
    "/parties/{iso3}/contacts/{contact_id}",
    response_model=RecipientSaved,
    responses={**WRITE, **GONE},
    tags=["recipients"],
)
def update_contact(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    contact_id: RowId,
    body: RecipientInput,
) -> RecipientSaved:
    """Change a contact point (its state's key, or admin; If-Match)."""
    ensure_may_write_state(principal, iso3)
    contact = _contact(session, iso3, contact_id)
    require_if_match(request, _recipient_etag(contact))
    saved = service.update_recipient(
        session, recipient=contact, body=body, ctx=ctx, actor=principal.actor
    )
    response.headers["ETag"] = _recipient_etag(contact)
    return _saved(saved)


@router.delete(
    "/parties/{iso3}/contacts/{contact_id}",
    status_code=204,
    responses={**WRITE, **GONE},
    tags=["recipients"],
)
def delete_contact(
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    contact_id: RowId,
) -> Response:
    """Delete a contact point (its state's key, or admin; If-Match): it leaves the lists and
    gets no more reminders; the record and its history stay, and an admin can restore it."""
    ensure_may_write_state(principal, iso3)
    contact = _contact(session, iso3, contact_id)
    require_if_match(request, _recipient_etag(contact))
    service.deactivate_recipient(session, recipient=contact, ctx=ctx, actor=principal.actor)
    return Response(status_code=204)


@router.post(
    "/parties/{iso3}/contacts/{contact_id}/restore",
    response_model=RecipientPublic,
    responses=WRITE,
    tags=["recipients"],
)
def restore_contact(
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    contact_id: RowId,
) -> RecipientPublic:
    """Undo the deletion of a contact point (admin key); 409 if it is not deleted."""
    contact = recipient_repository.get_recipient(
        session, recipient_id=contact_id, role=Role.STATE_CONTACT, iso3=iso3.upper(), deleted=True
    )
    service.restore_recipient(session, recipient=contact, ctx=ctx, actor=principal.actor)
    response.headers["ETag"] = _recipient_etag(contact)
    return RecipientPublic.model_validate(contact)


def _member(session: SessionDep, member_id: int) -> Recipient:
    return recipient_repository.get_recipient(
        session, recipient_id=member_id, role=Role.COMMITTEE_MEMBER, iso3=None
    )


@router.get(
    "/committee-members",
    response_model=Page[RecipientPublic],
    responses=PRIVATE,
    tags=["recipients"],
)
def list_committee_members(
    session: SessionDep, page: PageDep, _principal: CommitteePrincipal
) -> Page[RecipientPublic]:
    """List the committee members who receive reminders (committee or admin key)."""
    return _recipients_page(session, page, Role.COMMITTEE_MEMBER, None)


@router.post(
    "/committee-members",
    response_model=RecipientSaved,
    status_code=201,
    responses=WRITE,
    tags=["recipients"],
)
def create_committee_member(
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    create_once: CreateOnceDep,
    body: RecipientInput,
) -> RecipientSaved | Response:
    """Add a committee member (admin key)."""

    def create() -> RecipientSaved:
        saved = service.create_recipient(
            session,
            role=Role.COMMITTEE_MEMBER,
            iso3=None,
            body=body,
            ctx=ctx,
            actor=principal.actor,
        )
        member = saved.recipient
        response.headers["Location"] = f"/committee-members/{member.id}"
        response.headers["ETag"] = _recipient_etag(member)
        return _saved(saved)

    return create_once(create)


@router.get(
    "/committee-members/{member_id}",
    response_model=RecipientPublic,
    responses={**PRIVATE, **GONE, **CONDITIONAL},
    tags=["recipients"],
)
def read_committee_member(
    request: Request, session: SessionDep, _principal: CommitteePrincipal, member_id: RowId
) -> Response:
    """Read one committee member, with its ETag."""
    return _recipient_response(request, _member(session, member_id))


@router.put(
    "/committee-members/{member_id}",
    response_model=RecipientSaved,
    responses={**WRITE, **GONE},
    tags=["recipients"],
)
def update_committee_member(
    request: Request,
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    member_id: RowId,
    body: RecipientInput,
) -> RecipientSaved:
    """Change a committee member (admin key, If-Match)."""
    member = _member(session, member_id)
    require_if_match(request, _recipient_etag(member))
    saved = service.update_recipient(
        session, recipient=member, body=body, ctx=ctx, actor=principal.actor
    )
    response.headers["ETag"] = _recipient_etag(member)
    return _saved(saved)


@router.delete(
    "/committee-members/{member_id}",
    status_code=204,
    responses={**WRITE, **GONE},
    tags=["recipients"],
)
def delete_committee_member(
    request: Request,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    member_id: RowId,
) -> Response:
    """Delete a committee member (admin key, If-Match); the history stays, and it can be
    restored."""
    member = _member(session, member_id)
    require_if_match(request, _recipient_etag(member))
    service.deactivate_recipient(session, recipient=member, ctx=ctx, actor=principal.actor)
    return Response(status_code=204)


@router.post(
    "/committee-members/{member_id}/restore",
    response_model=RecipientPublic,
    responses=WRITE,
    tags=["recipients"],
)
def restore_committee_member(
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    member_id: RowId,
) -> RecipientPublic:
    """Undo the deletion of a committee member (admin key); 409 if it is not deleted."""
    member = recipient_repository.get_recipient(
        session, recipient_id=member_id, role=Role.COMMITTEE_MEMBER, iso3=None, deleted=True
    )
    service.restore_recipient(session, recipient=member, ctx=ctx, actor=principal.actor)
    response.headers["ETag"] = _recipient_etag(member)
    return RecipientPublic.model_validate(member)
