"""Clearance of mined areas (Article 5): the deadline timeline."""

import streamlit as st

from dashboard import charts, ui
from dashboard.compute.deadlines import (
    CLEARANCE,
    clearance_timeline,
    completed_clearance_rows,
    timeline_rows,
)

st.title("Clearance of mined areas (Article 5)")
ui.how_to_read(
    "One bar per State Party still clearing mined areas: the **dark blue** part runs from the "
    "Convention's entry into force for it to its original deadline (ten years); the **light blue** "
    "part to the deadline an extension granted. The dashed red line is the day chosen in the "
    "sidebar: a bar that ends before it is overdue. A **hatched** extension rests on an "
    "unverified input (a deposit date, or the extension's pairing with the State, that no "
    "located source states; the table says which): shown, never presented as sourced."
)
api = ui.client()

deadlines = ui.data_or_notice(ui.fetch(api.deadlines, CLEARANCE, ui.as_of()))
if deadlines is not None:
    bars = clearance_timeline(deadlines)
    st.subheader(f"Clearance deadlines of the {len(bars)} States Parties still clearing")
    st.plotly_chart(charts.clearance_gantt(bars, ui.today(), as_of=ui.as_of()), key="timeline")
    ui.table(timeline_rows(bars), "clearance-deadlines")
    st.subheader("States Parties that completed clearance")
    ui.table(completed_clearance_rows(deadlines), "clearance-completed")

summary = ui.data_or_notice(ui.fetch(api.summary, ui.as_of()))
if summary is not None:
    pending = summary.clearance.extension_requests_pending
    st.subheader("Extension requests in progress")
    st.write(
        f"{pending.value} request(s) submitted or under analysis: "
        f"{', '.join(pending.states) or 'none'}."
    )
