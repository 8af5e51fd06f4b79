"""Universalization: who has joined, on a map and by region."""

import streamlit as st

from dashboard import charts, ui
from dashboard.compute.universalization import (
    map_rows,
    map_shapes,
    non_party_rows,
    region_rows,
)
from dashboard.i18n import _

st.title(_("Universalization: which States have joined"))
ui.how_to_read(
    _(
        "The map shows every State: **blue** States Parties, **orange** States not party, as of "
        "the day chosen in the sidebar. The bars give, for each region, the share of its States "
        "that have joined. Regions are the UN's (M49); “Western Asia” stands in for the "
        "brochure's “Middle East”. Tuvalu is too small to draw at this scale."
    )
)
api = ui.client()

states = ui.data_or_notice(ui.fetch(api.states, ui.as_of()))
if states is not None:
    rows = map_rows(states)
    st.subheader(_("States Parties and States not party"))
    shapes = map_shapes(rows, ui.as_of())
    st.plotly_chart(charts.world_map(shapes), config=charts.TOPOJSON_CONFIG, key="world-map")
    ui.table(rows, "states")
    st.subheader(_("States not party"))
    ui.table(non_party_rows(states), "states-not-party")

summary = ui.data_or_notice(ui.fetch(api.summary, ui.as_of()))
if summary is not None:
    st.subheader(_("Adherence by region (% of each region's States that have joined)"))
    names = {s.iso3: s.name for s in states or []}
    regions = region_rows(summary, names)
    st.plotly_chart(charts.adherence_bars(regions), key="regions")
    ui.table(regions, "adherence-by-region")
    for statement in summary.universalization.statements:
        # Material icons (their font ships with Streamlit), not emoji a browser may not have.
        mark = (
            ":material/check:" if statement.holds else ":material/warning: " + _("no longer holds:")
        )
        st.markdown(f"{mark} {_(statement.text)}.")
