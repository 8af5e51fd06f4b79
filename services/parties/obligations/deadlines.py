"""Treaty deadlines of one State Party (Articles 4, 5 and 7), each with its status and source.

Pure: no I/O, no settings, no clock. The caller passes `today` and the records it holds.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

STOCKPILE_DESTRUCTION_YEARS = 4  # Article 4
CLEARANCE_YEARS = 10  # Article 5.1
INITIAL_REPORT_DAYS = 180  # Article 7.1
ANNUAL_REPORT_MONTH, ANNUAL_REPORT_DAY = 4, 30  # Article 7.2: "not later than 30 April"

# Passed as `records_begin` for obligations whose completion is always recorded: no due date
# precedes it, so they can never be UNKNOWN.
ALWAYS_RECORDED = date.min


class DeadlineKind(StrEnum):
    """Which obligation a deadline belongs to."""

    ARTICLE4 = "article4_stockpile_destruction"
    ARTICLE5 = "article5_clearance"
    ARTICLE7_INITIAL = "article7_initial_report"
    ARTICLE7_ANNUAL = "article7_annual_report"
    # The action plan's dated undertakings ("no later than the Tenth Meeting of the States
    # Parties"), owed by the parties the action binds.
    ACTION14 = "action14_mined_area_perimeters"
    ACTION34 = "action34_national_plans"


class DeadlineStatus(StrEnum):
    """Where a deadline stands on a given day."""

    MET = "met"
    PENDING = "pending"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    UNKNOWN = "unknown"


# The order of `compute_deadlines`' result; annual reports then follow by year.
KIND_ORDER: tuple[DeadlineKind, ...] = tuple(DeadlineKind)


@dataclass(frozen=True)
class Extension:
    """An Article 5 extension granted by a Meeting of the States Parties or Review Conference."""

    extended_deadline: date
    granted_on: date
    granted_at: str
    source: str
    verified: bool = True  # False: a source gives the deadline, but not that it is this party's


@dataclass(frozen=True)
class Completion:
    """An obligation fulfilled: stockpiles destroyed, clearance completed, a report submitted."""

    on: date | None  # None when a source says it happened but not when
    source: str


@dataclass(frozen=True)
class PartyRecords:
    """What is recorded about one State Party, as far as its deadlines are concerned."""

    iso3: str
    entry_into_force: date
    entry_into_force_source: str
    article4_applies: bool  # False when the party never held stockpiles: no deadline to track
    article4_completion: Completion | None
    article5_applies: bool  # True for the 54 parties that reported mined areas
    article5_completion: Completion | None
    article5_extensions: tuple[Extension, ...] = ()
    article7_initial: Completion | None = None
    # A source says the initial report was never submitted: overdue even before records begin.
    article7_initial_known_missing: bool = False
    article7_annual: Mapping[int, Completion] = field(default_factory=dict)  # year covered → report
    entry_into_force_verified: bool = True  # False: the deposit date is inferred, not sourced


@dataclass(frozen=True)
class Deadline:
    """One deadline with its status on the day asked and how its due date was obtained."""

    kind: DeadlineKind
    due: date
    status: DeadlineStatus
    source: str
    original_due: date | None = None  # Article 5 when extended
    covers_year: int | None = None  # annual reports only
    met_on: date | None = None  # None with MET: a source says it was met, but not when
    late: bool | None = None  # met after `due`: stated only when `met_on` is known
    unverified_because: str | None = None  # the due date rests on an unverified input

    @property
    def sort_key(self) -> tuple[int, int]:
        """Position in `compute_deadlines`' result: by kind, then annual reports by year."""
        return KIND_ORDER.index(self.kind), self.covers_year or 0


def add_years(day: date, years: int) -> date:
    """Return the same month and day `years` later; 29 February becomes 28 February."""
    target = day.year + years
    # A 29 February EIF has no anniversary in a common year; the Convention's "N years after"
    # is read as not extending past February. (In practice EIFs are on the 1st of a month.)
    if (day.month, day.day) == (2, 29) and not calendar.isleap(target):
        return date(target, 2, 28)
    return day.replace(year=target)


def article4_deadline(entry_into_force: date) -> date:
    """Return the Article 4 stockpile destruction deadline: four years after entry into force."""
    return add_years(entry_into_force, STOCKPILE_DESTRUCTION_YEARS)


def latest_extension(extensions: Sequence[Extension]) -> Extension | None:
    """Return the most recently granted extension (ties: the later deadline), if any."""
    # A later decision supersedes an earlier one even when it sets an earlier deadline.
    return max(extensions, key=lambda e: (e.granted_on, e.extended_deadline), default=None)


def article5_deadline(entry_into_force: date, extensions: Sequence[Extension] = ()) -> date:
    """Return the Article 5 clearance deadline: the latest extension's, else EIF + 10 years."""
    latest = latest_extension(extensions)
    if latest is not None:
        return latest.extended_deadline
    return add_years(entry_into_force, CLEARANCE_YEARS)


def article7_initial_deadline(entry_into_force: date) -> date:
    """Return the initial transparency report's due date: 180 days after entry into force."""
    return entry_into_force + timedelta(days=INITIAL_REPORT_DAYS)


def article7_annual_deadline(covered_year: int) -> date:
    """Return the due date of the annual report covering `covered_year`: 30 April after it."""
    return date(covered_year + 1, ANNUAL_REPORT_MONTH, ANNUAL_REPORT_DAY)


def annual_report_owed(entry_into_force: date, covered_year: int) -> bool:
    """Whether a party owes an annual report covering `covered_year`."""
    bound_that_year = entry_into_force <= date(covered_year, 12, 31)
    # A year whose 30 April falls on or before the initial report's due date is covered by it.
    after_initial = article7_annual_deadline(covered_year) > article7_initial_deadline(
        entry_into_force
    )
    return bound_that_year and after_initial


def known_by(completion: Completion | None, today: date) -> Completion | None:
    """The completion as known on `today`: one dated after it had not happened yet."""
    if completion is not None and completion.on is not None and completion.on > today:
        return None
    return completion


def status_of(
    due: date,
    completion: Completion | None,
    *,
    today: date,
    due_soon_days: int,
    records_begin: date,
) -> DeadlineStatus:
    """Return a deadline's status on `today`."""
    if completion is not None:
        return DeadlineStatus.MET
    if today > due:
        # A due date the records do not cover (before they begin, or a kind not recorded yet):
        # the absence of a record is not a breach.
        return DeadlineStatus.UNKNOWN if due < records_begin else DeadlineStatus.OVERDUE
    # Compare day counts rather than subtracting a window from `due`, which can underflow.
    if (due - today).days <= due_soon_days:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.PENDING


@dataclass(frozen=True)
class _Rules:
    """The status parameters shared by every deadline of one computation."""

    today: date
    due_soon_days: int
    records_begin: date
    # Per kind, the first due date from which its records are complete; None: not yet.
    coverage: Mapping[DeadlineKind, date | None] | None = None

    def covered_from(self, kind: DeadlineKind, known_missing: bool) -> date:
        """The first due date for which a missing record of `kind` is a breach, not a gap."""
        if known_missing:
            return ALWAYS_RECORDED  # a source names the missing record
        if self.coverage is not None and kind in self.coverage:
            return self.coverage[kind] or date.max
        # Without coverage data: Articles 4 and 5 completions are always recorded.
        is_report = kind in (DeadlineKind.ARTICLE7_INITIAL, DeadlineKind.ARTICLE7_ANNUAL)
        return self.records_begin if is_report else ALWAYS_RECORDED

    def deadline(
        self,
        kind: DeadlineKind,
        due: date,
        completion: Completion | None,
        source: str,
        *,
        original_due: date | None = None,
        covers_year: int | None = None,
        known_missing: bool = False,
        unverified_because: str | None = None,
    ) -> Deadline:
        """Build a deadline, deriving its status and completion fields from `completion`."""
        completion = known_by(completion, self.today)
        status = status_of(
            due,
            completion,
            today=self.today,
            due_soon_days=self.due_soon_days,
            records_begin=self.covered_from(kind, known_missing),
        )
        met_on = completion.on if completion is not None else None
        return Deadline(
            kind=kind,
            due=due,
            status=status,
            source=source,
            original_due=original_due,
            covers_year=covers_year,
            met_on=met_on,
            late=met_on > due if met_on is not None else None,
            unverified_because=unverified_because,
        )


UNVERIFIED_ENTRY_INTO_FORCE = (
    "derived from an entry into force whose deposit date no located source states"
)
UNVERIFIED_EXTENSION = (
    "the extension it rests on is not confirmed by a located source (see the extension's source)"
)


def _from_entry_into_force(records: PartyRecords) -> str | None:
    return None if records.entry_into_force_verified else UNVERIFIED_ENTRY_INTO_FORCE


def _article4(records: PartyRecords, rules: _Rules) -> Deadline:
    """The stockpile destruction deadline."""
    source = (
        "Article 4: entry into force + 4 years; "
        f"entry into force: {records.entry_into_force_source}"
    )
    due = article4_deadline(records.entry_into_force)
    return rules.deadline(
        DeadlineKind.ARTICLE4,
        due,
        records.article4_completion,
        source,
        unverified_because=_from_entry_into_force(records),
    )


def _article5(records: PartyRecords, rules: _Rules) -> Deadline:
    """The clearance deadline: the latest extension's if any, keeping the original."""
    original = article5_deadline(records.entry_into_force)
    completion = records.article5_completion
    latest = latest_extension(records.article5_extensions)
    if latest is None:
        source = (
            "Article 5.1: entry into force + 10 years; "
            f"entry into force: {records.entry_into_force_source}"
        )
        return rules.deadline(
            DeadlineKind.ARTICLE5,
            original,
            completion,
            source,
            unverified_because=_from_entry_into_force(records),
        )
    source = f"Article 5.3 extension granted at {latest.granted_at}: {latest.source}"
    return rules.deadline(
        DeadlineKind.ARTICLE5,
        latest.extended_deadline,
        completion,
        source,
        original_due=original,
        unverified_because=None if latest.verified else UNVERIFIED_EXTENSION,
    )


def _article7_initial(records: PartyRecords, rules: _Rules) -> Deadline:
    """The initial transparency report's deadline."""
    source = (
        "Article 7.1: entry into force + 180 days; "
        f"entry into force: {records.entry_into_force_source}"
    )
    due = article7_initial_deadline(records.entry_into_force)
    return rules.deadline(
        DeadlineKind.ARTICLE7_INITIAL,
        due,
        records.article7_initial,
        source,
        known_missing=records.article7_initial_known_missing,
        unverified_because=_from_entry_into_force(records),
    )


def _article7_annual(records: PartyRecords, rules: _Rules, years: range) -> Iterator[Deadline]:
    """The annual reports owed for `years`, in ascending order."""
    for year in sorted(years):
        if not annual_report_owed(records.entry_into_force, year):
            continue
        yield rules.deadline(
            DeadlineKind.ARTICLE7_ANNUAL,
            article7_annual_deadline(year),
            records.article7_annual.get(year),
            f"Article 7.2: by 30 April, covering calendar year {year}",
            covers_year=year,
        )


@dataclass(frozen=True)
class Undertaking:
    """A dated undertaking of the action plan: what it is, when it is due, where it says so."""

    kind: DeadlineKind
    due: date
    source: str


def compute_undertakings(
    undertakings: Sequence[Undertaking],
    *,
    today: date,
    due_soon_days: int = 90,
    coverage: Mapping[DeadlineKind, date | None] | None = None,
) -> list[Deadline]:
    """The deadlines of the undertakings a party owes. No record says when one was fulfilled
    (its coverage is empty), so past its due date it is `unknown`, never `overdue`."""
    rules = _Rules(
        today=today, due_soon_days=due_soon_days, records_begin=date.max, coverage=coverage
    )
    return [rules.deadline(u.kind, u.due, None, u.source) for u in undertakings]


def compute_deadlines(
    records: PartyRecords,
    *,
    today: date,
    due_soon_days: int = 90,
    records_begin: date = date(2010, 1, 1),
    annual_report_years: range = range(2009, 2015),
    coverage: Mapping[DeadlineKind, date | None] | None = None,
) -> list[Deadline]:
    """Return the party's deadlines: Article 4, Article 5, initial report, annual reports.

    A deadline due before its kind's records are complete (`coverage`; without it, reports due
    before `records_begin`) and with no record is UNKNOWN: absence of a record is not a breach.
    """
    if due_soon_days < 0:
        raise ValueError(f"due_soon_days must not be negative, got {due_soon_days}")
    rules = _Rules(
        today=today, due_soon_days=due_soon_days, records_begin=records_begin, coverage=coverage
    )
    deadlines: list[Deadline] = []
    if records.article4_applies:
        deadlines.append(_article4(records, rules))
    if records.article5_applies:
        deadlines.append(_article5(records, rules))
    deadlines.append(_article7_initial(records, rules))
    deadlines.extend(_article7_annual(records, rules, annual_report_years))
    return deadlines
