"""Universalization: who has joined, on a map and by region."""

import streamlit as st

from dashboard import charts, ui
from dashboard.compute import map_rows, non_party_rows, region_rows

st.title("Universalization: which States have joined")
ui.how_to_read(
    "The map shows every State: **blue** States Parties, **orange** States not party, as of the "
    "day chosen in the sidebar. The bars give, for each region, the share of its States that "
    "have joined. Regions are the UN's (M49); “Western Asia” stands in for the brochure's "
    "“Middle East”. Tuvalu is too small to draw at this scale."
)

states = ui.fetch("parties", "/states", {"limit": 500, **ui.as_of_query()})
if ui.usable(states):
    rows = map_rows(states.data["items"])
    st.subheader("States Parties and States not party")
    st.plotly_chart(charts.world_map(rows), config=charts.TOPOJSON_CONFIG, key="world-map")
    ui.table(rows, "states")
    st.subheader("States not party")
    ui.table(non_party_rows(states.data["items"]), "states-not-party")

summary = ui.fetch("parties", "/summary", ui.as_of_query())
if ui.usable(summary):
    st.subheader("Adherence by region (% of each region's States that have joined)")
    regions = region_rows(summary.data)
    st.plotly_chart(charts.adherence_bars(regions), key="regions")
    ui.table(regions, "adherence-by-region")
    for statement in summary.data["universalization"]["statements"]:
        mark = "✅" if statement["holds"] else "⚠️ no longer holds:"
        st.markdown(f"{mark} {statement['text']}.")
