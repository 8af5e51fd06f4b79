"""Delivery channels: email over SMTP, signed webhooks, and the log (the embedded default).

Each channel sends one digest or raises DeliveryFailed saying why; the caller records the
attempt. A digest's id travels with it (the email's Message-ID, the webhook's `webhook-id`), so a
receiver that gets it twice — the sender died after sending but before recording — drops the copy.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Generic, Protocol, TypeVar

import aiosmtplib
import httpx
from standardwebhooks import Webhook

from services.reminders import digest as compose
from services.reminders.addresses import Resolver, resolved_refusal, system_resolver
from services.reminders.digest import Digest
from services.reminders.settings import RemindersSettings

logger = logging.getLogger(__name__)
USER_AGENT = "cartagena-monitor-reminders/0.1"


class DeliveryFailed(Exception):
    """A send did not go through; the message says why (it is recorded as the last error)."""


class Channel(Protocol):
    """Sends digests; `transport` names how (smtp, log, webhook) in the delivery record."""

    transport: str

    def send(self, digest: Digest) -> None: ...

    def close(self) -> None: ...


class LogChannel:
    """Write each digest to the log: `make run` works without an SMTP server."""

    transport = "log"

    def send(self, digest: Digest) -> None:
        """Log the digest as the email would read."""
        logger.info(
            "reminder digest",
            extra={
                "digest_id": digest.id,
                "recipient_id": digest.recipient.id,
                "to": digest.recipient.email,
                "subject": compose.subject(digest),
                "body": compose.text_body(digest),
            },
        )

    def close(self) -> None:
        """Nothing to close."""


class EmailChannel:
    """Send each digest as one plain-text email, its id as the Message-ID."""

    transport = "smtp"

    def __init__(self, settings: RemindersSettings) -> None:
        self._settings = settings
        _, sender = parseaddr(settings.smtp_sender)
        self._domain = sender.rpartition("@")[2] or "cartagena-monitor.invalid"
        self._connections = _PerThread(lambda: SmtpConnection(settings))

    def message(self, digest: Digest) -> EmailMessage:
        """Build the email of a digest."""
        recipient = digest.recipient
        assert recipient.email is not None
        message = EmailMessage()
        message["From"] = self._settings.smtp_sender
        message["To"] = formataddr((recipient.name, recipient.email))
        message["Subject"] = compose.subject(digest)
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = f"<{digest.id}@{self._domain}>"
        message["Content-Language"] = recipient.language
        message.set_content(compose.text_body(digest))
        return message

    def send(self, digest: Digest) -> None:
        """Hand the email to the SMTP server, over this thread's open connection if it has one."""
        if digest.recipient.email is None:
            raise DeliveryFailed("the recipient has no email address any more")
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


class WebhookChannel:
    """POST each digest as JSON, signed the Standard Webhooks way, following no redirect.

    Each send has one deadline for all of it (connecting, writing, waiting for and reading the
    answer): a receiver that answers a byte at a time fails the send when the deadline passes,
    instead of holding a sending thread for as long as it keeps trickling.
    """

    transport = "webhook"

    def __init__(
        self,
        *,
        secret: str | None,
        timeout: float,
        production: bool,
        resolver: Resolver = system_resolver,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._signer = Webhook(secret) if secret else None
        self._deadline = timeout
        self._production = production
        self._resolver = resolver
        # The signature's timestamp is checked against the receiver's real clock, so it is the
        # real time even when CLOCK_TODAY pretends otherwise.
        self._wall_clock = wall_clock
        self._posters = _PerThread(lambda: _Poster(timeout))

    def request(self, digest: Digest) -> tuple[str, bytes, dict[str, str]]:
        """Return the URL, body and signed headers of a digest's POST."""
        url = digest.recipient.webhook_url
        if url is None:
            raise DeliveryFailed("the recipient has no webhook URL any more")
        signers = self._signers_for(digest)
        body = json.dumps(compose.payload(digest), ensure_ascii=False, separators=(",", ":"))
        sent_at = self._wall_clock()
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "webhook-id": digest.id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            # Standard Webhooks: several signatures, space-delimited; any one verifies.
            "webhook-signature": " ".join(s.sign(digest.id, sent_at, body) for s in signers),
        }
        return url, body.encode(), headers

    def _signers_for(self, digest: Digest) -> list[Webhook]:
        """The recipient's own secrets (two while a rotation settles), else the deployment's."""
        own = digest.recipient.webhook_secrets
        if own:
            return [Webhook(secret) for secret in own]
        if self._signer is None:
            raise DeliveryFailed(
                "no signing secret: the recipient has none of its own (rotate it) and "
                "REMINDERS_WEBHOOK_SECRET is not set"
            )
        return [self._signer]

    def send(self, digest: Digest) -> None:
        """POST the digest; anything but a 2xx answer within the deadline is a failure."""
        url, body, headers = self.request(digest)
        if self._production and (reason := resolved_refusal(url, self._resolver)) is not None:
            raise DeliveryFailed(f"refused: {reason}")
        status = self._posters.get().post(url, body, headers, deadline=self._deadline)
        if not 200 <= status < 300:
            raise DeliveryFailed(f"the receiver answered {status}")

    def close(self) -> None:
        """Close every sending thread's client (at the end of a delivery run)."""
        self._posters.close_all()


class _Poster:
    """One sending thread's event loop and HTTP client, kept across its sends."""

    def __init__(self, deadline: float) -> None:
        self._loop = asyncio.new_event_loop()
        # httpx's timeouts bound each read or write on its own, never the whole send: the
        # deadline in `post` does that.
        self._client = httpx.AsyncClient(timeout=deadline, follow_redirects=False)
        self.closed = False

    def post(self, url: str, body: bytes, headers: dict[str, str], *, deadline: float) -> int:
        """POST within `deadline` seconds in all; return the answer's status."""
        try:
            return self._loop.run_until_complete(self._post(url, body, headers, deadline))
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise DeliveryFailed(f"no complete answer within {deadline:g} s") from exc
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc

    async def _post(self, url: str, body: bytes, headers: dict[str, str], deadline: float) -> int:
        async with asyncio.timeout(deadline):
            response = await self._client.post(url, content=body, headers=headers)
        return response.status_code

    def close(self) -> None:
        """Close the client's connections and the event loop."""
        if self.closed:
            return
        self.closed = True
        try:
            self._loop.run_until_complete(self._client.aclose())
        finally:
            self._loop.close()


class _Closable(Protocol):
    closed: bool

    def close(self) -> None: ...


Closable = TypeVar("Closable", bound=_Closable)


class _PerThread(Generic[Closable]):
    """One `Closable` per sending thread, all closed together at the end of a run."""

    def __init__(self, factory: Callable[[], Closable]) -> None:
        self._factory = factory
        self._local = threading.local()
        self._lock = threading.Lock()
        self._made: list[Closable] = []

    def get(self) -> Closable:
        """This thread's one, made anew if it has none or its last was closed."""
        found: Closable | None = getattr(self._local, "value", None)
        if found is None or found.closed:
            found = self._factory()
            self._local.value = found
            with self._lock:
                self._made.append(found)
        return found

    def close_all(self) -> None:
        """Close every one made so far."""
        with self._lock:
            made, self._made = self._made, []
        for closable in made:
            closable.close()


def channels_for(settings: RemindersSettings) -> dict[str, Channel]:
    """Return the channel of each outbox channel name, as the settings configure them."""
    email: Channel = EmailChannel(settings) if settings.smtp_host else LogChannel()
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    webhook = WebhookChannel(
        secret=secret,
        timeout=settings.webhook_timeout_seconds,
        production=settings.environment == "production",
    )
    return {"email": email, "webhook": webhook}
