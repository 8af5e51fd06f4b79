"""The meeting progress report, as the committee downloads it from the running services: a PDF
in each language whose headings, figures and dates are what the records and the calendar say."""

from __future__ import annotations

import io

import httpx
import pypdf
import pypdfium2
import pytest
from babel.numbers import format_decimal

from services.common.settings import PROJECT_ROOT
from services.parties.progress_report.phrases import WORDS
from tests.served import Services

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "report"
HEADINGS = {
    "en": ["progress report", "The aims of the Convention", "Universalization",
           "The actions and the committee's latest assessment",
           "Deadlines due before the next meeting", "States with extension requests pending"],
    "fr": ["rapport d'avancement", "Les objectifs de la Convention", "Universalisation",
           "Les actions et la dernière évaluation du comité",
           "Échéances avant la prochaine réunion",
           "États ayant une demande de prolongation en attente"],
    "es": ["informe de progreso", "Los objetivos de la Convención", "Universalización",
           "Las acciones y la última evaluación del comité",
           "Plazos que vencen antes de la próxima reunión",
           "Estados con solicitudes de prórroga pendientes"],
}  # fmt: skip
PARTIES_LABEL = {"en": "States Parties", "fr": "États parties", "es": "Estados partes"}


def report(services: Services, **params: str) -> httpx.Response:
    url = f"{services.urls['parties']}/reports/progress.pdf"
    return httpx.get(url, params=params, timeout=60)


def text_of(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """The text with its line breaks and no-break spaces as plain spaces."""
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_the_report_reads_in_each_language_and_shows_the_summary_s_figures(
    services: Services, lang: str
) -> None:
    answer = report(services, lang=lang)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(answer.content))
    assert len(reader.pages) >= 3
    assert reader.metadata is not None
    assert reader.metadata.author == "Cartagena Monitor"
    assert HEADINGS[lang][0] in (reader.metadata.title or "")
    text = flat(text_of(answer.content))
    for heading in HEADINGS[lang]:
        assert heading in text, (lang, heading)
    summary = httpx.get(f"{services.urls['parties']}/summary").json()
    parties = format_decimal(summary["universalization"]["parties"]["value"], locale=lang)
    assert f"{PARTIES_LABEL[lang]} {parties} " in text
    destroying = summary["stockpile_destruction"]["still_destroying"]["value"]
    assert f" {format_decimal(destroying, locale=lang)} " in text


def test_the_report_for_a_coming_meeting_lists_what_falls_due_before_it(
    services: Services,
) -> None:
    events = httpx.get(
        f"{services.urls['reminders']}/events", params={"kind": "standing_committees"}
    ).json()["items"]
    june = next(e for e in events if e["start"] == "2010-06-21")
    text = flat(text_of(report(services, meeting=str(june["id"])).content))
    # The meeting has not begun (the services' day is 1 May 2010): the report is as of today.
    assert "As of 1 May 2010" in text
    assert f"For the {june['title']}, 21 June 2010 – 25 June 2010" in text
    assert "Due after 1 May 2010 and up to the" in text
    assert "Ukraine Article 4: stockpile destruction 1 June 2010 due soon" in text


def test_a_report_as_of_an_earlier_day_lists_the_deadlines_before_the_next_meeting(
    services: Services,
) -> None:
    text = flat(text_of(report(services, as_of="2010-04-15", lang="fr").content))
    assert "Au 15 avril 2010" in text
    # Nicaragua's Article 5 deadline (1 May 2010) falls before the June meetings.
    assert "Nicaragua Article 5 : déminage des zones minées 1 mai 2010" in text


def test_as_of_and_meeting_together_or_a_day_after_today_are_refused(services: Services) -> None:
    both = report(services, as_of="2010-04-15", meeting="1")
    later = report(services, as_of="2030-01-01")
    unknown = report(services, lang="de")
    for answer in (both, later, unknown):
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"


def test_the_first_page_renders_as_an_image(services: Services) -> None:
    document = pypdfium2.PdfDocument(report(services, lang="es").content)
    image = document[0].render(scale=1.5).to_pil()
    assert image.width > 800 and image.height > image.width
    low, high = image.convert("L").getextrema()
    assert high - low > 100  # ink on paper, not a blank page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image.save(ARTIFACTS / "progress-report-es.png")


def test_every_language_has_every_phrase() -> None:
    english = set(WORDS["en"])
    assert {language: set(words) ^ english for language, words in WORDS.items()} == {
        "en": set(),
        "fr": set(),
        "es": set(),
    }
