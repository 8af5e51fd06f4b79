"""Clearance of mined areas (Article 5): the deadline timeline."""

import streamlit as st

from dashboard import charts, ui
from dashboard.compute import clearance_timeline, completed_clearance_rows

st.title("Clearance of mined areas (Article 5)")
ui.how_to_read(
    "One bar per State Party still clearing mined areas: the **dark blue** part runs from the "
    "Convention's entry into force for it to its original deadline (ten years); the **light blue** "
    "part to the deadline an extension granted. The dashed red line is the day chosen in the "
    "sidebar: a bar that ends before it is overdue."
)

deadlines = ui.fetch("parties", "/deadlines", {"kind": "article5_clearance", **ui.as_of_query()})
if ui.usable(deadlines):
    bars = clearance_timeline(deadlines.data)
    st.subheader(f"Clearance deadlines of the {len(bars)} States Parties still clearing")
    st.plotly_chart(charts.clearance_gantt(bars, ui.as_of()), key="timeline")
    ui.table(
        [
            {
                "state": b.state,
                "iso3": b.iso3,
                "entry into force": b.start,
                "original deadline": b.original,
                "extended deadline": b.extended or "",
                "status": b.status,
            }
            for b in bars
        ],
        "clearance-deadlines",
    )
    st.subheader("States Parties that completed clearance")
    ui.table(completed_clearance_rows(deadlines.data), "clearance-completed")

summary = ui.fetch("parties", "/summary", ui.as_of_query())
if ui.usable(summary):
    pending = summary.data["clearance"]["extension_requests_pending"]
    st.subheader("Extension requests in progress")
    st.write(
        f"{pending['value']} request(s) submitted or under analysis: "
        f"{', '.join(pending['states']) or 'none'}."
    )
