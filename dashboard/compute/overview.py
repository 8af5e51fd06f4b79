"""The overview's cards: the four aims, then cooperation, transparency and compliance."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dashboard.api_models import (
    Clearance,
    Compliance,
    Cooperation,
    Counted,
    ReportsOverdue,
    Seeded,
    StockpileDestruction,
    Summary,
    Transparency,
    Universalization,
    VictimAssistance,
)
from dashboard.compute.formatting import number, provenance, qualified

# The brochure named these regions as those where adherence remained low.
LOW_ADHERENCE_REGIONS = ("Asia", "Western Asia", "Commonwealth of Independent States (2010)")


@dataclass(frozen=True)
class Card:
    """One aim on the overview: a headline figure, a share for a bar, statements, provenance."""

    aim: str
    label: str
    value: str
    share: float | None
    share_label: str
    sources: list[str]
    progress: list[str] = field(default_factory=list)
    challenges: list[str] = field(default_factory=list)


def overview_cards(summary: Summary, names: Mapping[str, str] | None = None) -> list[Card]:
    """The four aims, then cooperation, transparency and compliance; States named by `names`
    (ISO-3 → name), by their code where the list of states is missing."""
    return [
        _universalization(summary.universalization, names or {}),
        _stockpiles(summary.stockpile_destruction),
        _clearance(summary.clearance),
        _victim_assistance(summary.victim_assistance),
        _cooperation(summary.cooperation),
        _transparency(summary.transparency),
        _compliance(summary.compliance),
    ]


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return max(0.0, min(1.0, part / whole))


def _named(codes: Iterable[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(code, code) for code in codes)


def _sources(*figures: Seeded | Counted | None) -> list[str]:
    return [line for line in (provenance(f) for f in figures) if line]


def _universalization(section: Universalization, names: Mapping[str, str]) -> Card:
    parties, states = section.parties.value, section.states.value
    holding = [s.text + "." for s in section.statements if s.holds]
    broken = [
        f"{s.text} — no longer holds: not party now: {_named(s.exceptions, names) or 'none'}."
        for s in section.statements
        if not s.holds
    ]
    low = [
        f"{r.region} ({r.parties} of {r.states})"
        for r in section.regions
        if r.region in LOW_ADHERENCE_REGIONS and (r.share or 0) < 0.5
    ]
    challenges = [
        f"{section.non_parties.value} States have not yet ratified or acceded to the Convention."
    ]
    if low:
        challenges.append("Adherence remains low in " + ", ".join(low) + ".")
    return Card(
        aim="Universalization",
        label=f"States Parties, of {states} States",
        value=str(parties),
        share=_share(parties, states),
        share_label=f"{parties / states:.0%} of the {states} States have joined" if states else "",
        sources=_sources(section.parties, section.parties.seed_figure),
        progress=[f"{parties} States have ratified or acceded to the Convention.", *holding],
        challenges=challenges + broken,
    )


def _stockpiles(section: StockpileDestruction) -> Card:
    gone, still = section.no_longer_holding.value, section.still_destroying.value
    overdue = [s.name for s in section.still_destroying.states if s.status == "overdue"]
    destroyed = section.destroyed_total
    progress = (
        [f"Together the States Parties have destroyed {qualified(destroyed, 'mines')}."]
        if destroyed
        else []
    )
    challenges = [f"{still} States Parties are still destroying their stockpiles."]
    if overdue:
        challenges.append(f"Deadline passed: {', '.join(overdue)}.")
    return Card(
        aim="Stockpile destruction",
        label=f"States Parties holding no stockpiles, of {gone + still}",
        value=str(gone),
        share=_share(gone, gone + still),
        share_label=f"{gone} of {gone + still} States Parties hold no stockpiled mines",
        sources=_sources(section.no_longer_holding, destroyed),
        progress=progress,
        challenges=challenges,
    )


def _clearance(section: Clearance) -> Card:
    reported, completed = section.reported_mined_areas.value, section.completed.value
    challenges = [
        f"{section.in_progress.value} States Parties are still clearing mined areas; "
        f"{section.extensions_granted.value} extensions of Article 5 deadlines have been granted."
    ]
    if section.overdue:
        challenges.append(f"Deadline passed: {', '.join(i.name for i in section.overdue)}.")
    return Card(
        aim="Clearance of mined areas",
        label=f"completed clearance, of {reported} that reported mined areas",
        value=str(completed),
        share=_share(completed, reported),
        share_label=f"{completed} of the {reported} States Parties have cleared all mined areas",
        sources=_sources(section.completed),
        progress=[
            f"{completed} of {reported} States Parties that reported mined areas have "
            "completed clearance."
        ],
        challenges=challenges,
    )


def _victim_assistance(section: VictimAssistance) -> Card:
    funding = section.funding_since_2004
    progress = (
        [f"Specialised organisations generated {qualified(funding, 'US$')} since 2004."]
        if funding
        else []
    )
    return Card(
        aim="Victim assistance",
        label="States Parties with significant numbers of survivors",
        value=str(section.significant_survivors.value),
        share=None,
        share_label="",
        sources=_sources(section.significant_survivors, funding),
        progress=progress,
        challenges=[
            "Translating a better understanding of victim assistance into tangible "
            "improvements in the daily lives of mine victims."
        ],
    )


def _cooperation(section: Cooperation) -> Card:
    producers = section.former_producers_bound
    return Card(
        aim="Cooperation and assistance",
        label="Funding generated since 2004",
        value=qualified(section.funding_since_2004, "US$"),
        share=_share(producers.value, producers.of) if producers else None,
        share_label=(
            f"{number(producers.value)} of {number(producers.of)} former "
            "producers of anti-personnel mines are bound by the ban"
        )
        if producers
        else "",
        sources=_sources(section.funding_since_2004, producers),
    )


def _transparency(section: Transparency) -> Card:
    missing, overdue = section.initial_reports_missing, section.annual_reports_overdue
    names = ", ".join(missing.states) or "none"
    return Card(
        aim="Transparency (Article 7)",
        label="States Parties without an initial report",
        value=str(missing.value),
        share=None,
        share_label="",
        sources=_sources(missing, missing.seed_figure, overdue),
        progress=[f"Every State Party but {names} has submitted its initial report."],
        challenges=[_annual_reports(overdue)],
    )


def _annual_reports(overdue: ReportsOverdue) -> str:
    """What the records say of the latest annual reports: overdue ones, or that none is kept."""
    year = overdue.covers_year
    if overdue.not_recorded:
        return (
            f"No record: annual reports covering {year} are not recorded yet for "
            f"{overdue.not_recorded} States Parties, so none is counted as overdue"
            + (f" ({overdue.value} overdue among those recorded)." if overdue.value else ".")
        )
    return (
        f"{overdue.value} States Parties have no report covering {year} recorded by its "
        "30 April deadline."
    )


def _compliance(section: Compliance) -> Card:
    adopted, sufficient = section.legislation_adopted, section.existing_law_sufficient
    missing = section.legislation_not_indicated
    covered = _value(adopted) + _value(sufficient)
    total = covered + _value(missing)
    return Card(
        aim="Compliance (Article 9)",
        label=f"States Parties with legislation or sufficient law, of {number(total)}",
        value=number(covered),
        share=_share(covered, total),
        share_label=f"{_count(adopted)} adopted legislation, "
        f"{_count(sufficient)} consider existing law sufficient",
        sources=_sources(adopted, missing),
        challenges=[
            f"{_count(missing)} States Parties have not yet indicated "
            "legislation sufficient to prevent and suppress prohibited acts."
        ],
    )


def _value(figure: Seeded | None) -> float:
    """A figure's value, a missing figure counting as none."""
    return figure.value if figure else 0


def _count(figure: Seeded | None) -> str:
    """A figure's value as text, "—" when the figure is missing."""
    return number(figure.value if figure else None)
