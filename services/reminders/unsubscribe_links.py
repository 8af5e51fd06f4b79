"""The unsubscribe link of a recipient: its id, signed.

The link carries an HMAC of the recipient's id under the deployment's signing secret, with a
purpose of its own (no webhook signature can be replayed as a link): it needs no key, works from
any mail client, and cannot pause anyone else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from services.reminders.settings import RemindersSettings

PURPOSE = b"cartagena-monitor unsubscribe v1:"


def token_for(recipient_id: int, secret: str) -> str:
    """The signature of a recipient's unsubscribe link."""
    digest = hmac.new(secret.encode(), PURPOSE + str(recipient_id).encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def link_for(recipient_id: int, settings: RemindersSettings) -> str | None:
    """The recipient's unsubscribe link, or None without a signing secret to make it with."""
    if settings.webhook_secret is None:
        return None
    token = token_for(recipient_id, settings.webhook_secret.get_secret_value())
    base = (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    return f"{base}/unsubscribe/{recipient_id}/{token}"
