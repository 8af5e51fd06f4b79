"""Build the parties service's seed tables (services/parties/data/*.csv) from their sources.

Inputs, all given on the command line so the tables can be rebuilt anywhere:

    --facts DIR          the reference facts of early 2010: states_parties_2010.csv,
                         non_parties_2010.csv, article5_deadlines_2010.csv,
                         article4_deadlines_2010.csv
    --brochure PATH      the seed brochure (docs/sources/isu-brochure-2010.txt)
    --country-data PATH  country_data.tsv of the PyPI package country_converter 1.3.2
                         (UN M49 regions, EU 2007-2013 members, UN admission years)

Usage, from the repository root:

    python tools/build_parties_data.py --facts DIR --country-data TSV
    python tools/build_parties_data.py --facts DIR --country-data TSV --check

`--check` writes nothing and exits 1 when a committed table differs from what the sources give.
Every count and rule in services/parties/data/README.md is checked before anything is written;
a failed check stops the script with exit code 2 instead of writing a plausible but wrong table.
Only the standard library and pycountry are used.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pycountry

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BROCHURE = REPO_ROOT / "docs/sources/isu-brochure-2010.txt"
DEFAULT_OUT = REPO_ROOT / "services/parties/data"

# --- Expected sizes: the seed's own figures (see the README for where each is stated). ---
N_STATES, N_PARTIES, N_NON_PARTIES = 195, 156, 39
N_UN_MEMBERS_2010 = 192
N_ARTICLE5, N_ARTICLE5_CHARTED, N_ARTICLE5_COMPLETED = 54, 38, 16
N_EXT_9MSP, N_EXT_2RC = 15, 4
N_VICTIM_ASSISTANCE, N_ARTICLE4 = 26, 4
N_EU_2010 = 27

# --- Seed references, in the repository's `seed: "<heading>", <part>` form. ---
SEED_PARTIES = 'seed: "2. Which States have joined the Convention?", ' + (
    '"States Parties to the AP Mine Ban Convention"'
)
SEED_JOINED = 'seed: "1. What is the AP Mine Ban Convention?", "How many countries have joined?"'
SEED_CHALLENGES = 'seed: "1. What is the AP Mine Ban Convention?", "Challenges that remain"'
SEED_VA = (
    'seed: "6. Assisting the victims", '
    '"States Parties with significant numbers of landmine survivors"'
)
SEED_COMPLETED = 'seed: "5. Clearing mined areas", "Progress made" (16 that fulfilled clearance)'
SEED_CLEARANCE_CHART = (
    'seed: "5. Clearing mined areas", "Deadlines for the clearance of mined areas"'
)
SEED_STOCKPILE_CHART = 'seed: "4. Destroying stockpiled mines", ' + (
    '"Deadlines for the destruction of stockpiled anti-personnel mines"'
)
FACTS_NON_PARTIES = "reference facts: States not party in early 2010"

# The seed names these non-parties itself; only for them is non-party status verified.
SEED_NAMED_NON_PARTIES: dict[str, tuple[str, str]] = {
    "CUB": ("Cuba", SEED_JOINED),
    "USA": ("United States", SEED_JOINED + "; " + SEED_CHALLENGES),
    "SOM": ("Somalia", SEED_JOINED),
    "FIN": ("Finland", SEED_JOINED),
    "POL": ("Poland", SEED_JOINED),
    "CHN": ("China", SEED_CHALLENGES),
    "IND": ("India", SEED_CHALLENGES),
    "KOR": ("Republic of Korea", SEED_CHALLENGES),
    "PAK": ("Pakistan", SEED_CHALLENGES),
    "RUS": ("Russia", SEED_CHALLENGES),
}

# --- Names: pycountry's common_name, else its ISO 3166 short name, except where that form is
# ambiguous ("Congo", "Micronesia" is also an M49 sub-region), inverted ("X, Y of") or
# colloquial ("South Korea"): there the United Nations' short form is used. ---
NAME_OVERRIDES = {
    "COD": "Democratic Republic of the Congo",
    "COG": "Republic of the Congo",
    "FSM": "Federated States of Micronesia",
    "KOR": "Republic of Korea",
    "PRK": "Democratic People's Republic of Korea",
    "VAT": "Holy See",
}

# --- Regions. ---
M49_URL = "https://unstats.un.org/unsd/methodology/m49/"
COUNTRY_CONVERTER = "country_converter 1.3.2 country_data.tsv"
EU_URL = "https://ec.europa.eu/regional_policy/en/policy/what/glossary/e/enlargment"
UN_192_URL = "https://unis.unvienna.org/unis/en/pressrels/2006/ga10479.html"
CIS_CHARTER_URL = (
    "https://en.wikipedia-on-ipfs.org/wiki/Member_states_of_the_Commonwealth_of_Independent_States"
)
CIS_FACTBOOK_URL = "http://defmean.com/23-commonwealth-of-independent-states-cis/"
# M49 sub-regions (and the intermediate regions country_converter uses for Africa and the
# Americas) to M49 regions: the region is derived from the sub-region so the two always agree.
M49_REGION_OF = {
    "Northern Africa": "Africa",
    "Eastern Africa": "Africa",
    "Middle Africa": "Africa",
    "Southern Africa": "Africa",
    "Western Africa": "Africa",
    "Caribbean": "Americas",
    "Central America": "Americas",
    "South America": "Americas",
    "Northern America": "Americas",
    "Central Asia": "Asia",
    "Eastern Asia": "Asia",
    "South-eastern Asia": "Asia",
    "Southern Asia": "Asia",
    "Western Asia": "Asia",
    "Eastern Europe": "Europe",
    "Northern Europe": "Europe",
    "Southern Europe": "Europe",
    "Western Europe": "Europe",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
}
CONTINENT_TO_M49 = {"America": "Americas"}
# CIS in early 2010. country_converter's CIS column lists only 8 (it lacks Kyrgyzstan, a Charter
# member since 1994), so the table below is used and the column is only cross-checked.
CIS_CHARTER_MEMBERS = frozenset({"ARM", "AZE", "BLR", "KAZ", "KGZ", "MDA", "RUS", "TJK", "UZB"})
CIS_NOTES = {
    "TKM": "associate member since 26 Aug 2005 (Charter not ratified), counted as a member",
    "UKR": "founding, participating state that never ratified the Charter, counted as a member",
    "GEO": "withdrew in August 2009, before early 2010, not counted",
}
CIS_MEMBERS_2010 = CIS_CHARTER_MEMBERS | {"TKM", "UKR"}
CIS_RULE = "the 9 Charter members, associate Turkmenistan and participating Ukraine; not Georgia"

# --- Article 5 extensions: where and when they were granted. ---
GRANTED_AT = {
    "9MSP 2008": ("Ninth Meeting of the States Parties (Geneva, 2008)", date(2008, 11, 28)),
    "2RC Cartagena 2009": ("Second Review Conference (Cartagena, 2009)", date(2009, 12, 4)),
}
MEETING_SOURCE = {
    "9MSP 2008": "granted_on = last day of the 9MSP (Geneva, 24-28 Nov 2008; requests decided "
    "Friday 28 Nov 2008: https://old.apminebanconvention.org/meetings-of-the-states-parties/"
    "9msp/how-did-delegations-prepare/)",
    "2RC Cartagena 2009": 'granted_on = last day of the Cartagena Summit (seed: "1. What is the '
    'AP Mine Ban Convention?": 30 November to 4 December 2009)',
}

# --- Article 7: the one State Party without an initial report (the seed gives only "one"). ---
ARTICLE7_DAYS = 180
ARTICLE7_SOURCE = (
    'seed: "7. Other important matters for achieving the aims of the Convention", "Progress '
    'made" (Transparency: "With the exception of one"); ICBL statement on transparency, Tenth '
    "Meeting of the States Parties, 2 Dec 2010 (http://www.icbl.org/index.php/icbl/Treaty/MBT/"
    'Annual-Meetings/10MSP/transparency: "Equatorial Guinea now stands as the only State Party '
    'to have never submitted a report. Its initial report was due in August 1999."); ISU press '
    "release 2014 (https://www.apminebanconvention.org/newsroom/press-release-archives/"
    "archives-2014/detail/article/1410180866-equatorial-guinea-submits-its-first-report-to-the-"
    "anti-personnel-mine-ban-convention-ov/: initial report submitted 7 July 2014, due 27 August "
    "1999); initial_report_due = entry into force + 180 days (Article 7.1)"
)
ARTICLE7_MISSING = "GNQ"

# --- Chart discrepancies the facts document (seed chart value -> value used). ---
KNOWN_CHART_ONLY = Counter({date(2020, 1, 1): 1, date(2014, 5, 1): 1})
KNOWN_FACTS_ONLY = Counter({date(2020, 3, 1): 1, date(2014, 3, 1): 1})

MONTHS = {
    "January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7,
    "August": 8, "September": 9, "October": 10, "November": 11, "December": 12,
    "Nov.": 11,
}  # fmt: skip
# Dates in the flattened charts; years may run into the next day ("1 March 20191 March 2009").
CHART_DATE_RE = re.compile(r"(\d{1,2}) ([A-Z][a-z]+\.?) (\d{4})")
# The longest row label in the charts is "United Kingdom"; captions are far longer.
MAX_LABEL = 40


class CheckError(Exception):
    """A source or a derived table breaks a rule the tables promise."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckError(message)


# ----------------------------------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------------------------------


def read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def iso(value: str) -> date:
    return date.fromisoformat(value)


@dataclass(frozen=True)
class Facts:
    parties: list[dict[str, str]]
    non_parties: list[dict[str, str]]
    article5: list[dict[str, str]]
    article4: list[dict[str, str]]


def read_facts(directory: Path) -> Facts:
    return Facts(
        parties=read_csv(directory / "states_parties_2010.csv"),
        non_parties=read_csv(directory / "non_parties_2010.csv"),
        article5=read_csv(directory / "article5_deadlines_2010.csv"),
        article4=read_csv(directory / "article4_deadlines_2010.csv"),
    )


def read_country_data(path: Path) -> dict[str, dict[str, str]]:
    return {row["ISO3"]: row for row in read_csv(path, delimiter="\t")}


# ----------------------------------------------------------------------------------------------
# The brochure: lists and charts. The text is a PDF extraction, so lists are read by their
# layout (one name a line, single capital letters as index headings) between fixed headings.
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Brochure:
    parties: list[str]
    completed: list[str]
    victim_assistance: list[str]
    clearance_chart_names: list[str]
    clearance_chart_dates: list[date]
    stockpile_chart_names: list[str]
    stockpile_chart_dates: list[date]


def index_of(lines: Sequence[str], text: str, start: int = 0) -> int:
    for i in range(start, len(lines)):
        if lines[i].strip() == text:
            return i
    raise CheckError(f"brochure: heading {text!r} not found after line {start + 1}")


def names_between(lines: Sequence[str], start: int, end: int) -> list[str]:
    """Names one a line, skipping blanks and the index letters ("A", "B", ...)."""
    found = [line.strip() for line in lines[start:end]]
    return [name for name in found if name and not (len(name) == 1 and name.isupper())]


def first_name_run(lines: Sequence[str], start: int, skip: frozenset[str]) -> list[str]:
    """A chart's row labels: the first run of two or more consecutive short lines without
    digits (the axis lines are years, and the caption's lines are long sentences)."""
    run: list[str] = []
    for line in [*lines[start:], ""]:
        label = line.strip()
        if label and len(label) <= MAX_LABEL and label not in skip and not has_digit(label):
            run.append(label)
            continue
        if len(run) >= 2:
            return run
        run = []
    raise CheckError(f"brochure: no chart labels after line {start + 1}")


def has_digit(value: str) -> bool:
    return any(c.isdigit() for c in value)


def chart_dates(lines: Sequence[str], start: int, end: int) -> list[date]:
    text = "\n".join(lines[start:end])
    return [
        date(int(year), MONTHS[month], int(day)) for day, month, year in CHART_DATE_RE.findall(text)
    ]


def completed_names(lines: Sequence[str], chart_heading: int) -> list[str]:
    """The list printed just above the clearance chart, back to the last sentence."""
    names: list[str] = []
    for line in reversed(lines[:chart_heading]):
        text = line.strip()
        if text.endswith(".") or text.startswith(">"):
            break
        if text:
            names.append(text)
    return list(reversed(names))


def read_brochure(path: Path) -> Brochure:
    lines = path.read_text(encoding="utf-8").splitlines()
    p_start = index_of(lines, "States Parties to the AP Mine Ban Convention")
    p_end = index_of(lines, "What the Convention says", p_start)
    s_head = index_of(lines, "Deadlines for the destruction of stockpiled anti-personnel mines")
    s_end = index_of(lines, "5. CLEARING MINED AREAS", s_head)
    c_head = index_of(lines, "Deadlines for the clearance of mined areas", s_end)
    c_end = index_of(
        lines, "What the Convention says and what the States Parties understand", c_head
    )
    va_end = index_of(lines, "States Parties with significant numbers of landmine survivors")
    va_start = max(i for i in range(va_end) if lines[i].strip().endswith("mine victims."))
    return Brochure(
        parties=names_between(lines, p_start + 1, p_end),
        completed=completed_names(lines, c_head),
        victim_assistance=names_between(lines, va_start + 1, va_end),
        clearance_chart_names=first_name_run(lines, c_head + 1, frozenset()),
        clearance_chart_dates=chart_dates(lines, c_head + 1, c_end),
        stockpile_chart_names=first_name_run(lines, s_head + 1, frozenset({"State Party"})),
        stockpile_chart_dates=chart_dates(lines, s_head + 1, s_end),
    )


# ----------------------------------------------------------------------------------------------
# Rules
# ----------------------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    # Every deadline here falls on the first of a month, so no 29 February can arise.
    return day.replace(year=day.year + years)


def entry_into_force(deposit: date) -> date:
    """Article 17: 1 March 1999 for instruments deposited by 30 September 1998, otherwise the
    first day of the sixth month after the calendar month of deposit."""
    if deposit <= date(1998, 9, 30):
        return date(1999, 3, 1)
    months = deposit.year * 12 + (deposit.month - 1) + 6
    return date(months // 12, months % 12 + 1, 1)


def display_name(iso3: str) -> str:
    if iso3 in NAME_OVERRIDES:
        return NAME_OVERRIDES[iso3]
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        raise CheckError(f"{iso3}: not an ISO 3166-1 alpha-3 code in pycountry")
    return str(getattr(country, "common_name", None) or country.name)


def yes_no(value: str) -> bool:
    check(value in {"yes", "no"}, f"expected yes/no, got {value!r}")
    return value == "yes"


def true_false(value: str) -> bool:
    check(value in {"true", "false"}, f"expected true/false, got {value!r}")
    return value == "true"


def text(value: bool) -> str:
    return "true" if value else "false"


# ----------------------------------------------------------------------------------------------
# states.csv
# ----------------------------------------------------------------------------------------------

STATES_HEADER = [
    "iso3", "name", "name_in_seed", "status", "deposit_date", "entry_into_force",
    "membership_source", "membership_verified", "un_region", "un_subregion",
    "sub_saharan_africa", "eu_member_2010", "cis_member_2010", "un_member_2010", "region_source",
]  # fmt: skip


def region_columns(iso3: str, country: dict[str, str]) -> dict[str, str]:
    subregion = country["UNregion"]
    check(subregion in M49_REGION_OF, f"{iso3}: unknown M49 sub-region {subregion!r}")
    region = M49_REGION_OF[subregion]
    continent = CONTINENT_TO_M49.get(country["continent"], country["continent"])
    check(region == continent, f"{iso3}: M49 {subregion} is not in continent {continent}")
    admitted = country["UNmember"]
    source = [
        f"UN M49 ({M49_URL}) via {COUNTRY_CONVERTER} (UNregion); "
        "sub_saharan_africa = M49 Africa less Northern Africa",
        f"EU 2010: EU27_2007 column, 27 members 2007-2013 ({EU_URL})",
        f"CIS 2010: {CIS_NOTES.get(iso3, CIS_RULE)} ({CIS_CHARTER_URL}; {CIS_FACTBOOK_URL})",
        f"UN 2010: UNmember admission year {admitted or 'none'} "
        f"(192 members from 28 Jun 2006: {UN_192_URL})",
    ]
    return {
        "un_region": region,
        "un_subregion": subregion,
        "sub_saharan_africa": text(region == "Africa" and subregion != "Northern Africa"),
        "eu_member_2010": text(bool(country["EU27_2007"])),
        "cis_member_2010": text(iso3 in CIS_MEMBERS_2010),
        "un_member_2010": text(bool(admitted) and int(admitted) <= 2010),
        "region_source": "; ".join(source),
    }


def party_row(fact: dict[str, str]) -> dict[str, str]:
    deposit, eif = iso(fact["deposit_date"]), iso(fact["entry_into_force"])
    check(entry_into_force(deposit) == eif, f"{fact['iso3']}: EIF {eif} breaks Article 17")
    return {
        "iso3": fact["iso3"],
        "name": display_name(fact["iso3"]),
        "name_in_seed": fact["name_in_seed"],
        "status": "party",
        "deposit_date": deposit.isoformat(),
        "entry_into_force": eif.isoformat(),
        "membership_source": f"{SEED_PARTIES} | dates: {fact['source']}",
        "membership_verified": text(true_false(fact["verified"])),
    }


def non_party_source(fact: dict[str, str]) -> str:
    note = fact["note"].split(" | source:")[0]
    parts = [
        f'{SEED_CHALLENGES}: "39 States have not yet ratified or acceded", and not among the 156 '
        'of "2. Which States have joined the Convention?"; one of the 192 UN members of 2010 '
        "(see region_source)",
        f"facts note (knowledge, not re-checked): {note}",
    ]
    if fact["iso3"] in SEED_NAMED_NON_PARTIES:
        named, where = SEED_NAMED_NON_PARTIES[fact["iso3"]]
        parts.insert(0, f'named as not party ("{named}") by {where}')
    return " | ".join(parts)


def non_party_row(fact: dict[str, str]) -> dict[str, str]:
    return {
        "iso3": fact["iso3"],
        "name": display_name(fact["iso3"]),
        "name_in_seed": "",
        "status": "non_party",
        "deposit_date": "",
        "entry_into_force": "",
        "membership_source": non_party_source(fact),
        "membership_verified": text(fact["iso3"] in SEED_NAMED_NON_PARTIES),
    }


def build_states(facts: Facts, countries: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    rows = [party_row(f) for f in facts.parties] + [non_party_row(f) for f in facts.non_parties]
    for row in rows:
        check(row["iso3"] in countries, f"{row['iso3']}: missing from {COUNTRY_CONVERTER}")
        row.update(region_columns(row["iso3"], countries[row["iso3"]]))
    return sorted(rows, key=lambda row: row["iso3"])


# ----------------------------------------------------------------------------------------------
# aliases.csv: every spelling the seed and the facts use, mapped once to an ISO-3 code.
# ----------------------------------------------------------------------------------------------


def alias_pairs(facts: Facts, brochure: Brochure) -> Iterator[tuple[str, str, str]]:
    """(alias, iso3 or "" when only the seed's spelling is known, source)."""
    for fact in facts.parties:
        yield fact["name_in_seed"], fact["iso3"], "reference facts: States Parties (name_in_seed)"
    for fact in facts.non_parties:
        yield fact["name"], fact["iso3"], FACTS_NON_PARTIES
    for iso3, (named, where) in SEED_NAMED_NON_PARTIES.items():
        yield named, iso3, where
    for name in brochure.parties:
        yield name, "", SEED_PARTIES
    for name in brochure.victim_assistance:
        yield name, "", SEED_VA
    for name in brochure.completed:
        yield name, "", SEED_COMPLETED
    for name in brochure.clearance_chart_names:
        yield name, "", SEED_CLEARANCE_CHART
    for name in brochure.stockpile_chart_names:
        yield name, "", SEED_STOCKPILE_CHART


def build_aliases(facts: Facts, brochure: Brochure) -> list[dict[str, str]]:
    iso_of: dict[str, str] = {}
    sources: dict[str, list[str]] = {}
    for alias, iso3, source in alias_pairs(facts, brochure):
        if iso3:
            check(iso_of.get(alias, iso3) == iso3, f"alias {alias!r} maps to two states")
            iso_of[alias] = iso3
        if source not in sources.setdefault(alias, []):
            sources[alias].append(source)
    resolve_abbreviations(iso_of, sources, facts)
    unresolved = sorted(set(sources) - set(iso_of))
    check(not unresolved, f"seed spellings without an ISO-3 code: {unresolved}")
    return [
        {"alias": alias, "iso3": iso_of[alias], "source": "; ".join(sources[alias])}
        for alias in sorted(sources, key=str.casefold)
    ]


# Abbreviations in the seed's clearance chart and victim-assistance list, resolved to the seed's
# own spelling in its list of States Parties (which the facts map to ISO-3 codes).
SEED_ABBREVIATIONS = {
    "Bosnia and H.": "Bosnia and Herzegovina",
    "Congo, Rep. of": "Congo, Republic of",
    "DRC": "Dem. Republic of the Congo",
    "Dem. Rep. of the Congo": "Dem. Republic of the Congo",
}


def resolve_abbreviations(
    iso_of: dict[str, str], sources: dict[str, list[str]], facts: Facts
) -> None:
    parties = {row["name_in_seed"]: row["iso3"] for row in facts.parties}
    for short, full in SEED_ABBREVIATIONS.items():
        if short in sources:
            check(full in parties, f"{short!r}: {full!r} is not a party's seed name")
            check(iso_of.get(short, parties[full]) == parties[full], f"{short!r}: two states")
            iso_of[short] = parties[full]
            sources[short].append(f'abbreviation of "{full}"')


# ----------------------------------------------------------------------------------------------
# Obligations
# ----------------------------------------------------------------------------------------------


def build_article4(facts: Facts, eif: dict[str, date]) -> list[dict[str, str]]:
    rows = []
    for fact in facts.article4:
        start, deadline = iso(fact["entry_into_force"]), iso(fact["article4_deadline"])
        check(start == eif[fact["iso3"]], f"{fact['iso3']}: Article 4 EIF differs from states")
        check(deadline == add_years(start, 4), f"{fact['iso3']}: Article 4 deadline != EIF + 4y")
        rows.append(
            {
                "iso3": fact["iso3"],
                "entry_into_force": start.isoformat(),
                "deadline": deadline.isoformat(),
                "status": "destroying",
                "source": f"{fact['source']} | early 2010: {fact['status_early_2010']}",
                "verified": text(true_false(fact["verified"])),
            }
        )
    return sorted(rows, key=lambda row: row["iso3"])


# The one completion date the facts state, in the words of the source: Nicaragua's last mine.
COMPLETED_ON_RE = re.compile(r"last mine removed (\d{1,2} [A-Z][a-z]{2} \d{4})")


def completed_on(fact: dict[str, str]) -> str:
    """The day clearance was completed where the source states it ("" when it does not)."""
    found = COMPLETED_ON_RE.search(fact["source"])
    if found is None:
        return ""
    check(fact["completed"] == "yes", f"{fact['iso3']}: a completion date but not completed")
    return datetime.strptime(found.group(1), "%d %b %Y").date().isoformat()


def build_article5(facts: Facts, eif: dict[str, date]) -> list[dict[str, str]]:
    rows = []
    for fact in facts.article5:
        original = iso(fact["original_deadline"])
        check(original == add_years(eif[fact["iso3"]], 10), f"{fact['iso3']}: deadline != EIF+10y")
        rows.append(
            {
                "iso3": fact["iso3"],
                "original_deadline": original.isoformat(),
                "completed": text(yes_no(fact["completed"])),
                "completed_on": completed_on(fact),
                "source": fact["source"],
                "verified": text(true_false(fact["verified"])),
            }
        )
    return sorted(rows, key=lambda row: row["iso3"])


def extension_row(fact: dict[str, str]) -> dict[str, str]:
    original, extended = iso(fact["original_deadline"]), iso(fact["extended_deadline"])
    where = fact["extension_granted_at"]
    check(where in GRANTED_AT, f"{fact['iso3']}: unknown meeting {where!r}")
    check(original < extended <= add_years(original, 10), f"{fact['iso3']}: Article 5.3 breach")
    granted_at, granted_on = GRANTED_AT[where]
    return {
        "iso3": fact["iso3"],
        "original_deadline": original.isoformat(),
        "extended_deadline": extended.isoformat(),
        "granted_at": granted_at,
        "granted_on": granted_on.isoformat(),
        "source": f"{fact['source']} | {MEETING_SOURCE[where]}",
        "verified": text(true_false(fact["verified"])),
    }


def build_extensions(facts: Facts) -> list[dict[str, str]]:
    rows = [extension_row(f) for f in facts.article5 if f["extended_deadline"]]
    return sorted(rows, key=lambda row: (row["granted_on"], row["iso3"]))


def build_victim_assistance(brochure: Brochure, aliases: dict[str, str]) -> list[dict[str, str]]:
    rows = [
        {"iso3": aliases[name], "name_in_seed": name, "source": SEED_VA}
        for name in brochure.victim_assistance
    ]
    return sorted(rows, key=lambda row: row["iso3"])


def build_article7(eif: dict[str, date]) -> list[dict[str, str]]:
    check(ARTICLE7_MISSING in eif, f"{ARTICLE7_MISSING} is not a State Party")
    due = eif[ARTICLE7_MISSING] + timedelta(days=ARTICLE7_DAYS)
    return [
        {"iso3": ARTICLE7_MISSING, "initial_report_due": due.isoformat(), "source": ARTICLE7_SOURCE}
    ]


# ----------------------------------------------------------------------------------------------
# Cross-checks: the seed's counts and statements hold in the tables.
# ----------------------------------------------------------------------------------------------


def check_states(states: list[dict[str, str]], brochure: Brochure) -> None:
    status = Counter(row["status"] for row in states)
    check(len(states) == N_STATES, f"{len(states)} states, expected {N_STATES}")
    check(len({row["iso3"] for row in states}) == N_STATES, "an ISO-3 code appears twice")
    check(status == Counter(party=N_PARTIES, non_party=N_NON_PARTIES), f"statuses: {status}")
    check(len(brochure.parties) == N_PARTIES, f"seed lists {len(brochure.parties)} parties")
    seed_names = sorted(row["name_in_seed"] for row in states if row["status"] == "party")
    check(seed_names == sorted(brochure.parties), "facts' name_in_seed != the seed's list")
    for row in states:
        check(pycountry.countries.get(alpha_3=row["iso3"]) is not None, f"{row['iso3']}: no ISO")
        check("," not in row["name"] and "(" not in row["name"], f"{row['name']}: not short")
    un = sum(row["un_member_2010"] == "true" for row in states)
    check(un == N_UN_MEMBERS_2010, f"{un} UN members in 2010, expected {N_UN_MEMBERS_2010}")
    eu = sum(row["eu_member_2010"] == "true" for row in states)
    check(eu == N_EU_2010, f"{eu} EU members in 2010, expected {N_EU_2010}")


def non_parties_where(states: list[dict[str, str]], column: str, value: str) -> set[str]:
    return {r["iso3"] for r in states if r[column] == value and r["status"] == "non_party"}


def check_seed_statements(
    states: list[dict[str, str]], countries: dict[str, dict[str, str]]
) -> None:
    """The seed: every State in the Americas but Cuba and the United States, in Sub-Saharan
    Africa but Somalia, of the EU but Finland and Poland, has joined."""
    americas = non_parties_where(states, "un_region", "Americas")
    check(americas == {"CUB", "USA"}, f"Americas non-parties: {sorted(americas)}")
    africa = non_parties_where(states, "sub_saharan_africa", "true")
    check(africa == {"SOM"}, f"Sub-Saharan non-parties: {sorted(africa)}")
    eu = non_parties_where(states, "eu_member_2010", "true")
    check(eu == {"FIN", "POL"}, f"EU non-parties: {sorted(eu)}")
    # Every sovereign state of 2010 in the data set is one of the 195, and only those.
    un_2010 = {i for i, c in countries.items() if c["UNmember"] and int(c["UNmember"]) <= 2010}
    ours = {row["iso3"] for row in states}
    check(un_2010 <= ours, f"UN members of 2010 missing: {sorted(un_2010 - ours)}")
    check(ours - un_2010 == {"VAT", "COK", "NIU"}, f"non-UN states: {sorted(ours - un_2010)}")
    cc_cis = {i for i, c in countries.items() if c["CIS"]}
    check(cc_cis <= CIS_CHARTER_MEMBERS, f"country_converter CIS beyond Charter: {cc_cis}")


def check_obligations(
    article5: list[dict[str, str]],
    extensions: list[dict[str, str]],
    victims: list[dict[str, str]],
    article4: list[dict[str, str]],
) -> None:
    done = Counter(row["completed"] for row in article5)
    check(len(article5) == N_ARTICLE5, f"{len(article5)} Article 5 rows")
    check(done == Counter(false=N_ARTICLE5_CHARTED, true=N_ARTICLE5_COMPLETED), f"{done}")
    where = Counter(row["granted_at"] for row in extensions)
    expected = Counter(
        {GRANTED_AT["9MSP 2008"][0]: N_EXT_9MSP, GRANTED_AT["2RC Cartagena 2009"][0]: N_EXT_2RC}
    )
    check(where == expected, f"extensions: {where}")
    check(len(extensions) == N_EXT_9MSP + N_EXT_2RC, f"{len(extensions)} extensions")
    check(len({row["iso3"] for row in victims}) == N_VICTIM_ASSISTANCE, "victim assistance count")
    check(len(article4) == N_ARTICLE4, f"{len(article4)} Article 4 rows")


def check_against_charts(facts: Facts, brochure: Brochure, aliases: dict[str, str]) -> None:
    """The facts agree with the seed's lists and flattened charts, but for the documented
    discrepancies (Argentina's and Mozambique's extended deadlines)."""
    a5 = {row["iso3"]: row for row in facts.article5}
    charted = {aliases[name] for name in brochure.clearance_chart_names}
    completed = {aliases[name] for name in brochure.completed}
    check(len(charted) == N_ARTICLE5_CHARTED, f"{len(charted)} states in the clearance chart")
    check(len(completed) == N_ARTICLE5_COMPLETED, f"{len(completed)} completed in the seed")
    check({i for i, r in a5.items() if r["completed"] == "no"} == charted, "chart != facts")
    check({i for i, r in a5.items() if r["completed"] == "yes"} == completed, "16 != facts")
    ours = Counter(day for i in charted for day in chart_dates_of(a5[i]))
    seed = Counter(brochure.clearance_chart_dates)
    check(seed - ours == KNOWN_CHART_ONLY, f"chart-only dates: {seed - ours}")
    check(ours - seed == KNOWN_FACTS_ONLY, f"facts-only dates: {ours - seed}")
    stock = [aliases[name] for name in brochure.stockpile_chart_names]
    deadlines = {row["iso3"]: iso(row["article4_deadline"]) for row in facts.article4}
    check(sorted(stock) == sorted(deadlines), f"stockpile chart: {stock}")
    check([deadlines[i] for i in stock] == brochure.stockpile_chart_dates, "stockpile dates")


def chart_dates_of(row: dict[str, str]) -> list[date]:
    """The dates a charted state contributes: its original and, if any, extended deadline."""
    days = [iso(row["original_deadline"])]
    if row["extended_deadline"]:
        days.append(iso(row["extended_deadline"]))
    return days


# ----------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------

TABLES: dict[str, list[str]] = {
    "states.csv": STATES_HEADER,
    "aliases.csv": ["alias", "iso3", "source"],
    "article4.csv": ["iso3", "entry_into_force", "deadline", "status", "source", "verified"],
    "article5.csv": [
        "iso3",
        "original_deadline",
        "completed",
        "completed_on",
        "source",
        "verified",
    ],
    "article5_extensions.csv": [
        "iso3",
        "original_deadline",
        "extended_deadline",
        "granted_at",
        "granted_on",
        "source",
        "verified",
    ],
    "victim_assistance.csv": ["iso3", "name_in_seed", "source"],
    "article7_initial_missing.csv": ["iso3", "initial_report_due", "source"],
}


def render(header: list[str], rows: Iterable[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def build(args: argparse.Namespace) -> dict[str, str]:
    facts = read_facts(args.facts)
    brochure = read_brochure(args.brochure)
    countries = read_country_data(args.country_data)
    states = build_states(facts, countries)
    aliases = build_aliases(facts, brochure)
    iso_of = {row["alias"]: row["iso3"] for row in aliases}
    eif = {row["iso3"]: iso(row["entry_into_force"]) for row in states if row["entry_into_force"]}
    tables = {
        "states.csv": states,
        "aliases.csv": aliases,
        "article4.csv": build_article4(facts, eif),
        "article5.csv": build_article5(facts, eif),
        "article5_extensions.csv": build_extensions(facts),
        "victim_assistance.csv": build_victim_assistance(brochure, iso_of),
        "article7_initial_missing.csv": build_article7(eif),
    }
    check_states(states, brochure)
    check_seed_statements(states, countries)
    known = {row["iso3"] for row in states}
    check(set(iso_of.values()) <= known, "an alias maps to a state outside states.csv")
    check_obligations(
        tables["article5.csv"],
        tables["article5_extensions.csv"],
        tables["victim_assistance.csv"],
        tables["article4.csv"],
    )
    check_against_charts(facts, brochure, iso_of)
    return {name: render(TABLES[name], rows) for name, rows in tables.items()}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--facts", type=Path, required=True, help="reference facts directory")
    parser.add_argument("--brochure", type=Path, default=DEFAULT_BROCHURE, help="seed text")
    parser.add_argument(
        "--country-data", type=Path, required=True, help="country_converter country_data.tsv"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        outputs = build(args)
    except CheckError as error:
        print(f"check failed: {error}", file=sys.stderr)
        return 2
    stale = [n for n, body in outputs.items() if not same_file(args.out / n, body)]
    if args.check:
        for name in stale:
            print(f"stale: {args.out / name}", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (args.out / name).write_text(outputs[name], encoding="utf-8")
    print(f"{len(outputs)} tables checked, {len(stale)} written to {args.out}")
    return 0


def same_file(path: Path, body: str) -> bool:
    return path.is_file() and path.read_text(encoding="utf-8") == body


if __name__ == "__main__":
    sys.exit(main())
