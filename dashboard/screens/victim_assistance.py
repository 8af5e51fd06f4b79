"""Victim assistance: the 26 States Parties and their commitments on actions 23–33."""

import streamlit as st

from dashboard import ui
from dashboard.compute import va_matrix

st.title("Victim assistance")
ui.how_to_read(
    "The 26 States Parties responsible for significant numbers of landmine survivors, and where "
    "each stands on actions #23 to #33 of the Cartagena Action Plan (section IV). A dash means "
    "the action was not found for that State."
)

summary = ui.fetch("parties", "/summary", ui.as_of_query())
states = ui.fetch("parties", "/states", {"limit": 500, **ui.as_of_query()})
if ui.usable(summary) and ui.usable(states):
    survivors = summary.data["victim_assistance"]["significant_survivors"]
    st.metric("States Parties with significant numbers of survivors", f"{survivors['value']}")
    names = {s["iso3"]: s["name"] for s in states.data["items"]}
    commitments = {}
    failed = None
    for iso3 in survivors["states"]:
        result = ui.fetch(
            "parties", f"/parties/{iso3}/commitments", {"limit": 500, **ui.as_of_query()}
        )
        if result.data is None:
            failed = result
            continue
        commitments[iso3] = result.data["items"]
    if failed is not None:
        ui.usable(failed)
    ui.table(
        va_matrix(commitments, names),
        "victim-assistance-commitments",
        caption="Status of each State's commitment on actions #23–#33",
    )
