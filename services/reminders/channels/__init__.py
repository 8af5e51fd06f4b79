"""The delivery channels, one module each, and their registry (`CHANNELS`).

A channel module declares a `Channel`: its name (the `channel` of outbox rows and digests), the
recipient field that holds its address, that address's form (a pydantic type the API's bodies
use) and any production refusal, and its sender. Planning, delivery, the digest's addressee and
the service's writes ask this registry, never a channel by name. Each sender sends one digest or
raises `DeliveryFailed` saying why; the caller records the attempt. A digest's id travels with it
(the email's Message-ID, the webhook's `webhook-id`), so a receiver that gets it twice — the
sender died after sending but before recording — drops the copy.

Adding a channel (SMS, say) touches exactly: a new module here (`sms.py`: its address type, its
sender, `SMS = Channel(...)`); one entry in `CHANNELS` below; its provider's fields in
`settings.py`; the recipient's address column in `models.py`, with a migration under
`migrations/versions/` that adds it; and that field in `schemas.py`'s `RecipientInput` (typed
with the module's address type) and `RecipientPublic`. Nothing else in the service changes.
"""

from __future__ import annotations

from services.reminders.channels.base import Channel, Sender
from services.reminders.channels.email import EMAIL
from services.reminders.channels.webhook import WEBHOOK
from services.reminders.settings import RemindersSettings

# In this order planning offers a recipient its channels.
CHANNELS: tuple[Channel, ...] = (EMAIL, WEBHOOK)
_BY_NAME = {channel.name: channel for channel in CHANNELS}


def address_on(recipient: object, name: str) -> str | None:
    """Return a recipient's address on the named channel; None without one, or for a channel
    no longer offered (its digests are cancelled, not sent)."""
    channel = _BY_NAME.get(name)
    return None if channel is None else channel.address(recipient)


def reachable_on(recipient: object) -> list[str]:
    """Return the names of the channels a recipient has an address on."""
    return [channel.name for channel in CHANNELS if channel.address(recipient)]


def unreachable_message() -> str:
    """Return what a recipient with no address at all is told to give."""
    labels = [channel.label for channel in CHANNELS]
    if len(labels) == 1:
        return f"give {labels[0]}"
    return f"give {', '.join(labels)}, or {'both' if len(labels) == 2 else 'several'}"


def channels_for(settings: RemindersSettings) -> dict[str, Sender]:
    """Return the sender of each channel, by channel name, as the settings configure them."""
    return {channel.name: channel.sender(settings) for channel in CHANNELS}
