"""Notices: a state's other contact points are told when one of its contact points unsubscribes.

A notice is not an event: it has no date of its own to remind of, no lead time and no place on
any calendar feed. It is planned in the transaction that pauses the contact point, one row per
other contact point and channel, due at once; the next delivery run puts it in that addressee's
digest of the day (beside any reminders due), so it is sent, retried and recorded exactly like
them. A state whose only contact point unsubscribed has no one left to tell: the pause shows on
the contact point itself (`paused_at`, `paused_because`), which its officer reads with its key.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from services.reminders.channels import reachable_on
from services.reminders.models import Notice, Recipient
from services.reminders.repository import notices as notice_repository
from services.reminders.schemas import ReminderStatus, Role

CONTACT_PAUSED = "contact_paused"


def tell_state_of_pause(session: Session, *, paused: Recipient, now: datetime) -> int:
    """Plan a notice of the pause to each of the state's other contact points, on each of its
    channels; return how many. A committee member's pause concerns no state: none is planned."""
    if paused.role != Role.STATE_CONTACT or paused.id is None:
        return 0
    rows = [
        Notice(
            kind=CONTACT_PAUSED,
            about_id=paused.id,
            about_name=paused.name,
            happened_at=now,
            recipient_id=other.id or 0,
            channel=channel,
            due_at=now,
            status=ReminderStatus.PENDING,
            created_at=now,
            updated_at=now,
        )
        for other in notice_repository.other_contacts(session, of=paused)
        for channel in reachable_on(other)
    ]
    session.add_all(rows)
    return len(rows)
