"""Labels, number formats and provenance lines shared by the pages and their tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, get_args

from dashboard.api_models import CommitmentStatus, Counted, Membership, Seeded
from dashboard.i18n import N_, _
from dashboard.i18n import number as localized

# What a commitment no party wrote is shown as: no record, never "not started".
NOT_RECORDED = "not_recorded"
# In the order the heatmap's columns and the "who lags" table follow.
STATUSES: tuple[str, ...] = (*get_args(CommitmentStatus), NOT_RECORDED)
# English, as the tables' column names and the catalogue's messages: translate where shown.
STATUS_LABELS: dict[str, str] = {
    "not_started": N_("not started"),
    "in_progress": N_("in progress"),
    "completed": N_("completed"),
    "not_applicable": N_("not applicable"),
    NOT_RECORDED: N_("no record"),
}


def shown(status: CommitmentStatus | None) -> str:
    """A commitment's status as the tables show it: its own, or that none is recorded."""
    return status or NOT_RECORDED


DEADLINE_LABELS = {
    "met": N_("met"),
    "pending": N_("pending"),
    "due_soon": N_("due soon"),
    "overdue": N_("overdue"),
    "unknown": N_("unknown (before the records begin)"),
}
# The qualifiers and units the recorded figures carry (services/parties/data/figures.csv); one
# not listed is shown as recorded.
TERMS = (N_("more than"), N_("over"), N_("approximately"), N_("mines"))


# Which States Parties an action binds (the actions service's `applies_to`).
APPLIES_TO = {
    "all_states_parties": N_("all States Parties"),
    "missed_article4_deadline": N_("States Parties that missed their Article 4 deadline"),
    "article4_in_progress": N_("States Parties still destroying stockpiles"),
    "article5_extension_granted": N_("States Parties granted an Article 5 extension"),
    "reported_mined_areas": N_("States Parties that reported mined areas"),
    "needs_article5_extension": N_("States Parties that need an Article 5 extension"),
    "significant_survivors": N_("States Parties with significant numbers of survivors"),
    "with_stockpile_clearance_or_va_obligations": N_(
        "States Parties with stockpile, clearance or victim-assistance obligations"
    ),
    "in_a_position_to_assist": N_("States Parties in a position to assist"),
    "initial_article7_report_missing": N_("States Parties without an initial Article 7 report"),
    "retained_mines_article3": N_("States Parties retaining mines under Article 3"),
    "no_national_implementation_measures": N_(
        "States Parties without national implementation measures"
    ),
}


def applies_to(group: str) -> str:
    """Whom an action binds, in words in the reader's language."""
    return _(APPLIES_TO.get(group, group.replace("_", " ")))


def status_label(status: CommitmentStatus | None) -> str:
    """A commitment's status in words, in the reader's language ("no record" when none)."""
    return _(STATUS_LABELS[shown(status)])


def deadline_label(status: str | None) -> str:
    """A deadline's status in words, in the reader's language."""
    return _(DEADLINE_LABELS.get(status or "", status or N_("not recorded")))


def notice(service: str, fetched_at: datetime | None) -> str:
    """The line shown where a service's data is missing or stale."""
    if fetched_at is None:
        return _("The {service} service is unavailable — no data yet.").format(service=service)
    return _("The {service} service is unavailable — last data from {moment} UTC.").format(
        service=service, moment=f"{fetched_at:%Y-%m-%d %H:%M:%S}"
    )


def number(value: float | None, unit: str = "") -> str:
    """A figure with the language's thousands separators and its unit (US$ in front)."""
    if value is None:
        return "—"
    if unit == "US$":
        if value >= 1_000_000_000:
            amount = localized(value / 1_000_000_000, "#,##0.0")
            return _("US$ {amount} billion").format(amount=amount)
        if value >= 1_000_000:
            return _("US$ {amount} million").format(amount=localized(value / 1_000_000, "#,##0"))
        return _("US$ {amount}").format(amount=localized(value, "#,##0"))
    text = localized(value, "#,##0")
    return f"{text} {_(unit) if unit else ''}".strip()


def qualified(figure: Seeded | None, unit: str) -> str:
    """A seeded figure with its qualifier, e.g. "approximately US$ 2.0 billion"."""
    if figure is None:
        return number(None)
    qualifier = _(figure.qualifier) if figure.qualifier else ""
    return f"{qualifier} {number(figure.value, unit)}".strip()


def provenance(figure: Seeded | Counted | None) -> str:
    """Where a figure comes from: its source, or how it was counted."""
    if figure is None:
        return ""
    if isinstance(figure, Seeded):
        period = f" ({figure.period})" if figure.period else ""
        return _("Source: {source}").format(source=figure.source + period)
    # The rule in the records' own words (English), quoted as such in every language.
    return _("Counted from the records: {rule}").format(rule=f"“{figure.derivation}”")


def membership_label(membership: Membership) -> str:
    """ "State Party" or "not party", in the reader's language."""
    return _("State Party") if membership.status == "party" else _("not party")


def day(value: date | None) -> str | None:
    """A day as the services write it (YYYY-MM-DD), for a table cell."""
    return value.isoformat() if value is not None else None


def moment(value: datetime) -> str:
    """A moment as the services write it (RFC 3339, "Z" for UTC), for a table cell."""
    return value.isoformat().replace("+00:00", "Z")


def uniform_columns(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each column one type: a column mixing kinds of values (e.g. years and text) is text."""
    mixed = {column for column in (rows[0] if rows else {}) if len(_kinds(rows, column)) > 1}
    return [
        {
            key: str(value) if key in mixed and value is not None else value
            for key, value in row.items()
        }
        for row in rows
    ]


def _kinds(rows: list[dict[str, Any]], column: str) -> set[str]:
    def kind(value: Any) -> str:
        if isinstance(value, bool):
            return "bool"
        return "number" if isinstance(value, int | float) else type(value).__name__

    return {kind(row[column]) for row in rows if row[column] is not None}


def link_columns(rows: list[dict[str, Any]]) -> list[str]:
    """The columns whose every filled cell is a web address: shown as links."""
    found = []
    for name in rows[0] if rows else {}:
        cells = [str(row[name]) for row in rows if row.get(name) not in (None, "")]
        if cells and all(cell.startswith(("https://", "http://")) for cell in cells):
            found.append(name)
    return found
