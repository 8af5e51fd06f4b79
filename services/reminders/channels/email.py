"""The email channel: a recipient's `email` address, one message per digest over SMTP, in plain
text with an HTML alternative.

Without an SMTP host (`REMINDERS_SMTP_HOST`), email digests go to the log instead (`log.py`). A
digest's id is the message's Message-ID, so a receiver that gets it twice drops the copy.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Annotated

import aiosmtplib
from pydantic import AfterValidator, StringConstraints

from services.common.types import NoControlCharacters
from services.reminders import digest as compose
from services.reminders import unsubscribe_links
from services.reminders.channels.base import Channel, DeliveryFailed, Sender
from services.reminders.channels.log import LogSender
from services.reminders.channels.per_thread import PerThread
from services.reminders.digest import Digest
from services.reminders.settings import RemindersSettings


def _email_address(value: str) -> str:
    try:
        address = Address(addr_spec=value)
    except (ValueError, HeaderParseError) as exc:
        raise ValueError("is not an email address") from exc
    if not address.username or not address.domain:
        raise ValueError("is not an email address")
    return value


# The form of an address in the API's bodies; no CR or LF, which would smuggle in headers.
EmailAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=320),
    NoControlCharacters,
    AfterValidator(_email_address),
]


class EmailSender:
    """Send each digest as one email (text and HTML), its id as the Message-ID."""

    transport = "smtp"

    def __init__(self, settings: RemindersSettings) -> None:
        self._settings = settings
        _, sender = parseaddr(settings.smtp_sender)
        self._domain = sender.rpartition("@")[2] or "cartagena-monitor.invalid"
        self._connections = PerThread(lambda: SmtpConnection(settings))

    def message(self, digest: Digest) -> EmailMessage:
        """Build the email of a digest."""
        recipient = digest.recipient
        message = EmailMessage()
        message["From"] = self._settings.smtp_sender
        message["To"] = formataddr((recipient.name, recipient.address))
        message["Subject"] = compose.subject(digest)
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = f"<{digest.id}@{self._domain}>"
        # Sent by a program: auto-responders must not answer it (RFC 3834), and mail clients
        # may group and filter the reminders as one list (RFC 2919).
        message["Auto-Submitted"] = "auto-generated"
        message["List-Id"] = f"Cartagena Monitor reminders <reminders.{self._domain}>"
        link = unsubscribe_links.link_for(recipient.id, self._settings)
        if link is not None:
            # One click in the mail client stops them (RFC 8058): a POST the link's route takes.
            message["List-Unsubscribe"] = f"<{link}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(compose.text_body(digest))
        message.add_alternative(compose.html_body(digest), subtype="html")
        # After the content: set_content() removes every Content-* header set before it.
        message["Content-Language"] = recipient.language
        return message

    def send(self, digest: Digest) -> None:
        """Hand the email to the SMTP server, over this thread's open connection if it has one."""
        message = self.message(digest)
        connection = self._connections.get()
        try:
            connection.send(message)
        except TimeoutError as exc:
            connection.close()
            deadline = self._settings.smtp_timeout_seconds
            raise DeliveryFailed(f"SMTP: no complete answer within {deadline:g} s") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            connection.close()
            raise DeliveryFailed(f"SMTP: {type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        """Close every connection the sending threads opened (at the end of a delivery run)."""
        self._connections.close_all()


class SmtpConnection:
    """One SMTP session kept open across messages, with the event loop it runs on.

    Opening a session (TCP, EHLO, STARTTLS, AUTH) and an event loop for every message cost more
    than the message itself; a delivery run sends thousands over a few of these.
    """

    def __init__(self, settings: RemindersSettings) -> None:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        self._loop = asyncio.new_event_loop()
        self._client = aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=password,
            use_tls=settings.smtp_security == "tls",
            start_tls=settings.smtp_security == "starttls",
            timeout=settings.smtp_timeout_seconds,
        )
        self._deadline = settings.smtp_timeout_seconds
        self.closed = False

    def send(self, message: EmailMessage) -> None:
        """Send one message, (re)connecting first when the session is not open, within the
        deadline for all of it (aiosmtplib's own timeout bounds each step, not the whole)."""
        sending = asyncio.wait_for(self._send(message), timeout=self._deadline)
        self._loop.run_until_complete(sending)

    async def _send(self, message: EmailMessage) -> None:
        reused = self._client.is_connected
        if not reused:
            await self._client.connect()
        try:
            await self._client.send_message(message)
        except aiosmtplib.SMTPServerDisconnected:
            if not reused:
                raise
            # The server closed a session it had kept idle or long enough: open a new one, once.
            await self._client.connect()
            await self._client.send_message(message)

    def close(self) -> None:
        """End the session politely if it is open, and the event loop."""
        if self.closed:
            return
        self.closed = True
        try:
            if self._client.is_connected:
                self._loop.run_until_complete(self._client.quit())
        except (aiosmtplib.SMTPException, OSError):
            self._client.close()
        finally:
            self._loop.close()


def email_sender(settings: RemindersSettings) -> Sender:
    """SMTP when the settings name a host, else the log."""
    return EmailSender(settings) if settings.smtp_host else LogSender()


EMAIL = Channel(name="email", field="email", label="an email address", sender=email_sender)
