"""Calendar: coming meetings and deadlines, and the iCalendar feeds."""

from datetime import timedelta

import streamlit as st

from dashboard import ui
from dashboard.compute.calendar import event_rows

st.title("Calendar: meetings and deadlines")
ui.how_to_read(
    "Meetings (the June intersessional meetings of the Standing Committees, the Meetings of the "
    "States Parties, Review Conferences) and treaty deadlines from the day chosen in the sidebar "
    "on. Subscribe to the feeds below in any calendar application to get them with alerts."
)
api = ui.client()

horizon = st.slider("Months ahead", min_value=1, max_value=36, value=12)
start = ui.as_of()
events = ui.data_or_notice(ui.fetch(api.events, start, end=start + timedelta(days=31 * horizon)))
if events is not None:
    ui.table(event_rows(events), "calendar")

every_meeting, example = api.calendar_url(), api.calendar_url("NIC")
st.subheader("Calendar feeds (iCalendar)")
st.markdown(
    f"- All meetings: [{every_meeting}]({every_meeting})\n"
    f"- Meetings and one State Party's deadlines: `{api.calendar_url('<ISO-3>')}`, "
    f"e.g. [{example}]({example})"
)
