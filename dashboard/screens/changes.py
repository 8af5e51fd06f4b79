"""Changes: what was recorded since the last meeting, or any day."""

from datetime import date

import streamlit as st

from dashboard import i18n, ui
from dashboard.compute.changes import change_rows, since_last_meeting
from dashboard.i18n import _, ngettext

st.title(_("What changed"))
ui.how_to_read(
    _(
        "Every change the States Parties, the committee and administrators recorded "
        "(commitments, obligations, reports, extension requests, the committee's assessments, "
        "meetings added or moved), oldest first, each field's value before and after. It starts "
        "from the first day of the last Meeting of the States Parties on the calendar; pick "
        "another day if you wish."
    )
)

api = ui.client()
# By default: since the first day of the last Meeting of the States Parties (or Review
# Conference) the calendar has before the as-of day, else since the start of that year.
meetings = [
    event
    for kind in ("meeting_of_states_parties", "review_conference")
    for event in ui.fetch(api.meetings, kind, ui.as_of()).data or []
]
default = since_last_meeting(meetings, ui.as_of()) or date(ui.as_of().year, 1, 1)
since = st.date_input(
    _("Since"), value=default, max_value=ui.as_of(), format=ui.DATE_FORMAT, key="since"
)
changes = ui.data_or_notice(ui.fetch(api.changes, since, ui.as_of()))
if changes is not None:
    st.write(
        ngettext(
            "{count} change from {since} to {until}.",
            "{count} changes from {since} to {until}.",
            len(changes),
        ).format(count=len(changes), since=i18n.day(since), until=i18n.day(ui.as_of()))
    )
    ui.table(change_rows(changes), "changes")
