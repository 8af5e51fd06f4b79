"""The webhook signing secret: its form (Standard Webhooks' `whsec_` + base64), and the one
`setup` keeps for development so that webhooks are signed and sent under `make run`."""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.reminders.settings import RemindersSettings

logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_MIN_BYTES = 24  # Standard Webhooks: between 24 and 64 bytes of randomness
SECRET_MAX_BYTES = 64


def check_signing_secret(secret: str) -> None:
    """Raise ValueError unless `secret` is `whsec_` + base64 of 24 to 64 bytes."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"a signing secret starts with {SECRET_PREFIX}, then base64")
    try:
        size = len(base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True))
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"what follows {SECRET_PREFIX} is not base64") from exc
    if not SECRET_MIN_BYTES <= size <= SECRET_MAX_BYTES:
        raise ValueError(
            f"what follows {SECRET_PREFIX} decodes to {size} bytes; "
            f"it must be {SECRET_MIN_BYTES} to {SECRET_MAX_BYTES}"
        )


def new_signing_secret() -> str:
    """A new Standard Webhooks signing secret of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def keep_development_webhook_secret(settings: RemindersSettings) -> None:
    """In development, without a signing secret, make one in a file of its own, once.

    The API and the scheduler read it back (`RemindersSettings`). Production never uses it:
    there REMINDERS_WEBHOOK_SECRET is required.
    """
    if settings.environment != "development" or settings.webhook_secret is not None:
        return
    file = settings.development_webhook_secret_file
    file.parent.mkdir(parents=True, exist_ok=True)
    # Readable by its owner only, and never overwritten: receivers may already trust it.
    with os.fdopen(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(new_signing_secret() + "\n")
    logger.info("made a development webhook signing secret", extra={"file": str(file)})
