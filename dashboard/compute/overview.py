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
from dashboard.compute.universalization import region_name
from dashboard.i18n import N_, _, ngettext, percent, state_name

# The brochure's statements the summary checks against the records (services/parties/summary),
# for the reader in each language; one not listed is shown as the summary words it.
BROCHURE_STATEMENTS = (
    N_("Every State in the Americas, except Cuba and the United States, has joined"),
    N_("Every State in Sub-Saharan Africa, except Somalia, has joined"),
    N_("Every Member State of the European Union, except Finland and Poland, has joined"),
)
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
        _transparency(summary.transparency, names or {}),
        _compliance(summary.compliance),
    ]


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return max(0.0, min(1.0, part / whole))


def _named(codes: Iterable[str], names: Mapping[str, str]) -> str:
    return ", ".join(state_name(code, names.get(code, code)) for code in codes)


def _sources(*figures: Seeded | Counted | None) -> list[str]:
    return [line for line in (provenance(f) for f in figures) if line]


def _universalization(section: Universalization, names: Mapping[str, str]) -> Card:
    parties, states = section.parties.value, section.states.value
    holding = [_(s.text) + "." for s in section.statements if s.holds]
    broken = [
        _("{statement} — no longer holds: not party now: {states}.").format(
            statement=_(s.text), states=_named(s.exceptions, names) or _("none")
        )
        for s in section.statements
        if not s.holds
    ]
    low = [
        _("{region} ({parties} of {states})").format(
            region=region_name(r.region), parties=r.parties, states=r.states
        )
        for r in section.regions
        if r.region in LOW_ADHERENCE_REGIONS and (r.share or 0) < 0.5
    ]
    challenges = [
        ngettext(
            "{count} State has not yet ratified or acceded to the Convention.",
            "{count} States have not yet ratified or acceded to the Convention.",
            section.non_parties.value,
        ).format(count=section.non_parties.value)
    ]
    if low:
        challenges.append(_("Adherence remains low in {regions}.").format(regions=", ".join(low)))
    return Card(
        aim=_("Universalization"),
        label=_("States Parties, of {states} States").format(states=states),
        value=str(parties),
        share=_share(parties, states),
        share_label=_("{share} of the {states} States have joined").format(
            share=percent(parties / states), states=states
        )
        if states
        else "",
        sources=_sources(section.parties, section.parties.seed_figure),
        progress=[
            _("{count} States have ratified or acceded to the Convention.").format(count=parties),
            *holding,
        ],
        challenges=challenges + broken,
    )


def _stockpiles(section: StockpileDestruction) -> Card:
    gone, still = section.no_longer_holding.value, section.still_destroying.value
    overdue = [
        state_name(s.iso3, s.name) for s in section.still_destroying.states if s.status == "overdue"
    ]
    destroyed = section.destroyed_total
    progress = (
        [
            _("Together the States Parties have destroyed {mines}.").format(
                mines=qualified(destroyed, "mines")
            )
        ]
        if destroyed
        else []
    )
    challenges = [
        ngettext(
            "{count} State Party is still destroying its stockpiles.",
            "{count} States Parties are still destroying their stockpiles.",
            still,
        ).format(count=still)
    ]
    if overdue:
        challenges.append(_("Deadline passed: {states}.").format(states=", ".join(overdue)))
    return Card(
        aim=_("Stockpile destruction"),
        label=_("States Parties holding no stockpiles, of {count}").format(count=gone + still),
        value=str(gone),
        share=_share(gone, gone + still),
        share_label=_("{gone} of {count} States Parties hold no stockpiled mines").format(
            gone=gone, count=gone + still
        ),
        sources=_sources(section.no_longer_holding, destroyed),
        progress=progress,
        challenges=challenges,
    )


def _clearance(section: Clearance) -> Card:
    reported, completed = section.reported_mined_areas.value, section.completed.value
    challenges = [
        _(
            "{clearing} States Parties are still clearing mined areas; {extensions} extensions "
            "of Article 5 deadlines have been granted."
        ).format(clearing=section.in_progress.value, extensions=section.extensions_granted.value)
    ]
    if section.overdue:
        overdue = ", ".join(state_name(i.iso3, i.name) for i in section.overdue)
        challenges.append(_("Deadline passed: {states}.").format(states=overdue))
    return Card(
        aim=_("Clearance of mined areas"),
        label=_("completed clearance, of {reported} that reported mined areas").format(
            reported=reported
        ),
        value=str(completed),
        share=_share(completed, reported),
        share_label=_(
            "{completed} of the {reported} States Parties have cleared all mined areas"
        ).format(completed=completed, reported=reported),
        sources=_sources(section.completed),
        progress=[
            _(
                "{completed} of {reported} States Parties that reported mined areas have "
                "completed clearance."
            ).format(completed=completed, reported=reported)
        ],
        challenges=challenges,
    )


def _victim_assistance(section: VictimAssistance) -> Card:
    funding = section.funding_since_2004
    progress = (
        [
            _("Specialised organisations generated {amount} since 2004.").format(
                amount=qualified(funding, "US$")
            )
        ]
        if funding
        else []
    )
    return Card(
        aim=_("Victim assistance"),
        label=_("States Parties with significant numbers of survivors"),
        value=str(section.significant_survivors.value),
        share=None,
        share_label="",
        sources=_sources(section.significant_survivors, funding),
        progress=progress,
        challenges=[
            _(
                "Translating a better understanding of victim assistance into tangible "
                "improvements in the daily lives of mine victims."
            )
        ],
    )


def _cooperation(section: Cooperation) -> Card:
    producers = section.former_producers_bound
    return Card(
        aim=_("Cooperation and assistance"),
        label=_("Funding generated since 2004"),
        value=qualified(section.funding_since_2004, "US$"),
        share=_share(producers.value, producers.of) if producers else None,
        share_label=_(
            "{bound} of {producers} former producers of anti-personnel mines are bound by the ban"
        ).format(bound=number(producers.value), producers=number(producers.of))
        if producers
        else "",
        sources=_sources(section.funding_since_2004, producers),
    )


def _transparency(section: Transparency, names: Mapping[str, str]) -> Card:
    missing, overdue = section.initial_reports_missing, section.annual_reports_overdue
    named = _named(missing.states, names) or _("none")
    return Card(
        aim=_("Transparency (Article 7)"),
        label=_("States Parties without an initial report"),
        value=str(missing.value),
        share=None,
        share_label="",
        sources=_sources(missing, missing.seed_figure, overdue),
        progress=[
            _("Every State Party but {states} has submitted its initial report.").format(
                states=named
            )
        ],
        challenges=[_annual_reports(overdue)],
    )


def _annual_reports(overdue: ReportsOverdue) -> str:
    """What the records say of the latest annual reports: overdue ones, or that none is kept."""
    year = overdue.covers_year
    if overdue.not_recorded and overdue.value:
        return _(
            "No record: annual reports covering {year} are not recorded yet for {missing} "
            "States Parties, so none is counted as overdue ({overdue} overdue among those "
            "recorded)."
        ).format(year=year, missing=overdue.not_recorded, overdue=overdue.value)
    if overdue.not_recorded:
        return _(
            "No record: annual reports covering {year} are not recorded yet for {missing} "
            "States Parties, so none is counted as overdue."
        ).format(year=year, missing=overdue.not_recorded)
    return _(
        "{count} States Parties have no report covering {year} recorded by its 30 April deadline."
    ).format(count=overdue.value, year=year)


def _compliance(section: Compliance) -> Card:
    adopted, sufficient = section.legislation_adopted, section.existing_law_sufficient
    missing = section.legislation_not_indicated
    covered = _value(adopted) + _value(sufficient)
    total = covered + _value(missing)
    return Card(
        aim=_("Compliance (Article 9)"),
        label=_("States Parties with legislation or sufficient law, of {count}").format(
            count=number(total)
        ),
        value=number(covered),
        share=_share(covered, total),
        share_label=_(
            "{adopted} adopted legislation, {sufficient} consider existing law sufficient"
        ).format(adopted=_count(adopted), sufficient=_count(sufficient)),
        sources=_sources(adopted, missing),
        challenges=[
            _(
                "{count} States Parties have not yet indicated legislation sufficient to prevent "
                "and suppress prohibited acts."
            ).format(count=_count(missing))
        ],
    )


def _value(figure: Seeded | None) -> float:
    """A figure's value, a missing figure counting as none."""
    return figure.value if figure else 0


def _count(figure: Seeded | None) -> str:
    """A figure's value as text, "—" when the figure is missing."""
    return number(figure.value if figure else None)
