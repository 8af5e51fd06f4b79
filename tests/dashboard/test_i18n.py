"""The dashboard in English, French and Spanish: the catalogues are complete and in step with the
code, numbers, dates and state names follow the language, and every page rendered in French or
Spanish shows no English word of the catalogue."""

from __future__ import annotations

import json
import re
import subprocess
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from dashboard.account import SIGNED_IN, SignedIn
from dashboard.api_models import KeyHolder
from dashboard.compute.formatting import number, status_label
from services.common.settings import PROJECT_ROOT
from tests.dashboard.test_pages import APP, PAGES, TIMEOUT
from tools.processes import python_module

TRANSLATED = ("fr", "es")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalogue(language: str) -> Catalog:
    path = i18n.LOCALE_DIR / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with path.open("rb") as po:
        return read_po(po, locale=language)


def forms(value: object) -> tuple[str, ...]:
    """A message's id or translation as its forms (one, or one per plural form)."""
    return tuple(str(v) for v in value) if isinstance(value, tuple | list) else (str(value),)


def messages(catalog: Catalog) -> set[tuple[str, ...]]:
    return {forms(message.id) for message in catalog if message.id}


@pytest.fixture
def language() -> Iterator[None]:
    yield
    i18n.use(i18n.DEFAULT)


def test_the_catalogues_hold_every_word_the_code_marks(tmp_path: Path) -> None:
    """`make messages` was run after the last change of words: extracting again finds the same."""
    extracted = tmp_path / "dashboard.pot"
    extract = ("-q", "extract", "-F", "dashboard/babel.cfg", "--no-location", "-o", str(extracted))
    subprocess.run(
        python_module("babel.messages.frontend", *extract, "."),
        cwd=PROJECT_ROOT,
        check=True,
    )
    with extracted.open("rb") as pot:
        marked = messages(read_po(pot))
    with (i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot").open("rb") as pot:
        assert messages(read_po(pot)) == marked, "run `make messages`"
    for language in TRANSLATED:
        assert messages(catalogue(language)) == marked, f"{language}: run `make messages`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_word_is_translated_with_its_placeholders(language: str) -> None:
    wrong = []
    for message in catalogue(language):
        if not message.id:
            continue
        ids, strings = forms(message.id), forms(message.string)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            if message.fuzzy or not string or set(PLACEHOLDER.findall(string)) != wanted:
                wrong.append((message.id, string))
    assert wrong == []


def test_numbers_dates_and_names_follow_the_language(language: None) -> None:
    i18n.use("fr")
    assert number(43_000_000, "mines") == "43\u202f000\u202f000 mines"
    assert number(2_000_000_000, "US$") == "2,0 milliards de dollars des États-Unis"
    assert i18n.day(date(2010, 6, 21)) == "21 juin 2010"
    assert i18n.day(date(2010, 6, 1)) == "1er juin 2010"
    assert i18n.state_name("DEU", "Germany") == "Allemagne"
    assert status_label(None) == i18n._("no record") != "no record"
    i18n.use("es")
    assert number(43_000, "mines") == "43.000 minas"
    assert i18n.day(date(2010, 6, 21)) == "21 de junio de 2010"
    assert i18n.state_name("DEU", "Germany") == "Alemania"
    i18n.use("en")
    assert number(43_000, "mines") == "43,000 mines"
    assert i18n.day(date(2010, 6, 21)) == "21 June 2010"
    # A name pycountry does not know stays as the records give it.
    i18n.use("fr")
    assert i18n.state_name("XKX", "Kosovo") == "Kosovo"
    i18n.use("klingon")
    assert i18n.language() == "en"


def test_each_run_keeps_its_own_language(language: None) -> None:
    """Two readers' runs at once, in two threads, each in its language."""
    seen: dict[str, str] = {}

    def run(code: str) -> None:
        i18n.use(code)
        barrier.wait()
        seen[code] = i18n._("Nothing to show.")

    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=run, args=(code,)) for code in TRANSLATED]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen["fr"] != seen["es"] != "Nothing to show."
    assert i18n.language() == "en"


# ---------------------------------------------------------------- every page, rendered


def english_words(language: str) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
    """The catalogue's English messages that read differently in `language`: those of three
    words or more to find anywhere in running text, the shorter ones to find as a whole label or
    line. A message whose translation reads the same ("Micronesia", "Action #{number}"), or
    without a word of four letters, is not looked for."""
    whole: list[re.Pattern[str]] = []
    phrases: list[re.Pattern[str]] = []
    for message in catalogue(language):
        if not message.id:
            continue
        translations = forms(message.string)
        for english in forms(message.id):
            pattern = re.compile(re.sub(r"\\\{\w+\\\}", lambda _: ".+?", re.escape(english)))
            if any(pattern.fullmatch(PLACEHOLDER.sub("x", t)) for t in translations):
                continue
            words = PLACEHOLDER.sub("", english).split()
            if not any(len(word) >= 4 for word in words):
                continue  # "{parties} of {states}" would find any line with " of " in it
            (phrases if len(words) >= 3 else whole).append(pattern)
    return whole, phrases


# A quotation of an English source (a section of the brochure named in a source line) is the
# source's own words, not the dashboard's.
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")


def chart_words(spec: str) -> list[str]:
    """The words a Plotly figure shows: trace names, hover texts, axis and colour bar titles,
    annotations, a heatmap's column names."""
    figure = json.loads(spec)
    found: list[str] = []
    for trace in figure.get("data", []):
        found += [trace.get("name") or "", trace.get("hovertemplate") or ""]
        if trace.get("type") == "heatmap":
            found += [str(x) for x in trace.get("x", [])]
        found.append(str(trace.get("colorbar", {}).get("title", {}).get("text", "")))
    layout = figure.get("layout", {})
    for axis in ("xaxis", "yaxis"):
        found.append(str(layout.get(axis, {}).get("title", {}).get("text", "")))
    found += [str(note.get("text", "")) for note in layout.get("annotations", [])]
    return [word for word in found if word]


def shown_words(app: AppTest) -> tuple[list[str], list[str], list[str]]:
    """What a rendered page shows: its labels, its tables' cells, its running text."""
    labels = [
        str(getattr(e, "label", ""))
        for kind in ("metric", "expander", "button")
        for e in app.get(kind)
    ]
    labels += [
        str(w.label)
        for kind in (
            "selectbox",
            "radio",
            "multiselect",
            "slider",
            "date_input",
            "text_input",
            "text_area",
        )
        for w in getattr(app, kind)
    ]
    labels += [str(b.proto.label) for b in app.get("download_button")]
    labels += [str(getattr(u, "label", "")) for u in app.get("file_uploader")]
    labels += [str(column) for frame in app.dataframe for column in frame.value.columns]
    # A table's cells of words: a status, a yes or no, a kind of date (looked for whole only:
    # a cell may hold the records' own words, an event's title).
    cells = [
        cell
        for frame in app.dataframe
        for column in frame.value.columns
        for cell in {str(value) for value in frame.value[column] if isinstance(value, str)}
    ]
    text = [
        str(e.value)
        for kind in ("title", "header", "subheader", "markdown", "caption")
        for e in getattr(app, kind)
    ]
    text += [str(e.value) for kind in ("info", "warning", "error") for e in getattr(app, kind)]
    text += [str(m.value) for m in app.metric]
    for chart in app.get("plotly_chart"):
        words = chart_words(chart.proto.spec)
        labels += words
        text += words
    return labels, cells, text


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_no_english_word_of_the_catalogue(
    dashboard_settings: dict, language: str, page: str
) -> None:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.query_params["lang"] = language
    app.run()
    app.switch_page(f"screens/{page}.py").run()
    assert_no_english_word(app, language)
    # The language stays in the address, so a link opens the same view in it.
    assert app.query_params["lang"] in (language, [language])


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_forms_of_a_signed_in_reader_show_no_english_word(
    dashboard_settings: dict, language: str
) -> None:
    """The Record page as an administrator sees it: the commitment form, the upload, the
    assessment form (the key is not asked for again: nothing is written here)."""
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.query_params["lang"] = language
    holder = KeyHolder(key_id="k_test", role="admin", state=None)
    app.session_state[SIGNED_IN] = SignedIn(key="not used: nothing is written", holder=holder)
    app.run()
    app.switch_page("screens/record.py").run()
    assert len(app.get("form")) >= 2  # a commitment, an assessment
    assert_no_english_word(app, language)


def assert_no_english_word(app: AppTest, language: str) -> None:
    """The rendered page drew whole and shows no English message of the catalogue."""
    assert not app.exception, [e.value for e in app.exception]
    assert not app.warning, "a service did not answer: the page is not all drawn"
    english_wholes, english_phrases = english_words(language)
    labels, cells, text = shown_words(app)
    assert len(labels) + len(text) > 5
    # Each line of the running text too, without its Markdown ("- ", "**…**").
    lines = (
        labels
        + cells
        + [
            line.strip().removeprefix("- ").strip("*")
            for part in text
            for line in part.splitlines()
        ]
    )
    left_in_english = {
        line for line in lines for pattern in english_wholes if pattern.fullmatch(line)
    }
    left_in_english |= {
        part
        for part in (QUOTED.sub("", part) for part in text + labels)
        for pattern in english_phrases
        if pattern.search(part)
    }
    assert left_in_english == set()
