"""Plotly figures for the pages (pure: data in, figure out)."""

from __future__ import annotations

from datetime import date
from typing import Any

import plotly.graph_objects as go

from dashboard.compute.deadlines import TimelineBar
from dashboard.compute.formatting import STATUS_LABELS, STATUSES
from dashboard.i18n import _
from dashboard.i18n import day as long_day

PARTY_COLOUR = "#2a7ab0"
NON_PARTY_COLOUR = "#e08a3c"
ORIGINAL_COLOUR = "#2a7ab0"
EXTENSION_COLOUR = "#9cc7e4"
DAY_COLOUR = "#c0392b"  # the day shown, and a deadline passed
# The map's country shapes are served by the dashboard itself (no CDN): see static/.
TOPOJSON_CONFIG = {"topojsonURL": "app/static/", "displaylogo": False}


def world_map(rows: list[dict[str, Any]]) -> go.Figure:
    """States Parties and states not party on a world map (ISO-3, 50m shapes)."""
    figure = go.Figure()
    # The rows' status is the membership label in the reader's language (map_rows).
    for status, colour in ((_("State Party"), PARTY_COLOUR), (_("not party"), NON_PARTY_COLOUR)):
        chosen = [r for r in rows if r["status"] == status]
        states = sum(1 for r in chosen if not r.get("part_of"))  # shapes ≠ States
        figure.add_trace(
            go.Choropleth(
                locations=[r["iso3"] for r in chosen],
                locationmode="ISO-3",
                z=[1] * len(chosen),
                text=[r["state"] for r in chosen],
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                name=f"{status} ({states})",
                hovertemplate="%{text}<br>" + status + "<extra></extra>",
                marker_line_color="white",
                marker_line_width=0.3,
                showlegend=True,
            )
        )
    figure.update_geos(
        resolution=50,
        showcountries=True,
        showframe=False,
        projection_type="natural earth",
        projection_rotation_lon=0,
        lataxis_range=[-58, 85],
        showland=True,
        landcolor="#eeeeee",
    )
    figure.update_layout(
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=480, legend={"orientation": "h", "y": -0.05}
    )
    return figure


def adherence_bars(rows: list[dict[str, Any]]) -> go.Figure:
    """Share of each region's States that have joined, in %."""
    figure = go.Figure(
        go.Bar(
            x=[r["share joined (%)"] for r in rows],
            y=[r["region"] for r in rows],
            orientation="h",
            marker_color=PARTY_COLOUR,
            text=[
                _("{parties} of {states}").format(parties=r["States Parties"], states=r["States"])
                for r in rows
            ],
            hovertemplate=_("{region}: {share}% joined ({count})").format(
                region="%{y}", share="%{x}", count="%{text}"
            )
            + "<extra></extra>",
        )
    )
    figure.update_layout(
        xaxis_title=_("States that have joined (% of the region's States)"),
        xaxis_range=[0, 100],
        height=360,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"autorange": "reversed"},
    )
    return figure


def clearance_gantt(
    bars: list[TimelineBar], today: date, *, as_of: date | None = None
) -> go.Figure:
    """Entry into force → original deadline, then the extension in a lighter shade; a line on
    the day shown, labelled "today" only when it is today."""
    shown = as_of or today
    figure = go.Figure()
    labels = [b.state for b in bars]
    figure.add_trace(
        go.Bar(
            y=labels,
            base=[b.start.isoformat() for b in bars],
            x=[_ms(b.start, b.original) for b in bars],
            orientation="h",
            marker_color=ORIGINAL_COLOUR,
            name=_("entry into force → original deadline (10 years)"),
            customdata=[[long_day(b.start), long_day(b.original)] for b in bars],
            hovertemplate="%{y}: %{customdata[0]} → %{customdata[1]}<extra></extra>",
        )
    )
    extended = [b for b in bars if b.extended]
    figure.add_trace(
        go.Bar(
            y=[b.state for b in extended],
            base=[b.original.isoformat() for b in extended],
            x=[_ms(b.original, b.extended) for b in extended if b.extended],
            orientation="h",
            marker_color=EXTENSION_COLOUR,
            # Hatched: an extended deadline that rests on an unverified input (docs/data.md).
            marker_pattern_shape=["/" if not b.verified else "" for b in extended],
            name=_("extension granted → extended deadline (hatched: unverified)"),
            customdata=[[long_day(b.extended) if b.extended else ""] for b in extended],
            hovertemplate=_("{state}: extended to {day}").format(
                state="%{y}", day="%{customdata[0]}"
            )
            + "<extra></extra>",
        )
    )
    _day_line(figure, shown, today)
    figure.update_layout(
        barmode="overlay",
        xaxis_type="date",
        height=max(320, 22 * len(bars)),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.1},
        xaxis_title=_("year"),
    )
    return figure


def _day_line(figure: go.Figure, shown: date, today: date) -> None:
    """A dashed line on the day shown, labelled "today" only when it is today."""
    figure.add_vline(x=shown.isoformat(), line_color=DAY_COLOUR, line_dash="dash")
    figure.add_annotation(
        x=shown.isoformat(),
        y=1.02,
        yref="paper",
        text=(_("today ({day})") if shown >= today else _("as of {day}")).format(
            day=long_day(shown)
        ),
        showarrow=False,
        font={"color": DAY_COLOUR},
    )


def stockpile_deadlines(
    rows: list[dict[str, Any]], today: date, *, as_of: date | None = None
) -> go.Figure:
    """The brochure's chart: each State still destroying its stockpiles, a mark on its Article 4
    deadline (red when passed with destruction not complete), on a time axis with the day shown."""
    shown = as_of or today
    dated = [r for r in rows if r["Article 4 deadline"]]
    figure = go.Figure(
        go.Scatter(
            x=[r["Article 4 deadline"] for r in dated],
            y=[r["state"] for r in dated],
            mode="markers+text",
            marker={
                "size": 14,
                "symbol": "diamond",
                "color": [DAY_COLOUR if r["overdue"] else ORIGINAL_COLOUR for r in dated],
            },
            text=[_long_day(r["Article 4 deadline"]) for r in dated],
            textposition="middle right",
            customdata=[[r["status"]] for r in dated],
            hovertemplate="%{y}: %{text} (%{customdata[0]})<extra></extra>",
            showlegend=False,
        )
    )
    _day_line(figure, shown, today)
    years = [int(r["Article 4 deadline"][:4]) for r in dated] + [shown.year]
    figure.update_layout(
        xaxis={
            "type": "date",
            "range": [f"{min(years) - 1}-01-01", f"{max(years) + 2}-12-31"],
            "dtick": "M12",
            "tickformat": "%Y",
            "title": _("Article 4 deadline"),
        },
        yaxis={"autorange": "reversed"},
        height=max(240, 48 * len(dated)),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    return figure


def _long_day(iso: str) -> str:
    return long_day(date.fromisoformat(iso))


def _ms(start: date, end: date) -> float:
    """A bar's length on a date axis is in milliseconds."""
    return (end - start).days * 86_400_000.0


def status_heatmap(rows: list[dict[str, Any]]) -> go.Figure:
    """Actions × commitment status: the share of the parties each action binds, in %."""
    columns = [STATUS_LABELS[s] for s in STATUSES]
    figure = go.Figure(
        go.Heatmap(
            z=[[row[c] for c in columns] for row in rows],
            x=[_(c) for c in columns],
            y=[f"#{row['action']} ({row['section']})" for row in rows],
            colorscale="Blues",
            zmin=0,
            zmax=100,
            colorbar={"title": _("% of parties bound")},
            hovertemplate=_("action {action}<br>{status}: {share}% of the parties it binds").format(
                action="%{y}", status="%{x}", share="%{z}"
            )
            + "<extra></extra>",
        )
    )
    figure.update_layout(
        height=max(400, 14 * len(rows)),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"autorange": "reversed"},
    )
    return figure
