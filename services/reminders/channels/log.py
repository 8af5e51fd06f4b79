"""The log sender: a channel's embedded default, so `make run` works without a mail server."""

from __future__ import annotations

import logging

from services.reminders import digest as compose
from services.reminders.digest import Digest

logger = logging.getLogger(__name__)


class LogSender:
    """Write each digest to the log as the email would read, and call it delivered."""

    transport = "log"

    def send(self, digest: Digest) -> None:
        """Log the digest: its id, where it would go, its subject and its body."""
        logger.info(
            "reminder digest",
            extra={
                "digest_id": digest.id,
                "recipient_id": digest.recipient.id,
                "to": digest.recipient.address,
                "subject": compose.subject(digest),
                "body": compose.text_body(digest),
            },
        )

    def close(self) -> None:
        """Nothing to close."""
