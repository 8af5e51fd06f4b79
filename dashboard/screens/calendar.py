"""Calendar: coming meetings and deadlines, and the iCalendar feeds."""

from datetime import timedelta

import streamlit as st

from dashboard import ui
from dashboard.compute.calendar import deadline_rows, event_rows, kind_label, split_meetings
from dashboard.i18n import _

st.title(_("Calendar: meetings and deadlines"))
ui.how_to_read(
    _(
        "Meetings (the June intersessional meetings of the Standing Committees, the Meetings of "
        "the States Parties, Review Conferences) and treaty deadlines from the day chosen in the "
        "sidebar on. Subscribe to the feeds below in any calendar application to get them with "
        "alerts."
    )
)
api = ui.client()

horizon = st.slider(_("Months ahead"), min_value=1, max_value=36, value=12)
start = ui.as_of()
events = ui.data_or_notice(ui.fetch(api.events, start, end=start + timedelta(days=31 * horizon)))
if events is not None:
    meetings, deadlines = split_meetings(events)
    kinds = sorted({e.kind for e in events}, key=kind_label)
    chosen = st.multiselect(
        _("Kinds of date"), kinds, default=kinds, format_func=kind_label, key="calendar_kinds"
    )
    if start < ui.today():
        # The calendar does not replay a past day: its statuses are today's.
        st.caption(_("Statuses as recorded today; the calendar does not replay an earlier day."))
    st.subheader(_("Meetings and Convention dates"))
    ui.table(event_rows([e for e in meetings if e.kind in chosen]), "calendar-meetings")
    st.subheader(_("States' deadlines, by State"))
    states = ui.fetch(api.states, start).data or []
    names = {s.iso3: s.name for s in states}
    chosen_deadlines = [e for e in deadlines if e.kind in chosen]
    ui.table(deadline_rows(chosen_deadlines, names), "calendar-deadlines")

every_meeting, example = api.calendar_url(), api.calendar_url("NIC")
st.subheader(_("Calendar feeds (iCalendar)"))
st.markdown(
    "- "
    + _("All meetings: {link}").format(link=f"[{every_meeting}]({every_meeting})")
    + "\n- "
    + _("Meetings and one State Party's deadlines: {pattern}, e.g. {link}").format(
        pattern=f"`{api.calendar_url('<ISO-3>')}`", link=f"[{example}]({example})"
    )
)
