"""The webhook channel: a recipient's `webhook_url`, one signed JSON POST per digest.

Signed the Standard Webhooks way, with the recipient's own secrets (`webhook_secrets`) or else
the deployment's; a digest's id is the `webhook-id` header, so a receiver that gets it twice drops
the copy. In production a URL must lead to a public host (`addresses`): checked when written, and
again, resolved, at every send.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

import httpx
from pydantic import AfterValidator, StringConstraints
from standardwebhooks import Webhook

from services.common.types import NoControlCharacters
from services.reminders.addresses import Resolver, refusal, resolved_refusal, system_resolver
from services.reminders.channels.base import Channel, DeliveryFailed, Sender
from services.reminders.channels.per_thread import PerThread
from services.reminders.digest import Digest, Item, NoticeItem
from services.reminders.settings import RemindersSettings

USER_AGENT = "cartagena-monitor-reminders/0.1"


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValueError("must be an http or https URL")
    if not parts.hostname:
        raise ValueError("must name a host")
    if parts.username or parts.password:
        raise ValueError("must not carry credentials")
    return value


# The form of a URL in the API's bodies; where it may point is `refusal`'s to say.
WebhookUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    NoControlCharacters,
    AfterValidator(_http_url),
]


def payload(digest: Digest) -> dict[str, Any]:
    """Return the webhook body of a digest (Standard Webhooks' type, timestamp, data)."""
    recipient = digest.recipient
    return {
        "type": "reminders.digest",
        "timestamp": digest.created_at.isoformat(),
        "data": {
            "id": digest.id,
            "day": digest.day.isoformat(),
            "recipient": {
                "id": recipient.id,
                "role": recipient.role,
                "iso3": recipient.iso3,
                "name": recipient.name,
                "language": recipient.language,
            },
            "reminders": [_reminder(item) for item in digest.items],
            "notices": [_notice(notice) for notice in digest.notices],
        },
    }


def _notice(notice: NoticeItem) -> dict[str, Any]:
    return {
        "id": notice.notice_id,
        "kind": notice.kind,
        "about": {"id": notice.about_id, "name": notice.about_name},
        "happened_at": notice.happened_at.isoformat(),
    }


def _reminder(item: Item) -> dict[str, Any]:
    event = item.event
    return {
        "id": item.reminder_id,
        "offset_days": item.offset_days,
        "event": {
            "id": event.id,
            "title": event.title,
            "kind": event.kind,
            "start": event.start.isoformat(),
            "end": event.end.isoformat(),
            "location": event.location,
            "iso3": event.iso3,
            "source": event.source,
            "status": event.status,
        },
    }


class WebhookSender:
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
        self._posters = PerThread(lambda: _Poster(timeout))

    def request(self, digest: Digest) -> tuple[str, bytes, dict[str, str]]:
        """Return the URL, body and signed headers of a digest's POST."""
        signers = self._signers_for(digest)
        body = json.dumps(payload(digest), ensure_ascii=False, separators=(",", ":"))
        sent_at = self._wall_clock()
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "webhook-id": digest.id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            # Standard Webhooks: several signatures, space-delimited; any one verifies.
            "webhook-signature": " ".join(s.sign(digest.id, sent_at, body) for s in signers),
        }
        return digest.recipient.address, body.encode(), headers

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


def webhook_sender(settings: RemindersSettings) -> Sender:
    """Sign with the deployment's secret, when set, for recipients without one of their own."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    return WebhookSender(
        secret=secret,
        timeout=settings.webhook_timeout_seconds,
        production=settings.environment == "production",
    )


WEBHOOK = Channel(
    name="webhook",
    field="webhook_url",
    label="a webhook URL",
    sender=webhook_sender,
    refusal=refusal,
)
