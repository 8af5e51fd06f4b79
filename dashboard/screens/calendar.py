"""Calendar: coming meetings and deadlines, and the iCalendar feeds."""

from datetime import timedelta

import streamlit as st

from dashboard import ui
from dashboard.compute import event_rows

st.title("Calendar: meetings and deadlines")
ui.how_to_read(
    "Meetings (the June intersessional meetings of the Standing Committees, the Meetings of the "
    "States Parties, Review Conferences) and treaty deadlines from the day chosen in the sidebar "
    "on. Subscribe to the feeds below in any calendar application to get them with alerts."
)

horizon = st.slider("Months ahead", min_value=1, max_value=36, value=12)
start = ui.as_of()
events = ui.fetch(
    "reminders",
    "/events",
    {
        "from": start.isoformat(),
        "to": (start + timedelta(days=31 * horizon)).isoformat(),
        "limit": 500,
    },
)
if ui.usable(events):
    ui.table(event_rows(events.data["items"]), "calendar")

base = (ui.settings().reminders_public_url or ui.settings().reminders_url).rstrip("/")
st.subheader("Calendar feeds (iCalendar)")
st.markdown(
    f"- All meetings: [{base}/calendar.ics]({base}/calendar.ics)\n"
    f"- Meetings and one State Party's deadlines: `{base}/calendar/<ISO-3>.ics`, "
    f"e.g. [{base}/calendar/NIC.ics]({base}/calendar/NIC.ics)"
)
