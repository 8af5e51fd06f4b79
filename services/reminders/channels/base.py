"""What a channel module declares (`Channel`), what its sender does (`Sender`), how a send fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from services.reminders.digest import Digest
from services.reminders.settings import RemindersSettings


class DeliveryFailed(Exception):
    """A send did not go through; the message says why (it is recorded as the last error)."""


class Sender(Protocol):
    """Sends digests; `transport` names how (smtp, log, webhook) in the delivery record."""

    transport: str

    def send(self, digest: Digest) -> None: ...

    def close(self) -> None: ...


def never_refused(address: str) -> str | None:
    """Refuse no address: the default of a channel whose addresses lead nowhere dangerous."""
    return None


@dataclass(frozen=True)
class Channel:
    """One way a digest reaches a recipient, as its module declares it."""

    # The `channel` of outbox rows and deliveries (at most 16 characters, in the database).
    name: str
    # The recipient's column, and the field of the API's bodies, that holds its address.
    field: str
    # How its address is called when a recipient has none: "an email address".
    label: str
    # Builds the sender the settings configure (a fallback, or the real thing).
    sender: Callable[[RemindersSettings], Sender]
    # Why a production service must not send to an address, checked when the address is written;
    # None when it may. The address's form is checked by its type in the API's bodies.
    refusal: Callable[[str], str | None] = never_refused

    def address(self, holder: object) -> str | None:
        """Return the address on this channel of a recipient (a row or an API body), if any."""
        found: str | None = getattr(holder, self.field)
        return found
