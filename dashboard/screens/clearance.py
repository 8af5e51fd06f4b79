"""Clearance of mined areas (Article 5): the deadline timeline."""

import streamlit as st

from dashboard import charts, ui
from dashboard.compute.deadlines import (
    CLEARANCE,
    clearance_timeline,
    completed_clearance_rows,
    timeline_rows,
)
from dashboard.i18n import _, ngettext, state_name

st.title(_("Clearance of mined areas (Article 5)"))
ui.how_to_read(
    _(
        "One bar per State Party still clearing mined areas: the **dark blue** part runs from "
        "the Convention's entry into force for it to its original deadline (ten years); the "
        "**light blue** part to the deadline an extension granted. The dashed red line is the "
        "day chosen in the sidebar: a bar that ends before it is overdue. A **hatched** "
        "extension rests on an unverified input (a deposit date, or the extension's pairing "
        "with the State, that no located source states; the table says which): shown, never "
        "presented as sourced."
    )
)
api = ui.client()

deadlines = ui.data_or_notice(ui.fetch(api.deadlines, CLEARANCE, ui.as_of()))
if deadlines is not None:
    bars = clearance_timeline(deadlines)
    st.subheader(
        _("Clearance deadlines of the {count} States Parties still clearing").format(
            count=len(bars)
        )
    )
    st.plotly_chart(charts.clearance_gantt(bars, ui.today(), as_of=ui.as_of()), key="timeline")
    ui.table(timeline_rows(bars), "clearance-deadlines")
    st.subheader(_("States Parties that completed clearance"))
    ui.table(completed_clearance_rows(deadlines), "clearance-completed")

summary = ui.data_or_notice(ui.fetch(api.summary, ui.as_of()))
if summary is not None:
    pending = summary.clearance.extension_requests_pending
    st.subheader(_("Extension requests in progress"))
    names = {s.iso3: s.name for s in ui.fetch(api.states, ui.as_of()).data or []}
    named = [state_name(code, names.get(code, code)) for code in pending.states]
    states = ", ".join(named) or _("none")
    st.write(
        ngettext(
            "{count} request submitted or under analysis: {states}.",
            "{count} requests submitted or under analysis: {states}.",
            pending.value,
        ).format(count=pending.value, states=states)
    )
