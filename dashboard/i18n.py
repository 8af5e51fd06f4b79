"""The dashboard's language: its words from gettext catalogues (dashboard/locale, extracted and
kept by Babel), numbers and dates by Babel in the same locale, states' names from pycountry's
translations of ISO 3166.

The language is set once at the start of each run of the page script (`use`); the functions
here read it, so the pure `compute` modules word their rows without knowing Streamlit. A run is
one thread: each reader's session keeps its own language.
"""

from __future__ import annotations

import gettext
from contextvars import ContextVar
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path

import pycountry
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

# The catalogue's source language is English; the names are the languages' own.
LANGUAGES = {"en": "English", "fr": "Français", "es": "Español"}
DEFAULT = "en"
# Babel's locale for each language; UN style writes "21 June 2010", not "June 21, 2010".
LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES"}
DOMAIN = "dashboard"
LOCALE_DIR = Path(__file__).with_name("locale")

_current: ContextVar[str] = ContextVar("dashboard_language", default=DEFAULT)


def use(language: str) -> None:
    """Word this run in `language` (an unknown one reads as English)."""
    _current.set(language if language in LANGUAGES else DEFAULT)


def language() -> str:
    """The language of this run."""
    return _current.get()


def _(message: str) -> str:
    """`message` in this run's language; one the catalogue lacks stays in English."""
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural of a message for `count`, by the language's plural rule."""
    return translations(language()).ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for a marker
    """Mark `message` for the catalogue, to be translated where it is shown (`_`)."""
    return message


def day(value: date) -> str:
    """A date written out in the language ("1 June 2010", "1er juin 2010", "1 de junio de
    2010")."""
    written = format_date(value, format="long", locale=LOCALES[language()])
    # French writes the first of a month as an ordinal; CLDR's pattern has no such rule.
    if language() == "fr" and value.day == 1:
        return "1er" + written.removeprefix("1")
    return written


def number(value: float, pattern: str | None = None) -> str:
    """A number with the language's separators ("43,000", "43 000", "43.000"), by a Babel
    pattern such as "#,##0.0" when given."""
    return format_decimal(value, format=pattern, locale=LOCALES[language()])


def percent(share: float) -> str:
    """A share as a whole percentage in the language ("80%", "80 %")."""
    return format_percent(share, locale=LOCALES[language()])


def state_name(iso3: str, name: str) -> str:
    """A state's name in the language: pycountry's translation of its ISO 3166 name, else the
    name the records give (always in English)."""
    if language() == DEFAULT:
        return name
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return name
    return _iso3166(language()).gettext(country.name) or name


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of `language`, compiled from its .po file once per process (no compiled
    file to keep in step); English is the source and needs none. Fuzzy entries are not used."""
    source = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT or not source.exists():
        return gettext.NullTranslations()
    with source.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@cache
def _iso3166(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )
