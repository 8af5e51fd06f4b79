"""Pure functions that turn the services' answers into what the pages show (no Streamlit)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

STATUSES = ("not_started", "in_progress", "completed", "not_applicable")
STATUS_LABELS = {
    "not_started": "not started",
    "in_progress": "in progress",
    "completed": "completed",
    "not_applicable": "not applicable",
}
DEADLINE_LABELS = {
    "met": "met",
    "pending": "pending",
    "due_soon": "due soon",
    "overdue": "overdue",
    "unknown": "unknown (before the records begin)",
}


def notice(service: str, fetched_at: datetime | None) -> str:
    """The line shown where a service's data is missing or stale."""
    if fetched_at is None:
        return f"{service} unavailable — no data yet"
    return f"{service} unavailable — last data from {fetched_at:%Y-%m-%d %H:%M:%S} UTC"


def number(value: float | int | None, unit: str = "") -> str:
    """Format a figure with thousands separators and its unit (US$ in front)."""
    if value is None:
        return "—"
    if unit == "US$":
        if value >= 1_000_000_000:
            return f"US$ {value / 1_000_000_000:.1f} billion"
        if value >= 1_000_000:
            return f"US$ {value / 1_000_000:,.0f} million"
        return f"US$ {value:,.0f}"
    text = f"{value:,.0f}"
    return f"{text} {unit}".strip()


def provenance(figure: dict[str, Any] | None) -> str:
    """Where a figure comes from: its source, or how it was counted."""
    if not figure:
        return ""
    if figure.get("source"):
        period = f" ({figure['period']})" if figure.get("period") else ""
        return f"Source: {figure['source']}{period}"
    return f"Counted from the records: {figure.get('derivation', '')}"


# ------------------------------------------------------------------ overview


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


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return max(0.0, min(1.0, part / whole))


def _sources(*figures: dict[str, Any] | None) -> list[str]:
    return [line for line in (provenance(f) for f in figures) if line]


def overview_cards(summary: dict[str, Any]) -> list[Card]:
    """The four aims, then cooperation, transparency and compliance."""
    return [
        _universalization(summary["universalization"]),
        _stockpiles(summary["stockpile_destruction"]),
        _clearance(summary["clearance"]),
        _victim_assistance(summary["victim_assistance"]),
        _cooperation(summary["cooperation"]),
        _transparency(summary["transparency"]),
        _compliance(summary["compliance"]),
    ]


LOW_ADHERENCE_REGIONS = ("Asia", "Western Asia", "Commonwealth of Independent States (2010)")


def _universalization(section: dict[str, Any]) -> Card:
    parties, non_parties, states = (
        section[k]["value"] for k in ("parties", "non_parties", "states")
    )
    holding = [s["text"] + "." for s in section["statements"] if s["holds"]]
    broken = [
        f"{s['text']} — no longer holds: not party now: {', '.join(s['exceptions']) or 'none'}."
        for s in section["statements"]
        if not s["holds"]
    ]
    low = [
        f"{r['region']} ({r['parties']} of {r['states']})"
        for r in section["regions"]
        if r["region"] in LOW_ADHERENCE_REGIONS and (r["share"] or 0) < 0.5
    ]
    challenges = [f"{non_parties} States have not yet ratified or acceded to the Convention."]
    if low:
        challenges.append("Adherence remains low in " + ", ".join(low) + ".")
    return Card(
        aim="Universalization",
        label=f"States Parties, of {states} States",
        value=str(parties),
        share=_share(parties, states),
        share_label=f"{parties / states:.0%} of the {states} States have joined" if states else "",
        sources=_sources(section["parties"], section["parties"].get("seed_figure")),
        progress=[f"{parties} States have ratified or acceded to the Convention.", *holding],
        challenges=challenges + broken,
    )


def _stockpiles(section: dict[str, Any]) -> Card:
    gone, still = section["no_longer_holding"]["value"], section["still_destroying"]["value"]
    overdue = [s["name"] for s in section["still_destroying"]["states"] if s["status"] == "overdue"]
    destroyed = section.get("destroyed_total") or {}
    qualifier = f"{destroyed['qualifier']} " if destroyed.get("qualifier") else ""
    progress = (
        [
            f"Together the States Parties have destroyed {qualifier}"
            f"{number(destroyed.get('value'), 'mines')}."
        ]
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
        sources=_sources(section["no_longer_holding"], destroyed),
        progress=progress,
        challenges=challenges,
    )


def _clearance(section: dict[str, Any]) -> Card:
    reported, completed = section["reported_mined_areas"]["value"], section["completed"]["value"]
    extensions = section["extensions_granted"]["value"]
    challenges = [
        f"{section['in_progress']['value']} States Parties are still clearing mined areas; "
        f"{extensions} extensions of Article 5 deadlines have been granted."
    ]
    if section["overdue"]:
        challenges.append(f"Deadline passed: {', '.join(i['name'] for i in section['overdue'])}.")
    return Card(
        aim="Clearance of mined areas",
        label=f"completed clearance, of {reported} that reported mined areas",
        value=str(completed),
        share=_share(completed, reported),
        share_label=f"{completed} of the {reported} States Parties have cleared all mined areas",
        sources=_sources(section["completed"]),
        progress=[
            f"{completed} of {reported} States Parties that reported mined areas have "
            "completed clearance."
        ],
        challenges=challenges,
    )


def _victim_assistance(section: dict[str, Any]) -> Card:
    count = section["significant_survivors"]["value"]
    funding = section.get("funding_since_2004") or {}
    progress = (
        [
            f"Specialised organisations generated {funding.get('qualifier') or ''} "
            f"{number(funding.get('value'), 'US$')} since 2004.".replace("  ", " ")
        ]
        if funding
        else []
    )
    return Card(
        aim="Victim assistance",
        label="States Parties with significant numbers of survivors",
        value=str(count),
        share=None,
        share_label="",
        sources=_sources(section["significant_survivors"], funding),
        progress=progress,
        challenges=[
            "Translating a better understanding of victim assistance into tangible "
            "improvements in the daily lives of mine victims."
        ],
    )


def _cooperation(section: dict[str, Any]) -> Card:
    funding = section.get("funding_since_2004") or {}
    producers = section.get("former_producers_bound") or {}
    return Card(
        aim="Cooperation and assistance",
        label="Funding generated since 2004",
        value=f"{funding.get('qualifier') or ''} {number(funding.get('value'), 'US$')}".strip(),
        share=_share(producers.get("value"), producers.get("of")),
        share_label=(
            f"{number(producers.get('value'))} of {number(producers.get('of'))} former "
            "producers of anti-personnel mines are bound by the ban"
        )
        if producers
        else "",
        sources=_sources(funding, producers),
    )


def _transparency(section: dict[str, Any]) -> Card:
    missing = section["initial_reports_missing"]
    overdue = section["annual_reports_overdue"]
    names = ", ".join(missing.get("states") or []) or "none"
    return Card(
        aim="Transparency (Article 7)",
        label="States Parties without an initial report",
        value=str(missing["value"]),
        share=None,
        share_label="",
        sources=_sources(missing, missing.get("seed_figure"), overdue),
        progress=[f"Every State Party but {names} has submitted its initial report."],
        challenges=[
            f"{overdue['value']} States Parties have no report covering "
            f"{overdue.get('covers_year')} recorded by its 30 April deadline."
        ],
    )


def _compliance(section: dict[str, Any]) -> Card:
    adopted = section.get("legislation_adopted") or {}
    sufficient = section.get("existing_law_sufficient") or {}
    missing = section.get("legislation_not_indicated") or {}
    total = sum(f.get("value") or 0 for f in (adopted, sufficient, missing))
    covered = (adopted.get("value") or 0) + (sufficient.get("value") or 0)
    return Card(
        aim="Compliance (Article 9)",
        label=f"States Parties with legislation or sufficient law, of {number(total)}",
        value=number(covered),
        share=_share(covered, total),
        share_label=f"{number(adopted.get('value'))} adopted legislation, "
        f"{number(sufficient.get('value'))} consider existing law sufficient",
        sources=_sources(adopted, missing),
        challenges=[
            f"{number(missing.get('value'))} States Parties have not yet indicated "
            "legislation sufficient to prevent and suppress prohibited acts."
        ],
    )


# ------------------------------------------------------------------ tables


def uniform_columns(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each column one type: a column mixing kinds of values (e.g. years and text) is text."""
    mixed = {column for column in (rows[0] if rows else {}) if len(_kinds(rows, column)) > 1}
    return [
        {
            key: str(value) if key in mixed and value is not None else value
            for key, value in row.items()
        }
        for row in rows
    ]


def _kinds(rows: list[dict[str, Any]], column: str) -> set[str]:
    def kind(value: Any) -> str:
        if isinstance(value, bool):
            return "bool"
        return "number" if isinstance(value, int | float) else type(value).__name__

    return {kind(row[column]) for row in rows if row[column] is not None}


def region_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Adherence by region: States, parties, share, who is missing."""
    return [
        {
            "region": r["region"],
            "States": r["states"],
            "States Parties": r["parties"],
            "share joined (%)": round(100 * (r["share"] or 0), 1),
            "not party": ", ".join(r["non_parties"]),
        }
        for r in summary["universalization"]["regions"]
    ]


def map_rows(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per state for the world map."""
    return [
        {
            "iso3": s["iso3"],
            "state": s["name"],
            "status": "State Party" if s["membership"]["status"] == "party" else "not party",
            "entry into force": s["membership"]["entry_into_force"] or "",
        }
        for s in states
    ]


def non_party_rows(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The states that are not party, with their region."""
    return [
        {
            "state": s["name"],
            "iso3": s["iso3"],
            "region": s["regions"]["un_region"],
            "sub-region": s["regions"]["un_subregion"],
        }
        for s in states
        if s["membership"]["status"] != "party"
    ]


def stockpile_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """States still destroying stockpiles: deadline, status, mines destroyed."""
    return [
        {
            "state": s["name"],
            "iso3": s["iso3"],
            "Article 4 deadline": s["deadline"],
            "status": DEADLINE_LABELS.get(s["status"] or "", s["status"]),
            "overdue": s["status"] == "overdue",
            "mines destroyed (reported)": s["mines_destroyed"],
        }
        for s in summary["stockpile_destruction"]["still_destroying"]["states"]
    ]


@dataclass(frozen=True)
class TimelineBar:
    """One state's clearance deadline: entry into force → original deadline (→ extension)."""

    state: str
    iso3: str
    start: date
    original: date
    extended: date | None
    status: str


def clearance_timeline(deadlines: list[dict[str, Any]]) -> list[TimelineBar]:
    """Bars for the states still clearing, as in the seed's chart, by deadline."""
    bars = [
        TimelineBar(
            state=d["name"],
            iso3=d["iso3"],
            start=date.fromisoformat(d["entry_into_force"]),
            original=date.fromisoformat(d["original_due"] or d["due"]),
            extended=date.fromisoformat(d["due"]) if d["original_due"] else None,
            status=d["status"],
        )
        for d in deadlines
        if d["kind"] == "article5_clearance" and d["status"] != "met" and d["entry_into_force"]
    ]
    return sorted(bars, key=lambda b: (b.extended or b.original, b.state), reverse=True)


def completed_clearance_rows(deadlines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """States that declared clearance complete."""
    return [
        {
            "state": d["name"],
            "iso3": d["iso3"],
            "deadline": d["due"],
            "completed on": d["met_on"] or "not dated",
        }
        for d in deadlines
        if d["kind"] == "article5_clearance" and d["status"] == "met"
    ]


def heatmap(progress: list[dict[str, Any]], actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per action: the share (%) of the parties it binds in each commitment status."""
    sections = {a["number"]: a["section"]["number"] for a in actions}
    rows = []
    for item in progress:
        bound = item["applicable_parties"]
        row: dict[str, Any] = {
            "action": item["action_number"],
            "section": sections.get(item["action_number"], ""),
            "binds": item["applies_to"],
            "parties bound": bound,
        }
        for status in STATUSES:
            row[STATUS_LABELS[status]] = (
                round(100 * item["by_status"].get(status, 0) / bound, 1) if bound else None
            )
        rows.append(row)
    return rows


def section_shares(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Average completion share per section, weighted by the parties each action binds."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        if row["parties bound"]:
            totals[row["section"]][0] += row["completed"] * row["parties bound"] / 100
            totals[row["section"]][1] += row["parties bound"]
    return [
        {"section": s, "completed (%)": round(100 * done / bound, 1)}
        for s, (done, bound) in totals.items()
        if bound
    ]


def lagging_rows(progress: dict[str, Any]) -> list[dict[str, Any]]:
    """The parties an action binds that have not completed it, those not started first."""
    order = {status: i for i, status in enumerate(STATUSES)}
    return [
        {
            "state": p["name"],
            "iso3": p["iso3"],
            "status": STATUS_LABELS[p["status"]],
            "target date": p["target_date"] or "",
            "last update": p["updated_at"] or "",
        }
        for p in sorted(progress["parties"], key=lambda p: (order[p["status"]], p["name"]))
        if p["status"] in ("not_started", "in_progress")
    ]


def assessment_rows(assessments: list[dict[str, Any]], as_of: date | None) -> list[dict[str, Any]]:
    """The committee's assessments up to a day, latest first."""
    return [
        {
            "assessed on": a["assessed_on"],
            "status": a["status"].replace("_", " "),
            "period": a["period"],
            "narrative": a["narrative"],
        }
        for a in assessments
        if as_of is None or date.fromisoformat(a["assessed_on"]) <= as_of
    ]


def va_matrix(
    commitments: dict[str, list[dict[str, Any]]], names: dict[str, str]
) -> list[dict[str, Any]]:
    """The 26 states × actions 23–33: each cell the commitment's status."""
    rows = []
    for iso3 in sorted(commitments, key=lambda code: names.get(code, code)):
        row: dict[str, Any] = {"state": names.get(iso3, iso3)}
        by_action = {c["action_number"]: c["status"] for c in commitments[iso3]}
        for number_ in range(23, 34):
            row[f"#{number_}"] = STATUS_LABELS.get(by_action.get(number_, ""), "—")
        rows.append(row)
    return rows


def deadline_rows(deadlines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A party's deadlines for a table."""
    return [
        {
            "obligation": d["kind"].replace("_", " "),
            "due": d["due"],
            "status": DEADLINE_LABELS.get(d["status"], d["status"]),
            "year covered": d["covers_year"],
            "met on": d["met_on"],
            "source": d["source"],
        }
        for d in deadlines
    ]


def commitment_rows(commitments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A party's commitments for a table."""
    return [
        {
            "action": c["action_number"],
            "binds": c["applies_to"],
            "status": STATUS_LABELS[c["status"]],
            "target date": c["target_date"] or "",
            "narrative": c["narrative"],
            "version": c["version"],
        }
        for c in commitments
    ]


def event_rows(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Meetings and deadlines for the calendar, in date order."""
    return [
        {
            "from": e["start"],
            "to": e["end"] or e["start"],
            "what": e["title"],
            "kind": e["kind"].replace("_", " "),
            "where": e.get("location") or "",
            "state": e.get("iso3") or "",
            "source": e.get("source") or "",
        }
        for e in sorted(events, key=lambda e: (e["start"], e["title"]))
    ]


def reminder_rows(
    events: list[dict[str, Any]], rules: list[dict[str, Any]], from_day: date
) -> list[dict[str, Any]]:
    """When reminders go out ahead of each coming date, from the rules' lead times."""
    lead_times = {rule["kind"]: rule["before_days"] for rule in rules}
    rows = []
    for event in events:
        start = date.fromisoformat(event["start"])
        for days in lead_times.get(event["kind"], []):
            sent = start - timedelta(days=days)
            if sent >= from_day:
                rows.append(
                    {
                        "reminder on": sent.isoformat(),
                        "days before": days,
                        "for": event["title"],
                        "date": event["start"],
                    }
                )
    return sorted(rows, key=lambda row: (row["reminder on"], row["for"]))


def change_rows(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What changed, for a table."""
    return [
        {
            "when (UTC)": c["occurred_at"][:19].replace("T", " "),
            "what": c["entity"].replace("_", " "),
            "which": c["entity_id"],
            "change": c["operation"],
            "fields": ", ".join(c["fields"]),
            "by": c["actor_role"],
        }
        for c in changes
    ]
