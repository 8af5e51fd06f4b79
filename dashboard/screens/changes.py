"""Changes: what was recorded since the last meeting, or any day."""

from datetime import date

import streamlit as st

from dashboard import ui
from dashboard.compute.changes import change_rows

st.title("What changed")
ui.how_to_read(
    "Every change the States Parties and administrators recorded (commitments, obligations, "
    "reports, extension requests), oldest first, with the fields that changed. Pick the day to "
    "start from — for instance the first day of the last meeting."
)

since = st.date_input("Since", value=date(ui.as_of().year, 1, 1), max_value=ui.as_of(), key="since")
changes = ui.data_or_notice(ui.fetch(ui.client().changes, since, ui.as_of()))
if changes is not None:
    st.write(f"{changes.total} change(s) from {since} to {ui.as_of()}.")
    ui.table(change_rows(changes.items), "changes")
