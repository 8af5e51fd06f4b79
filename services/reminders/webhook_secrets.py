"""Each recipient's own webhook signing secret, as Standard Webhooks recommends (one per
endpoint): a receiver that learns its secret can forge nothing for another state.

A secret is made when a recipient first gets a webhook URL and shown once, in that answer; the
recipient's state (or an admin) can rotate it, and is shown the new one once. A rotation keeps
the old secret valid for `ROTATION_OVERLAP` more, and meanwhile every webhook carries both
signatures, so the receiver can switch over without losing a message. Secrets are only ever
added; the audit log records that one was made, never the secret itself.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.common import audit
from services.common.audit import Actor
from services.reminders.models import Recipient, WebhookSecret, audit_log
from services.reminders.signing import new_signing_secret

ROTATION_OVERLAP = timedelta(hours=24)
ENTITY = "webhook_secret"


def issue(session: Session, recipient: Recipient, *, actor: Actor, at: datetime) -> str:
    """Make the recipient a new secret (the previous one stays valid a while); return it."""
    assert recipient.id is not None
    row = WebhookSecret(
        recipient_id=recipient.id, secret=new_signing_secret(), created_at=at, created_by=actor.id
    )
    session.add(row)
    session.flush()
    audit.record_change(
        session,
        audit_log,
        entity=ENTITY,
        entity_id=str(recipient.id),
        version=_count(session, recipient.id),
        before=None,
        after={"recipient_id": recipient.id, "created_at": at.isoformat()},
        actor=actor,
        at=at,
        operation="create",
    )
    return row.secret


def issue_if_missing(
    session: Session, recipient: Recipient, *, actor: Actor, at: datetime
) -> str | None:
    """A first secret for a recipient that has a webhook URL and no secret yet, else None."""
    if recipient.webhook_url is None or recipient.id is None:
        return None
    if _count(session, recipient.id) > 0:
        return None
    return issue(session, recipient, actor=actor, at=at)


def valid_until(session: Session, recipient_id: int, *, replaced_at: datetime) -> datetime | None:
    """Until when the secret that a rotation at `replaced_at` replaced stays valid, if any."""
    return replaced_at + ROTATION_OVERLAP if _count(session, recipient_id) > 1 else None


def signing_secrets(
    session: Session, recipient_ids: Collection[int], *, now: datetime
) -> dict[int, tuple[str, ...]]:
    """The secrets to sign with now, per recipient, newest first (see `valid`)."""
    rows = session.exec(
        select(WebhookSecret).where(col(WebhookSecret.recipient_id).in_(recipient_ids))
    ).all()
    by_recipient: dict[int, list[WebhookSecret]] = {}
    for row in rows:
        by_recipient.setdefault(row.recipient_id, []).append(row)
    return {rid: valid(found, now=now) for rid, found in by_recipient.items()}


def valid(rows: Sequence[WebhookSecret], *, now: datetime) -> tuple[str, ...]:
    """The newest secret, and each older one whose successor is younger than the overlap."""
    newest_first = sorted(rows, key=lambda row: (row.created_at, row.id or 0), reverse=True)
    kept: list[str] = []
    successor_made: datetime | None = None
    for row in newest_first:
        if successor_made is None or now < successor_made + ROTATION_OVERLAP:
            kept.append(row.secret)
        successor_made = row.created_at
    return tuple(kept)


def _count(session: Session, recipient_id: int) -> int:
    query = select(func.count()).where(col(WebhookSecret.recipient_id) == recipient_id)
    return int(session.exec(query).one())
