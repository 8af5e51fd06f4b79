"""The Convention at a glance: the four aims and three more, computed from a Snapshot.

Every figure says where it comes from: a `source` (a seeded, dated figure) or a `derivation`
(how it was counted from the records). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from services.parties.models import ConventionFigure, State
from services.parties.obligations.deadlines import DeadlineKind, DeadlineStatus
from services.parties.obligations.derive import STOCKPILES_GONE, Rules, deadlines_of
from services.parties.records.snapshot import Snapshot

UN_REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
SEED_UNIVERSALIZATION = (
    'seed: "1. What is the AP Mine Ban Convention?", "How many countries have joined?"'
)
SEED_CHALLENGES = 'seed: "1. What is the AP Mine Ban Convention?", "Challenges that remain"'

RegionTest = Callable[[State], bool]
GROUPS: list[tuple[str, str, RegionTest]] = [
    *((name, "un_region", (lambda s, n=name: s.un_region == n)) for name in UN_REGIONS),
    ("Sub-Saharan Africa", "un_m49_group", lambda s: s.sub_saharan_africa),
    ("Western Asia", "un_subregion", lambda s: s.un_subregion == "Western Asia"),
    ("European Union (2010)", "membership", lambda s: s.eu_member_2010),
    ("Commonwealth of Independent States (2010)", "membership", lambda s: s.cis_member_2010),
]


def counted(
    value: int | float, *, derivation: str, unit: str = "States Parties", **extra: Any
) -> dict[str, Any]:
    """A figure counted from the records."""
    return {"value": value, "basis": "derived", "unit": unit, "derivation": derivation, **extra}


def figure(row: ConventionFigure | None) -> dict[str, Any] | None:
    """A seeded or recorded Convention-wide figure with its source."""
    if row is None:
        return None
    return {
        "value": row.value,
        "basis": "recorded",
        "unit": row.unit,
        "qualifier": row.qualifier,
        "of": row.of,
        "period": row.period,
        "source": row.source,
    }


def summarize(
    snapshot: Snapshot,
    rules: Rules,
    commitments_by_status: Mapping[str, int],
    deadlines: Mapping[str, list[Any]] | None = None,
) -> dict[str, Any]:
    """Compute every section of the summary (from the parties' deadlines, if already known)."""
    if deadlines is None:
        deadlines = {s.iso3: deadlines_of(snapshot, s, rules) for s in snapshot.parties()}
    return {
        "as_of": snapshot.day.isoformat(),
        "universalization": universalization(snapshot),
        "stockpile_destruction": stockpile_destruction(snapshot, deadlines),
        "clearance": clearance(snapshot, deadlines),
        "victim_assistance": victim_assistance(snapshot),
        "transparency": transparency(snapshot, deadlines),
        "compliance": compliance(snapshot),
        "cooperation": cooperation(snapshot),
        "commitments": counted(
            sum(commitments_by_status.values()),
            unit="commitments recorded",
            derivation="the latest version of every commitment recorded by the day",
            by_status=commitments_by_status,
        ),
    }


def _isos(states: Iterable[State]) -> list[str]:
    return sorted(state.iso3 for state in states)


def universalization(snapshot: Snapshot) -> dict[str, Any]:
    """Parties, non-parties, adherence by region and the seed's statements about them."""
    states = list(snapshot.states.values())
    parties = [s for s in states if s.status == "party"]
    return {
        "parties": counted(
            len(parties),
            derivation="states whose membership status is party",
            unit="States",
            seed_figure={"value": 156, "source": SEED_UNIVERSALIZATION, "basis": "recorded"},
        ),
        "non_parties": counted(
            len(states) - len(parties),
            unit="States",
            derivation="states whose membership status is non_party",
            states=_isos(s for s in states if s.status != "party"),
            seed_figure={"value": 39, "source": SEED_CHALLENGES, "basis": "recorded"},
        ),
        "states": counted(
            len(states),
            unit="States",
            derivation="the 192 UN members of 2010, the Holy See, the Cook Islands and Niue",
        ),
        "regions": [_region(name, kind, test, states) for name, kind, test in GROUPS],
        "statements": _statements(states),
    }


def _region(name: str, kind: str, test: RegionTest, states: list[State]) -> dict[str, Any]:
    members = [s for s in states if test(s)]
    parties = [s for s in members if s.status == "party"]
    return {
        "region": name,
        "kind": kind,
        "states": len(members),
        "parties": len(parties),
        "share": round(len(parties) / len(members), 3) if members else None,
        "non_parties": _isos(s for s in members if s.status != "party"),
        "source": members[0].region_source if members else None,
    }


def _statements(states: list[State]) -> list[dict[str, Any]]:
    """The seed's "every State in … except …" statements, checked against the records."""
    claims: list[tuple[str, RegionTest, list[str]]] = [
        (
            "Every State in the Americas, except Cuba and the United States, has joined",
            lambda s: s.un_region == "Americas",
            ["CUB", "USA"],
        ),
        (
            "Every State in Sub-Saharan Africa, except Somalia, has joined",
            lambda s: s.sub_saharan_africa,
            ["SOM"],
        ),
        (
            "Every Member State of the European Union, except Finland and Poland, has joined",
            lambda s: s.eu_member_2010,
            ["FIN", "POL"],
        ),
    ]
    results = []
    for text, test, claimed in claims:
        exceptions = _isos(s for s in states if test(s) and s.status != "party")
        results.append(
            {
                "text": text,
                "claimed_exceptions": claimed,
                "exceptions": exceptions,
                "holds": exceptions == sorted(claimed),
                "source": SEED_UNIVERSALIZATION,
            }
        )
    return results


def _verification(deadline: Any) -> dict[str, Any]:
    """Whether a deadline rests on verified inputs, and if not why (unverified travels)."""
    because = deadline.unverified_because
    return {"verified": because is None, "unverified_because": because}


def _status_of(deadlines: list[Any], kind: DeadlineKind) -> Any:
    return next((d for d in deadlines if d.kind is kind), None)


def stockpile_destruction(snapshot: Snapshot, deadlines: Mapping[str, list[Any]]) -> dict[str, Any]:
    """Parties without stockpiles, those still destroying (with deadlines), mines destroyed."""
    destroying = [o for o in snapshot.obligations.values() if o.article4_status == "destroying"]
    gone = [o for o in snapshot.obligations.values() if o.article4_status in STOCKPILES_GONE]
    still = []
    for obligations in sorted(destroying, key=lambda o: o.iso3):
        deadline = _status_of(deadlines.get(obligations.iso3, []), DeadlineKind.ARTICLE4)
        still.append(
            {
                "iso3": obligations.iso3,
                "name": snapshot.states[obligations.iso3].name,
                "deadline": deadline.due.isoformat() if deadline else None,
                "status": deadline.status.value if deadline else None,
                **(_verification(deadline) if deadline else {}),
                "mines_destroyed": obligations.mines_destroyed,
                "source": obligations.article4_source,
            }
        )
    return {
        "no_longer_holding": counted(
            len(gone),
            derivation="parties whose Article 4 status is no_stockpiles or completed",
            seed_figure=figure(snapshot.figures.get("no_longer_holding_stockpiles")),
        ),
        "still_destroying": counted(
            len(destroying), derivation="parties whose Article 4 status is destroying", states=still
        ),
        "destroyed_total": figure(snapshot.figures.get("mines_destroyed_total")),
    }


def clearance(snapshot: Snapshot, deadlines: Mapping[str, list[Any]]) -> dict[str, Any]:
    """Mined areas reported, completed, extensions granted, work in progress, next deadlines."""
    reported = [o for o in snapshot.obligations.values() if o.article5_applies]
    completed = [o for o in reported if o.article5_completed]
    in_progress = [o for o in reported if not o.article5_completed]
    extensions = [e for rows in snapshot.extensions.values() for e in rows]
    upcoming = []
    for obligations in in_progress:
        deadline = _status_of(deadlines.get(obligations.iso3, []), DeadlineKind.ARTICLE5)
        if deadline is not None:
            upcoming.append(
                {
                    "iso3": obligations.iso3,
                    "name": snapshot.states[obligations.iso3].name,
                    "due": deadline.due.isoformat(),
                    "status": deadline.status.value,
                    "extended": deadline.original_due is not None,
                    **_verification(deadline),
                }
            )
    upcoming.sort(key=lambda item: item["due"])
    return {
        "reported_mined_areas": counted(
            len(reported), derivation="parties that reported mined areas (Article 5 applies)"
        ),
        "completed": counted(
            len(completed),
            derivation="of those, parties that declared clearance complete",
            states=_isos(snapshot.states[o.iso3] for o in completed),
        ),
        "in_progress": counted(
            len(in_progress), derivation="reported mined areas, clearance not yet complete"
        ),
        "extensions_granted": counted(
            len(extensions),
            unit="extensions",
            derivation="Article 5 extensions granted (Ninth Meeting 2008, Cartagena 2009, since)",
            states=sorted({e.iso3 for e in extensions}),
        ),
        "extension_requests_pending": counted(
            len(snapshot.pending_requests),
            derivation="extension requests submitted or under analysis",
            states=sorted(snapshot.pending_requests),
        ),
        "next_deadlines": [item for item in upcoming if item["due"] >= snapshot.day.isoformat()][
            :10
        ],
        "overdue": [item for item in upcoming if item["status"] == DeadlineStatus.OVERDUE.value],
    }


def victim_assistance(snapshot: Snapshot) -> dict[str, Any]:
    """The parties with significant numbers of survivors."""
    survivors = [o for o in snapshot.obligations.values() if o.significant_survivors]
    return {
        "significant_survivors": counted(
            len(survivors),
            derivation="parties listed with significant numbers of landmine survivors",
            states=_isos(snapshot.states[o.iso3] for o in survivors),
        ),
        "funding_since_2004": figure(snapshot.figures.get("victim_assistance_funding_since_2004")),
    }


def transparency(snapshot: Snapshot, deadlines: Mapping[str, list[Any]]) -> dict[str, Any]:
    """Initial reports missing; annual reports not recorded by their due date."""
    missing = [
        iso3
        for iso3, items in deadlines.items()
        if (d := _status_of(items, DeadlineKind.ARTICLE7_INITIAL))
        and d.status is DeadlineStatus.OVERDUE
    ]
    year = _latest_due_report_year(snapshot.day)
    annual = {
        iso3: d.status
        for iso3, items in deadlines.items()
        for d in items
        if d.kind is DeadlineKind.ARTICLE7_ANNUAL and d.covers_year == year
    }
    overdue = [iso3 for iso3, status in annual.items() if status is DeadlineStatus.OVERDUE]
    unknown = sum(1 for status in annual.values() if status is DeadlineStatus.UNKNOWN)
    return {
        "initial_reports_missing": counted(
            len(missing),
            derivation="parties whose initial Article 7 report is overdue",
            states=sorted(missing),
            seed_figure=figure(snapshot.figures.get("initial_reports_missing")),
        ),
        "annual_reports_overdue": counted(
            len(overdue),
            derivation=f"parties with no report covering {year} recorded by 30 April {year + 1}",
            covers_year=year,
            states=sorted(overdue),
            not_recorded=unknown,
        ),
    }


def _latest_due_report_year(day: date) -> int:
    # The most recent 30 April on or before `day` closed the report on the year before it.
    return day.year - 1 if (day.month, day.day) > (4, 30) else day.year - 2


def compliance(snapshot: Snapshot) -> dict[str, Any]:
    """National implementation measures (Article 9): the seed's counts, and what parties say."""
    recorded: dict[str, int] = {}
    for obligations in snapshot.obligations.values():
        if obligations.article9_status:
            recorded[obligations.article9_status] = recorded.get(obligations.article9_status, 0) + 1
    return {
        "legislation_adopted": figure(snapshot.figures.get("legislation_adopted")),
        "existing_law_sufficient": figure(snapshot.figures.get("existing_law_sufficient")),
        "legislation_not_indicated": figure(snapshot.figures.get("legislation_not_indicated")),
        "recorded_by_parties": counted(
            sum(recorded.values()),
            derivation="parties that recorded their Article 9 status through the API",
            by_status=recorded,
        ),
    }


def cooperation(snapshot: Snapshot) -> dict[str, Any]:
    """Funding figures (Article 6)."""
    return {
        "funding_since_2004": figure(snapshot.figures.get("cooperation_funding_since_2004")),
        "former_producers_bound": figure(snapshot.figures.get("former_producers_bound")),
    }
