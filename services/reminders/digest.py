"""A digest: the reminders (and notices) due on one day for one recipient and channel, and how
it reads.

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
class NoticeItem:
    """One notice of a digest: another contact point of the recipient's state unsubscribed."""

    notice_id: int
    kind: str  # contact_paused
    about_id: int
    about_name: str
    happened_at: datetime


@dataclass(frozen=True)
class Digest:
    """A day's reminders and notices for one recipient and channel, sent under one stable id."""

    id: str
    day: date
    channel: str
    created_at: datetime
    recipient: Addressee
    items: tuple[Item, ...]
    notices: tuple[NoticeItem, ...] = ()


@dataclass(frozen=True)
class Phrases:
    """The words of a digest in one language."""

    subject: str
    notice_subject: str  # a digest of notices only
    salutation: str
    intro: str  # before the reminders
    before: tuple[str, str]  # one day, several days
    after: tuple[str, str]
    contact_paused: str  # the notice that another contact point unsubscribed
    footer: str


PHRASES = {
    "en": Phrases(
        subject="Cartagena Monitor: reminders for {day}",
        notice_subject="Cartagena Monitor: a contact point of your State unsubscribed",
        salutation="Dear {name},",
        intro="These dates of the Anti-Personnel Mine Ban Convention concern you:",
        before=("in {days} day", "in {days} days"),
        after=(
            "{days} day ago, and not yet recorded as met",
            "{days} days ago, and not yet recorded as met",
        ),
        contact_paused=(
            "{name}, a contact point of your State, unsubscribed from these reminders on {day} "
            "and receives none until your State confirms it as its contact point."
        ),
        footer="You receive this as a contact point registered with Cartagena Monitor.",
    ),
    "fr": Phrases(
        subject="Cartagena Monitor : rappels du {day}",
        notice_subject="Cartagena Monitor : un point de contact de votre État s'est désinscrit",
        salutation="Bonjour {name},",
        intro=(
            "Ces dates de la Convention sur l'interdiction des mines antipersonnel vous "
            "concernent :"
        ),
        before=("dans {days} jour", "dans {days} jours"),
        after=(
            "il y a {days} jour, et pas encore signalé comme respecté",
            "il y a {days} jours, et pas encore signalé comme respecté",
        ),
        contact_paused=(
            "{name}, point de contact de votre État, s'est désinscrit de ces rappels le {day} "
            "et n'en reçoit plus tant que votre État ne l'a pas confirmé comme point de contact."
        ),
        footer="Vous recevez ce message en tant que point de contact inscrit à Cartagena Monitor.",
    ),
    "es": Phrases(
        subject="Cartagena Monitor: recordatorios del {day}",
        notice_subject="Cartagena Monitor: un punto de contacto de su Estado se dio de baja",
        salutation="Estimado/a {name}:",
        intro=(
            "Estas fechas de la Convención sobre la prohibición de las minas antipersonal le "
            "conciernen:"
        ),
        before=("dentro de {days} día", "dentro de {days} días"),
        after=(
            "hace {days} día, y aún no consta como cumplido",
            "hace {days} días, y aún no consta como cumplido",
        ),
        contact_paused=(
            "{name}, punto de contacto de su Estado, se dio de baja de estos recordatorios el "
            "{day} y no recibe ninguno hasta que su Estado lo confirme como punto de contacto."
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
    words = phrases(language)
    if not digest.items:
        return words.notice_subject
    return words.subject.format(day=titles.day_in(language, digest.day))


def paragraphs(digest: Digest) -> tuple[str, list[str], str | None, list[str]]:
    """Return what a digest says, in order: the salutation, each notice, the reminders'
    introduction (None without reminders) and each reminder's line."""
    words = phrases(digest.recipient.language)
    notices = [_notice(notice, digest.recipient.language) for notice in digest.notices]
    lines = [_line(item, digest) for item in digest.items]
    intro = words.intro if digest.items else None
    return words.salutation.format(name=digest.recipient.name), notices, intro, lines


def text_body(digest: Digest) -> str:
    """Return the plain-text body of a digest."""
    salutation, notices, intro, lines = paragraphs(digest)
    body = [salutation, ""]
    for notice in notices:
        body.extend([notice, ""])
    if intro is not None:
        body.extend([intro, "", *(f"- {line}" for line in lines), ""])
    footer = phrases(digest.recipient.language).footer
    body.extend([footer, f"[{digest.id}]", ""])
    return "\n".join(body)


def html_body(digest: Digest) -> str:
    """Return the HTML alternative of a digest: the same words as the text, as a list."""
    salutation, notices, intro, lines = paragraphs(digest)
    footer = phrases(digest.recipient.language).footer
    told = "".join(f"<p><strong>{escape(notice)}</strong></p>" for notice in notices)
    reminders = ""
    if intro is not None:
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        reminders = f"<p>{escape(intro)}</p><ul>{items}</ul>"
    return (
        f'<!doctype html><html lang="{escape(digest.recipient.language)}"><head>'
        '<meta charset="utf-8"></head><body>'
        f"<p>{escape(salutation)}</p>{told}{reminders}"
        f"<p><small>{escape(footer)} [{escape(digest.id)}]</small></p></body></html>"
    )


def _notice(notice: NoticeItem, language: str) -> str:
    day = titles.day_in(language, notice.happened_at.date())
    return phrases(language).contact_paused.format(name=notice.about_name, day=day)


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
