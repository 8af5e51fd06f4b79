"""A digest: the reminders due on one day for one recipient and channel, and how it reads.

The subject, the plain text and its HTML form are words any channel may send (the email and the
log do); a
channel's own wire format lives in its module (the webhook's JSON in `channels/webhook.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from services.reminders import titles
from services.reminders.event_public import EventPublic
from services.reminders.models import Recipient


@dataclass(frozen=True)
class Addressee:
    """Who a digest goes to, and where: the address on the digest's channel."""

    id: int
    role: str
    iso3: str | None
    name: str
    address: str
    language: str
    # The recipient's own signing secrets, newest first; none for one made before recipients
    # had their own (the deployment's secret signs for it).
    webhook_secrets: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, recipient: Recipient, *, address: str, webhook_secrets: tuple[str, ...] = ()
    ) -> Addressee:
        """Copy what a message needs from a recipient row, with its address on one channel."""
        assert recipient.id is not None
        return cls(
            id=recipient.id,
            role=recipient.role,
            iso3=recipient.iso3,
            name=recipient.name,
            address=address,
            language=recipient.language,
            webhook_secrets=webhook_secrets,
        )


@dataclass(frozen=True)
class Item:
    """One reminder of a digest."""

    reminder_id: int
    offset_days: int
    event: EventPublic
    title: str  # the event's title in the recipient's language (`titles`), else as recorded


@dataclass(frozen=True)
class Digest:
    """A day's reminders for one recipient and channel, sent under one stable id."""

    id: str
    day: date
    channel: str
    created_at: datetime
    recipient: Addressee
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Phrases:
    """The words of a digest in one language."""

    subject: str
    greeting: str
    before: tuple[str, str]  # one day, several days
    after: tuple[str, str]
    footer: str


PHRASES = {
    "en": Phrases(
        subject="Cartagena Monitor: reminders for {day}",
        greeting=(
            "Dear {name},\n\nThese dates of the Anti-Personnel Mine Ban Convention concern you:"
        ),
        before=("in {days} day", "in {days} days"),
        after=(
            "{days} day ago, and not yet recorded as met",
            "{days} days ago, and not yet recorded as met",
        ),
        footer="You receive this as a contact point registered with Cartagena Monitor.",
    ),
    "fr": Phrases(
        subject="Cartagena Monitor : rappels du {day}",
        greeting=(
            "Bonjour {name},\n\nCes dates de la Convention sur l'interdiction des mines "
            "antipersonnel vous concernent :"
        ),
        before=("dans {days} jour", "dans {days} jours"),
        after=(
            "il y a {days} jour, et pas encore signalé comme respecté",
            "il y a {days} jours, et pas encore signalé comme respecté",
        ),
        footer="Vous recevez ce message en tant que point de contact inscrit à Cartagena Monitor.",
    ),
    "es": Phrases(
        subject="Cartagena Monitor: recordatorios del {day}",
        greeting=(
            "Estimado/a {name}:\n\nEstas fechas de la Convención sobre la prohibición de las minas "
            "antipersonal le conciernen:"
        ),
        before=("dentro de {days} día", "dentro de {days} días"),
        after=(
            "hace {days} día, y aún no consta como cumplido",
            "hace {days} días, y aún no consta como cumplido",
        ),
        footer="Recibe este mensaje como punto de contacto inscrito en Cartagena Monitor.",
    ),
}


def phrases(language: str) -> Phrases:
    """Return the words of a language, English when it has none."""
    return PHRASES.get(language, PHRASES["en"])


def subject(digest: Digest) -> str:
    """Return the subject line of a digest (the email's Subject)."""
    language = digest.recipient.language
    return phrases(language).subject.format(day=titles.day_in(language, digest.day))


def text_body(digest: Digest) -> str:
    """Return the plain-text body of a digest."""
    words = phrases(digest.recipient.language)
    lines = [words.greeting.format(name=digest.recipient.name), ""]
    lines.extend(f"- {_line(item, digest)}" for item in digest.items)
    lines.extend(["", words.footer, f"[{digest.id}]", ""])
    return "\n".join(lines)


def html_body(digest: Digest) -> str:
    """Return the HTML alternative of a digest: the same words as the text, as a list."""
    words = phrases(digest.recipient.language)
    greeting, _, intro = words.greeting.format(name=digest.recipient.name).partition("\n\n")
    items = "".join(f"<li>{escape(_line(item, digest))}</li>" for item in digest.items)
    return (
        f'<!doctype html><html lang="{escape(digest.recipient.language)}"><head>'
        '<meta charset="utf-8"></head><body>'
        f"<p>{escape(greeting)}</p><p>{escape(intro)}</p><ul>{items}</ul>"
        f"<p><small>{escape(words.footer)} [{escape(digest.id)}]</small></p></body></html>"
    )


def _line(item: Item, digest: Digest) -> str:
    language, day = digest.recipient.language, digest.day
    words = phrases(language)
    event = item.event
    dates = titles.day_in(language, event.start)
    if event.end != event.start:
        dates += f" – {titles.day_in(language, event.end)}"
    where = f", {event.location}" if event.location else ""
    if item.offset_days < 0:
        days = (event.start - day).days
        when = words.before[days != 1].format(days=days)
    else:
        days = (day - event.start).days
        when = words.after[days != 1].format(days=days)
    return f"{item.title}{where}: {dates} ({when})"
