"""Event titles and dates in the recipient's language (English, French, Spanish).

Only the titles the service itself writes are translated, while they read as it wrote them: the
seed's important dates and the deadlines it mirrors from the parties service (by kind). A title
an administrator wrote, or changed, is shown as recorded: no guess is made at what it means. A
state's name stays as the parties service records it, a proper name in every language.
"""

from __future__ import annotations

import functools
from datetime import date

from babel.dates import format_date

from services.reminders.models import Event

# Babel's locale for each language a recipient may choose; UN style writes "21 June 2010".
LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES"}

# The seed's important dates (services/reminders/seed.py), by natural key.
SEEDED = {
    "seed:2010-03-01:entry-into-force-anniversary": {
        "fr": "Onzième anniversaire de l'entrée en vigueur de la Convention",
        "es": "Undécimo aniversario de la entrada en vigor de la Convención",
    },
    "seed:2010-03-31:article5-extension-requests": {
        "fr": "Date limite suggérée aux États parties dont l'échéance au titre de l'article 5 "
        "tombe en 2011 pour présenter leurs demandes de prolongation du délai nécessaire à la "
        "destruction de toutes les mines antipersonnel dans les zones minées",
        "es": "Plazo sugerido a los Estados Partes con plazos del artículo 5 en 2011 para "
        "presentar sus solicitudes de prórroga del plazo necesario para destruir todas las "
        "minas antipersonal en las zonas minadas",
    },
    "seed:2010-04-30:article7-reports": {
        "fr": "Date limite de présentation par les États parties des rapports de transparence "
        "au titre de l'article 7 portant sur l'année civile 2009",
        "es": "Plazo para que los Estados Partes presenten los informes de transparencia del "
        "artículo 7 correspondientes al año civil 2009",
    },
    "deadline:NIC:article5_clearance": {
        "fr": "Date limite pour le Nicaragua de déminer toutes les zones contenant des mines "
        "antipersonnel",
        "es": "Plazo para que Nicaragua limpie todas las zonas que contienen minas antipersonal",
    },
    "deadline:UKR:article4_stockpile_destruction": {
        "fr": "Date limite pour l'Ukraine de détruire ses stocks de mines antipersonnel",
        "es": "Plazo para que Ucrania destruya sus existencias de minas antipersonal",
    },
    "seed:2010-06-21:standing-committees": {
        "fr": "Réunions des Comités permanents établis par les États parties à la Convention",
        "es": "Reuniones de los Comités Permanentes establecidos por los Estados Partes en la "
        "Convención",
    },
    "seed:2010-11-29:tenth-meeting-of-the-states-parties": {
        "fr": "Dixième Assemblée des États parties",
        "es": "Décima Reunión de los Estados Partes",
    },
}


@functools.cache
def seeded_in_english() -> dict[str, str]:
    """What the seed wrote in English: a seeded title translates only while it still reads so."""
    # Imported here: the seed's module reaches the channels, which reach the digest and this.
    from services.reminders.seed import IMPORTANT_DATES_2010

    return {key: title for key, _, _, _, title, _, _ in IMPORTANT_DATES_2010}


# The deadlines mirrored from the parties service (services/reminders/sync.py), by kind.
DEADLINES = {
    "article4_stockpile_destruction": {
        "fr": "{name} : date limite de destruction des stocks de mines antipersonnel (article 4)",
        "es": "{name}: plazo para destruir las existencias de minas antipersonal (artículo 4)",
    },
    "article5_clearance": {
        "fr": "{name} : date limite de déminage des zones minées (article 5)",
        "es": "{name}: plazo para limpiar las zonas minadas (artículo 5)",
    },
    "article7_initial_report": {
        "fr": "{name} : rapport initial de transparence attendu (article 7.1)",
        "es": "{name}: informe inicial de transparencia pendiente (artículo 7.1)",
    },
    "article7_annual_report": {
        "fr": "{name} : rapport de transparence portant sur {year} attendu (article 7.2)",
        "es": "{name}: informe de transparencia correspondiente a {year} pendiente (artículo 7.2)",
    },
    "action14_mined_area_perimeters": {
        "fr": "{name} : périmètres des zones minées identifiés et communiqués (Plan d'action "
        "de Carthagène, action no 14)",
        "es": "{name}: perímetros de las zonas minadas identificados y comunicados (Plan de "
        "Acción de Cartagena, acción n.º 14)",
    },
    "action34_national_plans": {
        "fr": "{name} : plans nationaux élaborés ou mis à jour et ressources recensées (Plan "
        "d'action de Carthagène, action no 34)",
        "es": "{name}: planes nacionales elaborados o actualizados y recursos determinados (Plan "
        "de Acción de Cartagena, acción n.º 34)",
    },
}


def day_in(language: str, day: date) -> str:
    """A day written in the language, e.g. "21 juin 2010"."""
    return format_date(day, format="long", locale=LOCALES.get(language, LOCALES["en"]))


def title_in(language: str, event: Event, english_deadlines: dict[str, str]) -> str:
    """The event's title in the language, if the service wrote it; else as recorded.

    `english_deadlines` are the English templates the sync wrote the title from (by kind): a
    deadline's title is translated only while it still reads as the sync wrote it.
    """
    if language == "en":
        return event.title
    seeded = SEEDED.get(event.key, {}).get(language)
    if seeded is not None and seeded_in_english().get(event.key) == event.title:
        return seeded
    return _deadline_title(language, event, english_deadlines) or event.title


def _deadline_title(language: str, event: Event, english: dict[str, str]) -> str | None:
    parts = event.key.split(":")
    if parts[0] != "deadline" or len(parts) not in (3, 4) or event.iso3 is None:
        return None
    kind, year = parts[2], (parts[3] if len(parts) == 4 else "")
    template = DEADLINES.get(kind, {}).get(language)
    if template is None or kind not in english:
        return None
    name = event.title.partition(": ")[0]
    if english[kind].format(name=name, year=year) != event.title:
        return None  # changed since the sync wrote it: shown as recorded
    return template.format(name=name, year=year)
