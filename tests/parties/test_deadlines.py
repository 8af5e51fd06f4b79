"""Treaty deadlines: the seed brochure's dates, the status rules, and properties of both."""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, timedelta
from random import Random
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.settings import PROJECT_ROOT
from services.parties.obligations.deadlines import (
    Completion,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    Extension,
    PartyRecords,
    add_years,
    article4_deadline,
    article5_deadline,
    article7_annual_deadline,
    article7_initial_deadline,
    compute_deadlines,
    status_of,
)
from services.parties.obligations.derive import deadline_public

BROCHURE = PROJECT_ROOT / "docs" / "sources" / "isu-brochure-2010.txt"
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

NINTH_MSP = ("Ninth Meeting of the States Parties, Geneva, 2008", date(2008, 11, 28))
CARTAGENA = ("Second Review Conference, Cartagena, 2009", date(2009, 12, 4))


class Article4Fact(NamedTuple):
    iso3: str
    eif: date
    deadline: date


class Article5Fact(NamedTuple):
    iso3: str
    eif: date
    deadline: date


class ExtensionFact(NamedTuple):
    iso3: str
    extended: date
    granted: tuple[str, date]
    in_chart: bool  # whether the brochure's Article 5 chart prints the extended date


# Brochure section 4 chart, in the chart's order (Belarus, Greece, Turkey, Ukraine).
ARTICLE4_FACTS = [
    Article4Fact("BLR", date(2004, 3, 1), date(2008, 3, 1)),
    Article4Fact("GRC", date(2004, 3, 1), date(2008, 3, 1)),
    Article4Fact("TUR", date(2004, 3, 1), date(2008, 3, 1)),
    Article4Fact("UKR", date(2006, 6, 1), date(2010, 6, 1)),
]

# Brochure section 5 chart: original ten-year deadlines.
ARTICLE5_FACTS = {
    fact.iso3: fact
    for fact in [
        Article5Fact("AFG", date(2003, 3, 1), date(2013, 3, 1)),
        Article5Fact("DZA", date(2002, 4, 1), date(2012, 4, 1)),
        Article5Fact("AGO", date(2003, 1, 1), date(2013, 1, 1)),
        Article5Fact("BTN", date(2006, 2, 1), date(2016, 2, 1)),
        Article5Fact("IRQ", date(2008, 2, 1), date(2018, 2, 1)),
        Article5Fact("MOZ", date(1999, 3, 1), date(2009, 3, 1)),
        Article5Fact("NIC", date(1999, 5, 1), date(2009, 5, 1)),
        Article5Fact("ARG", date(2000, 3, 1), date(2010, 3, 1)),
        Article5Fact("KHM", date(2000, 1, 1), date(2010, 1, 1)),
        Article5Fact("TJK", date(2000, 4, 1), date(2010, 4, 1)),
        Article5Fact("TCD", date(1999, 11, 1), date(2009, 11, 1)),
        Article5Fact("ECU", date(1999, 10, 1), date(2009, 10, 1)),
        Article5Fact("UGA", date(1999, 8, 1), date(2009, 8, 1)),
        Article5Fact("THA", date(1999, 5, 1), date(2009, 5, 1)),
    ]
}

# Extended deadlines: the chart's light blue bars, Nicaragua's from "Important dates 2010",
# Argentina's from the reconciled facts (the chart's text does not print it).
EXTENSION_FACTS = [
    ExtensionFact("NIC", date(2010, 5, 1), NINTH_MSP, in_chart=False),
    ExtensionFact("ARG", date(2020, 3, 1), CARTAGENA, in_chart=False),
    ExtensionFact("KHM", date(2020, 1, 1), CARTAGENA, in_chart=True),
    ExtensionFact("TJK", date(2020, 4, 1), CARTAGENA, in_chart=True),
    ExtensionFact("UGA", date(2012, 8, 1), CARTAGENA, in_chart=True),
    ExtensionFact("THA", date(2018, 11, 1), NINTH_MSP, in_chart=True),
    ExtensionFact("MOZ", date(2014, 3, 1), NINTH_MSP, in_chart=True),
    ExtensionFact("TCD", date(2011, 1, 1), NINTH_MSP, in_chart=True),
    ExtensionFact("ECU", date(2017, 10, 1), NINTH_MSP, in_chart=True),
]


def brochure_block(start: str, end: str) -> str:
    """The brochure's text from `start` up to `end`."""
    text = BROCHURE.read_text(encoding="utf-8")
    begin = text.index(start)
    return text[begin : text.index(end, begin)]


def chart_spelling(day: date) -> str:
    """How the brochure's charts print a date: "1 November 2018"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def chart_spellings(day: date) -> set[str]:
    """Every way the charts print a date: "1 November 2018", sometimes "1 Nov. 2018"."""
    month = MONTHS[day.month - 1]
    return {chart_spelling(day), f"{day.day} {month[:3]}. {day.year}"}


def parse_listed_date(text: str) -> date:
    """Parse "May 1, 2010" (the spelling of the brochure's "Important dates")."""
    match = re.fullmatch(r"([A-Z][a-z]+) (\d+), (\d{4})", text.strip())
    assert match is not None, text
    month, day, year = match.groups()
    return date(int(year), MONTHS.index(month) + 1, int(day))


def important_date(phrase: str) -> date:
    """The date the brochure's "Important dates 2010" lists above the entry containing `phrase`."""
    block = brochure_block("8. IMPORTANT DATES", "Preamble")
    before = block[: block.index(phrase)]
    return parse_listed_date(re.findall(r"^\w+ \d+, \d{4}$", before, re.MULTILINE)[-1])


def make_records(
    eif: date,
    *,
    article4: bool = False,
    article5: bool = False,
    **changes: object,
) -> PartyRecords:
    """A party with no completions recorded, changed as asked."""
    records = PartyRecords(
        iso3="XXX",
        entry_into_force=eif,
        entry_into_force_source="depositary notification",
        article4_applies=article4,
        article4_completion=None,
        article5_applies=article5,
        article5_completion=None,
    )
    return replace(records, **changes)  # type: ignore[arg-type]


def only(deadlines: list[Deadline], kind: DeadlineKind) -> Deadline:
    """The one deadline of `kind`."""
    (found,) = [deadline for deadline in deadlines if deadline.kind == kind]
    return found


def extension_of(fact: ExtensionFact) -> Extension:
    granted_at, granted_on = fact.granted
    return Extension(fact.extended, granted_on, granted_at, source=f"decision on {fact.iso3}")


DONE = Completion(on=None, source="reported done, date unknown")
TODAY = date(2010, 5, 1)


# --- 1. Where the seed states a deadline, the engine equals it ---------------------------------


@pytest.mark.parametrize("fact", ARTICLE4_FACTS, ids=lambda fact: fact.iso3)
def test_compute_article4_deadline_of_the_brochure_chart(fact: Article4Fact) -> None:
    assert article4_deadline(fact.eif) == fact.deadline
    deadlines = compute_deadlines(make_records(fact.eif, article4=True), today=TODAY)
    assert only(deadlines, DeadlineKind.ARTICLE4).due == fact.deadline


def test_transcribe_article4_chart_in_order() -> None:
    chart = brochure_block("Deadlines for the destruction of stockpiled", "5. CLEARING MINED AREAS")
    printed = re.findall(r"\d+ [A-Z][a-z]+ \d{4}", chart)
    assert printed == [chart_spelling(fact.deadline) for fact in ARTICLE4_FACTS]


@pytest.mark.parametrize("fact", ARTICLE5_FACTS.values(), ids=lambda fact: fact.iso3)
def test_compute_article5_original_deadline_of_the_brochure_chart(fact: Article5Fact) -> None:
    assert article5_deadline(fact.eif) == fact.deadline
    deadline = only(
        compute_deadlines(make_records(fact.eif, article5=True), today=TODAY),
        DeadlineKind.ARTICLE5,
    )
    assert (deadline.due, deadline.original_due) == (fact.deadline, None)
    assert deadline.source.startswith("Article 5.1: entry into force + 10 years")


@pytest.mark.parametrize("fact", ARTICLE5_FACTS.values(), ids=lambda fact: fact.iso3)
def test_transcribe_article5_original_deadline_from_the_chart(fact: Article5Fact) -> None:
    chart = brochure_block("5. CLEARING MINED AREAS", "6. ASSISTING THE VICTIMS")
    assert any(spelling in chart for spelling in chart_spellings(fact.deadline))


@pytest.mark.parametrize("fact", EXTENSION_FACTS, ids=lambda fact: fact.iso3)
def test_compute_article5_extended_deadline_keeping_the_original(fact: ExtensionFact) -> None:
    original = ARTICLE5_FACTS[fact.iso3]
    records = make_records(original.eif, article5=True, article5_extensions=(extension_of(fact),))
    deadline = only(compute_deadlines(records, today=TODAY), DeadlineKind.ARTICLE5)
    assert (deadline.due, deadline.original_due) == (fact.extended, original.deadline)
    assert deadline.source == (
        f"Article 5.3 extension granted at {fact.granted[0]}: decision on {fact.iso3}"
    )


@pytest.mark.parametrize(
    "fact", [f for f in EXTENSION_FACTS if f.in_chart], ids=lambda fact: fact.iso3
)
def test_transcribe_extended_deadline_from_the_chart(fact: ExtensionFact) -> None:
    chart = brochure_block("5. CLEARING MINED AREAS", "6. ASSISTING THE VICTIMS")
    assert any(spelling in chart for spelling in chart_spellings(fact.extended))


def test_compute_nicaragua_deadline_of_the_important_dates() -> None:
    nicaragua = ARTICLE5_FACTS["NIC"]
    (extension,) = [extension_of(f) for f in EXTENSION_FACTS if f.iso3 == "NIC"]
    records = make_records(nicaragua.eif, article5=True, article5_extensions=(extension,))
    due = only(compute_deadlines(records, today=TODAY), DeadlineKind.ARTICLE5).due
    assert due == important_date("Deadline for Nicaragua to clear all areas") == date(2010, 5, 1)


def test_compute_ukraine_deadline_of_the_important_dates() -> None:
    ukraine = ARTICLE4_FACTS[-1]
    records = make_records(ukraine.eif, article4=True)
    due = only(compute_deadlines(records, today=TODAY), DeadlineKind.ARTICLE4).due
    assert due == important_date("Deadline for Ukraine to destroy stockpiled") == date(2010, 6, 1)


def test_compute_annual_report_2009_deadline_of_the_important_dates() -> None:
    listed = important_date("Deadline for States Parties to submit Article 7 transparency")
    assert article7_annual_deadline(2009) == listed == date(2010, 4, 30)
    records = make_records(date(1999, 3, 1))
    annual = [d for d in compute_deadlines(records, today=TODAY) if d.covers_year == 2009]
    assert [d.due for d in annual] == [listed]


# --- 2. Statuses ------------------------------------------------------------------------------

UKRAINE = make_records(date(2006, 6, 1), article4=True)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2010, 1, 1), DeadlineStatus.PENDING),
        (date(2010, 3, 2), DeadlineStatus.PENDING),  # 91 days before
        (date(2010, 3, 3), DeadlineStatus.DUE_SOON),  # 90 days before
        (date(2010, 5, 1), DeadlineStatus.DUE_SOON),
        (date(2010, 6, 1), DeadlineStatus.DUE_SOON),  # the due day itself
        (date(2010, 6, 2), DeadlineStatus.OVERDUE),
    ],
)
def test_report_ukraine_article4_status(today: date, expected: DeadlineStatus) -> None:
    deadline = only(compute_deadlines(UKRAINE, today=today), DeadlineKind.ARTICLE4)
    assert deadline.status == expected
    assert (deadline.met_on, deadline.late) == (None, None)


def test_report_ukraine_article4_met_when_completed() -> None:
    done = replace(UKRAINE, article4_completion=Completion(date(2010, 5, 20), "Article 7 report"))
    deadline = only(compute_deadlines(done, today=date(2010, 6, 2)), DeadlineKind.ARTICLE4)
    assert (deadline.status, deadline.met_on, deadline.late) == (
        DeadlineStatus.MET,
        date(2010, 5, 20),
        False,
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2010, 4, 12), DeadlineStatus.DUE_SOON),  # the day before the last mine went
        (date(2010, 4, 13), DeadlineStatus.MET),
        (date(2010, 5, 2), DeadlineStatus.MET),
    ],
)
def test_report_a_completion_only_from_its_day(today: date, expected: DeadlineStatus) -> None:
    nicaragua = make_records(
        date(1999, 5, 1),
        article5=True,
        article5_completion=Completion(date(2010, 4, 13), "ISU"),
        article5_extensions=(Extension(date(2010, 5, 1), date(2008, 11, 28), "9MSP", "ISU"),),
    )
    deadline = only(compute_deadlines(nicaragua, today=today), DeadlineKind.ARTICLE5)
    assert deadline.status == expected
    assert (deadline.met_on, deadline.late) == (
        (date(2010, 4, 13), False) if expected == DeadlineStatus.MET else (None, None)
    )


def test_report_a_deadline_no_record_covers_is_served_as_not_recorded() -> None:
    records = make_records(date(1999, 3, 1))
    initial = only(compute_deadlines(records, today=TODAY), DeadlineKind.ARTICLE7_INITIAL)
    assert initial.status == DeadlineStatus.UNKNOWN
    assert deadline_public(initial).basis == "not_recorded"
    article5 = only(
        compute_deadlines(make_records(date(1999, 3, 1), article5=True), today=TODAY),
        DeadlineKind.ARTICLE5,
    )
    assert deadline_public(article5).basis == "derived"


def test_report_belarus_article4_overdue_although_before_the_records() -> None:
    belarus = make_records(date(2004, 3, 1), article4=True)
    deadline = only(compute_deadlines(belarus, today=TODAY), DeadlineKind.ARTICLE4)
    # Due in 2008, before the records begin, yet Article 4 completions are always recorded.
    assert deadline.status == DeadlineStatus.OVERDUE


def test_report_article5_never_unknown_before_the_records() -> None:
    mozambique = make_records(date(1999, 3, 1), article5=True)
    deadline = only(compute_deadlines(mozambique, today=TODAY), DeadlineKind.ARTICLE5)
    assert deadline.status == DeadlineStatus.OVERDUE


def test_report_unrecorded_initial_report_of_1999_as_unknown() -> None:
    records = make_records(date(1999, 3, 1))
    initial = only(compute_deadlines(records, today=TODAY), DeadlineKind.ARTICLE7_INITIAL)
    assert (initial.due, initial.status) == (date(1999, 8, 28), DeadlineStatus.UNKNOWN)


@pytest.mark.parametrize(
    ("submitted", "late"),
    [
        (date(2000, 1, 15), True),
        (date(1999, 8, 28), False),
        (date(1999, 6, 1), False),
        (None, None),  # met, but the date is not recorded: lateness is not stated
    ],
)
def test_report_submitted_initial_report_as_met(submitted: date | None, late: bool | None) -> None:
    records = make_records(date(1999, 3, 1), article7_initial=Completion(submitted, "UN list"))
    initial = only(compute_deadlines(records, today=TODAY), DeadlineKind.ARTICLE7_INITIAL)
    assert (initial.status, initial.met_on, initial.late) == (DeadlineStatus.MET, submitted, late)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2010, 1, 29), DeadlineStatus.PENDING),  # 91 days before
        (date(2010, 1, 30), DeadlineStatus.DUE_SOON),  # 90 days before
        (date(2010, 3, 1), DeadlineStatus.DUE_SOON),
        (date(2010, 4, 30), DeadlineStatus.DUE_SOON),
        (date(2010, 5, 1), DeadlineStatus.OVERDUE),
    ],
)
def test_report_annual_report_2009_status(today: date, expected: DeadlineStatus) -> None:
    records = make_records(date(1999, 3, 1))
    annual = [d for d in compute_deadlines(records, today=today) if d.covers_year == 2009]
    assert [(d.due, d.status) for d in annual] == [(date(2010, 4, 30), expected)]


def test_report_annual_report_met_and_late() -> None:
    records = make_records(
        date(1999, 3, 1), article7_annual={2009: Completion(date(2010, 5, 3), "UN list")}
    )
    later = date(2010, 6, 1)  # on TODAY, 1 May, the report of 3 May was not yet submitted
    annual = [d for d in compute_deadlines(records, today=later) if d.covers_year == 2009]
    assert [(d.status, d.met_on, d.late) for d in annual] == [
        (DeadlineStatus.MET, date(2010, 5, 3), True)
    ]


def test_report_annual_report_before_the_records_as_unknown() -> None:
    records = make_records(date(1999, 3, 1))
    deadlines = compute_deadlines(records, today=TODAY, annual_report_years=range(2007, 2010))
    annual = [(d.covers_year, d.status) for d in deadlines if d.covers_year is not None]
    assert annual == [
        (2007, DeadlineStatus.UNKNOWN),
        (2008, DeadlineStatus.UNKNOWN),
        (2009, DeadlineStatus.OVERDUE),
    ]


# --- Rules at their edges -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("eif", "first_owed"),
    [
        (date(1999, 3, 1), 2009),  # owed since 1999; the range starts at 2009
        (date(2009, 10, 1), 2009),  # initial due 2010-03-30: 2009 is still owed
        (date(2009, 11, 1), 2010),  # initial due 2010-04-30, the same day: it covers 2009
        (date(2010, 1, 1), 2010),  # not bound in 2009
        (date(2011, 11, 1), 2011),  # initial due 2012-04-29 (2012 is a leap year)
        (date(2012, 12, 1), 2013),  # initial due 2013-05-30, after 30 April 2013
        (date(2015, 1, 1), 2015),  # bound only after the range: nothing listed
    ],
)
def test_list_annual_reports_owed_after_the_initial_one(eif: date, first_owed: int) -> None:
    deadlines = compute_deadlines(make_records(eif), today=TODAY)
    listed = [d.covers_year for d in deadlines if d.kind == DeadlineKind.ARTICLE7_ANNUAL]
    assert listed == list(range(first_owed, 2015))


def test_order_deadlines_by_article_then_year() -> None:
    records = make_records(date(2003, 3, 1), article4=True, article5=True)
    deadlines = compute_deadlines(records, today=TODAY, annual_report_years=range(2014, 2003, -1))
    assert [(d.kind, d.covers_year) for d in deadlines] == [
        (DeadlineKind.ARTICLE4, None),
        (DeadlineKind.ARTICLE5, None),
        (DeadlineKind.ARTICLE7_INITIAL, None),
        *[(DeadlineKind.ARTICLE7_ANNUAL, year) for year in range(2004, 2015)],
    ]


def test_omit_articles_4_and_5_when_they_do_not_apply() -> None:
    deadlines = compute_deadlines(make_records(date(2003, 3, 1)), today=TODAY)
    kinds = {d.kind for d in deadlines}
    assert kinds == {DeadlineKind.ARTICLE7_INITIAL, DeadlineKind.ARTICLE7_ANNUAL}


def test_cite_the_rule_and_the_entry_into_force_source() -> None:
    records = make_records(date(2003, 3, 1), article4=True, article5=True)
    deadlines = compute_deadlines(records, today=TODAY, annual_report_years=range(2009, 2010))
    assert [d.source for d in deadlines] == [
        "Article 4: entry into force + 4 years; entry into force: depositary notification",
        "Article 5.1: entry into force + 10 years; entry into force: depositary notification",
        "Article 7.1: entry into force + 180 days; entry into force: depositary notification",
        "Article 7.2: by 30 April, covering calendar year 2009",
    ]


def test_choose_the_latest_granted_extension_even_when_it_shortens() -> None:
    earlier = Extension(date(2020, 1, 1), date(2008, 11, 28), "9MSP", "first decision")
    later = Extension(date(2015, 1, 1), date(2012, 12, 7), "12MSP", "second decision")
    assert article5_deadline(date(1999, 3, 1), [later, earlier]) == date(2015, 1, 1)


def test_choose_the_later_deadline_among_extensions_granted_the_same_day() -> None:
    day = date(2009, 12, 4)
    short = Extension(date(2012, 1, 1), day, "2RC", "a")
    long = Extension(date(2013, 1, 1), day, "2RC", "b")
    assert article5_deadline(date(1999, 3, 1), [long, short]) == date(2013, 1, 1)
    assert article5_deadline(date(1999, 3, 1), [short, long]) == date(2013, 1, 1)


@pytest.mark.parametrize(
    ("eif", "years", "expected"),
    [
        (date(2004, 2, 29), 4, date(2008, 2, 29)),
        (date(2004, 2, 29), 10, date(2014, 2, 28)),
        (date(2004, 2, 29), 1, date(2005, 2, 28)),
        (date(2003, 2, 28), 1, date(2004, 2, 28)),
    ],
)
def test_add_years_keeping_the_day_or_falling_back_to_28_february(
    eif: date, years: int, expected: date
) -> None:
    assert add_years(eif, years) == expected


def test_reject_a_negative_due_soon_window() -> None:
    with pytest.raises(ValueError, match="due_soon_days"):
        compute_deadlines(UKRAINE, today=TODAY, due_soon_days=-1)


# --- 3. Properties ------------------------------------------------------------------------------

LEAP_DAYS = [date(year, 2, 29) for year in range(2000, 2031, 4)]
eifs = st.one_of(st.dates(date(1999, 3, 1), date(2030, 12, 31)), st.sampled_from(LEAP_DAYS))
days = st.dates(date(1990, 1, 1), date(2060, 12, 31))
completions = st.builds(Completion, on=st.none() | days, source=st.text(max_size=8))
extensions = st.builds(
    Extension,
    extended_deadline=days,
    granted_on=days,
    granted_at=st.sampled_from(["9MSP", "2RC", "10MSP"]),
    source=st.text(max_size=8),
)
records_strategy = st.builds(
    PartyRecords,
    iso3=st.just("XXX"),
    entry_into_force=eifs,
    entry_into_force_source=st.text(max_size=8),
    article4_applies=st.booleans(),
    article4_completion=st.none() | completions,
    article5_applies=st.booleans(),
    article5_completion=st.none() | completions,
    article5_extensions=st.lists(extensions, max_size=4).map(tuple),
    article7_initial=st.none() | completions,
    article7_annual=st.dictionaries(st.integers(1995, 2040), completions, max_size=6),
)
year_ranges = st.builds(
    lambda start, length: range(start, start + length),
    st.integers(1990, 2040),
    st.integers(0, 20),
)
KIND_ORDER = [
    DeadlineKind.ARTICLE4,
    DeadlineKind.ARTICLE5,
    DeadlineKind.ARTICLE7_INITIAL,
    DeadlineKind.ARTICLE7_ANNUAL,
]
RANK = {
    DeadlineStatus.PENDING: 0,
    DeadlineStatus.DUE_SOON: 1,
    DeadlineStatus.OVERDUE: 2,
    DeadlineStatus.UNKNOWN: 2,
}


def spec_order(deadline: Deadline) -> tuple[int, int]:
    """Articles 4, 5, the initial report, then annual reports by year covered."""
    return KIND_ORDER.index(deadline.kind), deadline.covers_year or 0


def anniversary(eif: date, years: int) -> tuple[int, int, int]:
    """The expected (year, month, day) `years` after `eif`, by the calendar rather than code."""
    year = eif.year + years
    day = eif.day
    if (eif.month, eif.day) == (2, 29) and calendar.monthrange(year, 2)[1] == 28:
        day = 28
    return year, eif.month, day


@given(eifs)
def test_add_four_and_ten_years_to_any_entry_into_force(eif: date) -> None:
    four, ten = article4_deadline(eif), article5_deadline(eif)
    assert (four.year, four.month, four.day) == anniversary(eif, 4)
    assert (ten.year, ten.month, ten.day) == anniversary(eif, 10)
    assert eif < four < ten


@given(eifs)
def test_due_initial_report_exactly_180_days_after_entry_into_force(eif: date) -> None:
    assert (article7_initial_deadline(eif) - eif).days == 180


@given(eifs, st.lists(extensions, min_size=1, max_size=6), st.randoms())
def test_extend_to_the_latest_granted_extension(
    eif: date, granted: list[Extension], random: Random
) -> None:
    last_day = max(e.granted_on for e in granted)
    expected = max(e.extended_deadline for e in granted if e.granted_on == last_day)
    shuffled = list(granted)
    random.shuffle(shuffled)
    assert article5_deadline(eif, granted) == article5_deadline(eif, shuffled) == expected


def expected_status(
    due: date, done: bool, today: date, window: int, records_begin: date
) -> DeadlineStatus:
    """The status rules, written out as the brief states them."""
    if done:
        return DeadlineStatus.MET
    if today > due:
        # Past its due date: overdue only where the records cover it.
        return DeadlineStatus.UNKNOWN if due < records_begin else DeadlineStatus.OVERDUE
    if due - timedelta(days=window) <= today <= due:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.PENDING


@given(days, st.none() | completions, days, st.integers(0, 400), days)
def test_status_obeys_the_rules(
    due: date, completion: Completion | None, today: date, window: int, records_begin: date
) -> None:
    status = status_of(
        due, completion, today=today, due_soon_days=window, records_begin=records_begin
    )
    assert status in set(DeadlineStatus)
    assert status == expected_status(due, completion is not None, today, window, records_begin)


@given(days, st.lists(days, min_size=2), st.integers(0, 400), days)
def test_status_moves_forward_only(
    due: date, todays: list[date], window: int, records_begin: date
) -> None:
    statuses = [
        status_of(due, None, today=t, due_soon_days=window, records_begin=records_begin)
        for t in sorted(todays)
    ]
    # Pending, due soon, then (once past) overdue, or unknown where the records do not cover it.
    ranks = [RANK[status] for status in statuses]
    assert ranks == sorted(ranks)
    past = {s for t, s in zip(sorted(todays), statuses, strict=True) if t > due}
    assert past <= {DeadlineStatus.UNKNOWN if due < records_begin else DeadlineStatus.OVERDUE}


@given(eifs, year_ranges)
def test_list_exactly_the_annual_reports_owed(eif: date, years: range) -> None:
    deadlines = compute_deadlines(make_records(eif), today=TODAY, annual_report_years=years)
    listed = [d.covers_year for d in deadlines if d.kind == DeadlineKind.ARTICLE7_ANNUAL]
    owed = [y for y in years if eif.year <= y and (date(y + 1, 4, 30) - eif).days > 180]
    assert listed == owed
    assert all(d.due == date(d.covers_year + 1, 4, 30) for d in deadlines if d.covers_year)


@given(records_strategy, days, st.integers(0, 400), days, year_ranges)
def test_compute_sorted_deadlines_for_any_records(
    records: PartyRecords, today: date, window: int, records_begin: date, years: range
) -> None:
    deadlines = compute_deadlines(
        records,
        today=today,
        due_soon_days=window,
        records_begin=records_begin,
        annual_report_years=years,
    )
    assert deadlines == sorted(deadlines, key=spec_order)
    kinds = [d.kind for d in deadlines]
    assert (DeadlineKind.ARTICLE4 in kinds) == records.article4_applies
    assert (DeadlineKind.ARTICLE5 in kinds) == records.article5_applies
    assert kinds.count(DeadlineKind.ARTICLE7_INITIAL) == 1
    for deadline in deadlines:
        late = deadline.met_on > deadline.due if deadline.met_on is not None else None
        assert deadline.late == late
        if deadline.met_on is not None:
            assert deadline.met_on <= today
        assert (deadline.covers_year is not None) == (deadline.kind == DeadlineKind.ARTICLE7_ANNUAL)
        if deadline.kind in (DeadlineKind.ARTICLE4, DeadlineKind.ARTICLE5):
            assert deadline.status != DeadlineStatus.UNKNOWN
        has_original = deadline.kind == DeadlineKind.ARTICLE5 and bool(records.article5_extensions)
        assert (deadline.original_due is not None) == has_original


def test_initial_report_known_missing_is_overdue_even_before_records_begin() -> None:
    records = PartyRecords(
        iso3="GNQ",
        entry_into_force=date(1999, 3, 1),
        entry_into_force_source="test",
        article4_applies=False,
        article4_completion=None,
        article5_applies=False,
        article5_completion=None,
        article7_initial_known_missing=True,
    )
    [initial] = [
        d
        for d in compute_deadlines(records, today=date(2010, 5, 1))
        if d.kind is DeadlineKind.ARTICLE7_INITIAL
    ]
    assert initial.due == date(1999, 8, 28)
    assert initial.status is DeadlineStatus.OVERDUE
