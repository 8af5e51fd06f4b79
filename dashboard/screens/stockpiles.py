"""Stockpile destruction (Article 4)."""

import streamlit as st

from dashboard import ui
from dashboard.compute import number, provenance, stockpile_rows

st.title("Stockpile destruction (Article 4)")
ui.how_to_read(
    "Each State Party must destroy its stockpiled anti-personnel mines within four years of the "
    "Convention's entry into force for it. The table lists the States Parties still destroying "
    "stockpiles with their deadline; a deadline in the past is flagged **overdue**."
)

summary = ui.fetch("parties", "/summary", ui.as_of_query())
if ui.usable(summary):
    section = summary.data["stockpile_destruction"]
    left, middle, right = st.columns(3)
    left.metric("States Parties holding no stockpiles", f"{section['no_longer_holding']['value']}")
    middle.metric("States Parties still destroying", f"{section['still_destroying']['value']}")
    total = section.get("destroyed_total") or {}
    right.metric(
        "Mines destroyed by all States Parties",
        f"{total.get('qualifier') or ''} {number(total.get('value'), 'mines')}".strip(),
    )
    st.caption(provenance(total))
    rows = stockpile_rows(summary.data)
    overdue = [r["state"] for r in rows if r["overdue"]]
    if overdue:
        st.error("Deadline passed, destruction not complete: " + ", ".join(overdue))
    ui.table(rows, "stockpile-destruction")
