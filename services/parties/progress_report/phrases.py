"""The words of the progress report in English, French and Spanish, and the states' names in
each (pycountry's translations of ISO 3166). Numbers and dates are Babel's, in the same locale.

The 67 actions are cited by number only: their text stays in the language of the adopted plan.
"""

from __future__ import annotations

import gettext
from datetime import date
from functools import cache

import pycountry
from babel.dates import format_date
from babel.numbers import format_decimal

# Babel's locale for each language; UN style writes "21 June 2010", not "June 21, 2010".
LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES"}

# The qualifiers and units the recorded figures carry (services/parties/data/figures.csv), in
# French and Spanish; a term not listed is shown as recorded.
TERMS: dict[str, dict[str, str]] = {
    "fr": {
        "more than": "plus de",
        "over": "plus de",
        "approximately": "environ",
        "mines": "mines",
        "States Parties": "États parties",
        "States": "États",
        "US$": "USD",
    },
    "es": {
        "more than": "más de",
        "over": "más de",
        "approximately": "aproximadamente",
        "mines": "minas",
        "States Parties": "Estados partes",
        "States": "Estados",
        "US$": "USD",
    },
}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Cartagena Action Plan 2010–2014: progress report",
        "as_of": "As of {day}",
        "prepared": (
            "Prepared by Cartagena Monitor from its records on {day}. Every figure says how it "
            "is known: recorded, with its source, or derived from the records, by the rule given."
        ),
        "for_meeting": "For the {meeting}, {dates}",
        "aims": "The aims of the Convention",
        "universalization": "Universalization",
        "stockpile_destruction": "Stockpile destruction",
        "clearance": "Clearance of mined areas",
        "victim_assistance": "Victim assistance",
        "figure": "Figure",
        "value": "Value",
        "basis": "How it is known",
        "recorded": "Recorded: {source}",
        "derived": "Derived: {rule}",
        "not_recorded": "Not recorded",
        "parties": "States Parties",
        "non_parties": "States not party",
        "states": "States",
        "no_longer_holding": "States Parties no longer holding stockpiles",
        "still_destroying": "States Parties still destroying stockpiles",
        "destroyed_total": "Stockpiled mines destroyed",
        "reported_mined_areas": "States Parties that reported mined areas",
        "completed": "of which completed clearance",
        "in_progress": "of which clearance in progress",
        "extensions_granted": "Article 5 extensions granted",
        "extension_requests_pending": "Extension requests pending",
        "significant_survivors": "States Parties with significant numbers of survivors",
        "funding_since_2004": "Funding for victim assistance since 2004",
        "changes": "What changed since the previous meeting",
        "changes_since": "Since the end of the {meeting} ({day}): {count} change(s) recorded.",
        "changes_since_start": "Since the records began ({day}): {count} change(s) recorded.",
        "changes_none": "No change was recorded in this period.",
        "changes_more": "… and {count} more (GET /changes lists them all).",
        "actions": "The actions and the committee's latest assessment",
        "action": "Action",
        "section": "Section",
        "assessment": "Latest assessment",
        "assessed_on": "Assessed on",
        "no_assessment": "No record",
        "deadlines": "Deadlines due before the next meeting",
        "deadlines_until": "Due after {day} and up to the {meeting}, which begins on {start}.",
        "deadlines_no_meeting": "No next meeting is on the calendar: deadlines due by {day}.",
        "deadlines_none": "No deadline falls in this period.",
        "state": "State",
        "deadline": "Deadline",
        "due": "Due",
        "status": "Status",
        "requests": "States with extension requests pending",
        "requests_none": "No extension request is pending.",
        "unavailable": "Not available: the {service} service did not answer ({reason}).",
        "page": "Page {number}",
        "on_track": "on track",
        "some_progress": "some progress",
        "off_track": "off track",
        "not_assessed": "not assessed",
        "met": "met",
        "pending": "pending",
        "due_soon": "due soon",
        "overdue": "overdue",
        "unknown": "unknown",
        "article4_stockpile_destruction": "Article 4: stockpile destruction",
        "article5_clearance": "Article 5: clearance of mined areas",
        "article7_initial_report": "Article 7: initial report",
        "article7_annual_report": "Article 7: annual report",
        "action14_mined_area_perimeters": "Action 14: perimeters of mined areas",
        "action34_national_plans": "Action 34: national plans",
    },
    "fr": {
        "title": "Plan d'action de Carthagène 2010–2014 : rapport d'avancement",
        "as_of": "Au {day}",
        "prepared": (
            "Établi par Cartagena Monitor à partir de ses données le {day}. Chaque chiffre dit "
            "d'où il vient : consigné, avec sa source, ou déduit des données, selon la règle "
            "indiquée."
        ),
        "for_meeting": "Pour la réunion « {meeting} », {dates}",
        "aims": "Les objectifs de la Convention",
        "universalization": "Universalisation",
        "stockpile_destruction": "Destruction des stocks",
        "clearance": "Déminage des zones minées",
        "victim_assistance": "Assistance aux victimes",
        "figure": "Donnée",
        "value": "Valeur",
        "basis": "D'où elle vient",
        "recorded": "Consignée : {source}",
        "derived": "Déduite : {rule}",
        "not_recorded": "Non consignée",
        "parties": "États parties",
        "non_parties": "États non parties",
        "states": "États",
        "no_longer_holding": "États parties ne détenant plus de stocks",
        "still_destroying": "États parties détruisant encore leurs stocks",
        "destroyed_total": "Mines stockées détruites",
        "reported_mined_areas": "États parties ayant signalé des zones minées",
        "completed": "dont déminage achevé",
        "in_progress": "dont déminage en cours",
        "extensions_granted": "Prolongations accordées (article 5)",
        "extension_requests_pending": "Demandes de prolongation en attente",
        "significant_survivors": "États parties comptant un nombre important de survivants",
        "funding_since_2004": "Financement de l'assistance aux victimes depuis 2004",
        "changes": "Ce qui a changé depuis la réunion précédente",
        "changes_since": (
            "Depuis la fin de la réunion « {meeting} » ({day}) : {count} modification(s) "
            "consignée(s)."
        ),
        "changes_since_start": (
            "Depuis le début des données ({day}) : {count} modification(s) consignée(s)."
        ),
        "changes_none": "Aucune modification n'a été consignée pendant cette période.",
        "changes_more": "… et {count} de plus (GET /changes les énumère toutes).",
        "actions": "Les actions et la dernière évaluation du comité",
        "action": "Action",
        "section": "Section",
        "assessment": "Dernière évaluation",
        "assessed_on": "Évaluée le",
        "no_assessment": "Aucune donnée",
        "deadlines": "Échéances avant la prochaine réunion",
        "deadlines_until": (
            "Échues après le {day} et jusqu'à la réunion « {meeting} », qui s'ouvre le {start}."
        ),
        "deadlines_no_meeting": (
            "Aucune réunion suivante n'est au calendrier : échéances jusqu'au {day}."
        ),
        "deadlines_none": "Aucune échéance ne tombe pendant cette période.",
        "state": "État",
        "deadline": "Échéance",
        "due": "Date",
        "status": "Situation",
        "requests": "États ayant une demande de prolongation en attente",
        "requests_none": "Aucune demande de prolongation n'est en attente.",
        "unavailable": "Indisponible : le service {service} n'a pas répondu ({reason}).",
        "page": "Page {number}",
        "on_track": "en bonne voie",
        "some_progress": "quelques progrès",
        "off_track": "en retard",
        "not_assessed": "non évaluée",
        "met": "respectée",
        "pending": "à venir",
        "due_soon": "proche",
        "overdue": "dépassée",
        "unknown": "inconnue",
        "article4_stockpile_destruction": "Article 4 : destruction des stocks",
        "article5_clearance": "Article 5 : déminage des zones minées",
        "article7_initial_report": "Article 7 : rapport initial",
        "article7_annual_report": "Article 7 : rapport annuel",
        "action14_mined_area_perimeters": "Action 14 : périmètre des zones minées",
        "action34_national_plans": "Action 34 : plans nationaux",
    },
    "es": {
        "title": "Plan de Acción de Cartagena 2010–2014: informe de progreso",
        "as_of": "Al {day}",
        "prepared": (
            "Preparado por Cartagena Monitor a partir de sus registros el {day}. Cada cifra dice "
            "cómo se conoce: registrada, con su fuente, o derivada de los registros, según la "
            "regla indicada."
        ),
        "for_meeting": "Para la reunión «{meeting}», {dates}",
        "aims": "Los objetivos de la Convención",
        "universalization": "Universalización",
        "stockpile_destruction": "Destrucción de existencias",
        "clearance": "Limpieza de zonas minadas",
        "victim_assistance": "Asistencia a las víctimas",
        "figure": "Cifra",
        "value": "Valor",
        "basis": "Cómo se conoce",
        "recorded": "Registrada: {source}",
        "derived": "Derivada: {rule}",
        "not_recorded": "No registrada",
        "parties": "Estados partes",
        "non_parties": "Estados no partes",
        "states": "Estados",
        "no_longer_holding": "Estados partes que ya no poseen existencias",
        "still_destroying": "Estados partes que aún destruyen existencias",
        "destroyed_total": "Minas almacenadas destruidas",
        "reported_mined_areas": "Estados partes que informaron de zonas minadas",
        "completed": "de los cuales terminaron la limpieza",
        "in_progress": "de los cuales la limpieza sigue en curso",
        "extensions_granted": "Prórrogas concedidas (artículo 5)",
        "extension_requests_pending": "Solicitudes de prórroga pendientes",
        "significant_survivors": "Estados partes con un número importante de supervivientes",
        "funding_since_2004": "Financiación de la asistencia a las víctimas desde 2004",
        "changes": "Qué cambió desde la reunión anterior",
        "changes_since": (
            "Desde el final de la reunión «{meeting}» ({day}): {count} cambio(s) registrado(s)."
        ),
        "changes_since_start": (
            "Desde el inicio de los registros ({day}): {count} cambio(s) registrado(s)."
        ),
        "changes_none": "No se registró ningún cambio en este período.",
        "changes_more": "… y {count} más (GET /changes los enumera todos).",
        "actions": "Las acciones y la última evaluación del comité",
        "action": "Acción",
        "section": "Sección",
        "assessment": "Última evaluación",
        "assessed_on": "Evaluada el",
        "no_assessment": "Sin registro",
        "deadlines": "Plazos que vencen antes de la próxima reunión",
        "deadlines_until": (
            "Vencen después del {day} y hasta la reunión «{meeting}», que comienza el {start}."
        ),
        "deadlines_no_meeting": (
            "No hay una próxima reunión en el calendario: plazos que vencen hasta el {day}."
        ),
        "deadlines_none": "Ningún plazo vence en este período.",
        "state": "Estado",
        "deadline": "Plazo",
        "due": "Vence",
        "status": "Situación",
        "requests": "Estados con solicitudes de prórroga pendientes",
        "requests_none": "No hay ninguna solicitud de prórroga pendiente.",
        "unavailable": "No disponible: el servicio {service} no respondió ({reason}).",
        "page": "Página {number}",
        "on_track": "en buen camino",
        "some_progress": "algunos avances",
        "off_track": "con retraso",
        "not_assessed": "sin evaluar",
        "met": "cumplido",
        "pending": "por vencer",
        "due_soon": "próximo",
        "overdue": "vencido",
        "unknown": "desconocido",
        "article4_stockpile_destruction": "Artículo 4: destrucción de existencias",
        "article5_clearance": "Artículo 5: limpieza de zonas minadas",
        "article7_initial_report": "Artículo 7: informe inicial",
        "article7_annual_report": "Artículo 7: informe anual",
        "action14_mined_area_perimeters": "Acción 14: perímetro de las zonas minadas",
        "action34_national_plans": "Acción 34: planes nacionales",
    },
}


class Words:
    """The report's words, numbers, dates and state names in one language."""

    def __init__(self, language: str) -> None:
        self.language = language if language in WORDS else "en"
        self._words = WORDS[self.language]
        self._locale = LOCALES[self.language]

    def __call__(self, key: str, **values: object) -> str:
        """The phrase `key`, filled in; a key the language lacks reads as the key itself."""
        return self._words.get(key, key).format(**values)

    def term(self, value: str) -> str:
        """A recorded figure's qualifier or unit in the language, else as recorded."""
        return TERMS.get(self.language, {}).get(value, value)

    def day(self, value: date) -> str:
        """A date in the long form of the language ("1 June 2010", "1 juin 2010")."""
        return format_date(value, format="long", locale=self._locale)

    def number(self, value: float) -> str:
        """A number with the language's separators ("156", "1,004" / "1 004")."""
        # Babel's French groups with a narrow no-break space, which the PDF's standard fonts
        # lack: the no-break space they have reads the same.
        return format_decimal(value, locale=self._locale).replace("\u202f", "\u00a0")

    def state(self, iso3: str, name: str) -> str:
        """A state's name in the language: pycountry's translation of its ISO 3166 name, else
        the name the records give."""
        if self.language == "en":
            return name
        country = pycountry.countries.get(alpha_3=iso3)
        if country is None:
            return name
        translated = _iso3166(self.language).gettext(country.name)
        return translated or name


@cache
def _iso3166(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )
