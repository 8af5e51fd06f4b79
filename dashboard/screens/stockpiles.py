"""Stockpile destruction (Article 4)."""

import streamlit as st

from dashboard import charts, ui
from dashboard.compute.deadlines import stockpile_rows
from dashboard.compute.formatting import provenance, qualified
from dashboard.i18n import _

st.title(_("Stockpile destruction (Article 4)"))
ui.how_to_read(
    _(
        "Each State Party must destroy its stockpiled anti-personnel mines within four years of "
        "the Convention's entry into force for it. The table lists the States Parties still "
        "destroying stockpiles with their deadline, drawn on a time line as the 2010 brochure "
        "did (a red mark: the deadline passed with destruction not complete); a deadline in the "
        "past is flagged **overdue**."
    )
)

summary = ui.data_or_notice(ui.fetch(ui.client().summary, ui.as_of()))
if summary is not None:
    section = summary.stockpile_destruction
    left, middle, right = st.columns(3)
    left.metric(_("States Parties holding no stockpiles"), f"{section.no_longer_holding.value}")
    middle.metric(_("States Parties still destroying"), f"{section.still_destroying.value}")
    right.metric(
        _("Mines destroyed by all States Parties"), qualified(section.destroyed_total, "mines")
    )
    st.caption(provenance(section.destroyed_total))
    rows = stockpile_rows(summary)
    overdue = [r["state"] for r in rows if r["overdue"]]
    if overdue:
        st.error(
            _("Deadline passed, destruction not complete: {states}").format(
                states=", ".join(overdue)
            )
        )
    st.subheader(_("Deadlines for the destruction of stockpiled anti-personnel mines"))
    chart = charts.stockpile_deadlines(rows, ui.today(), as_of=ui.as_of())
    st.plotly_chart(chart, key="stockpile-deadlines")
    ui.table(rows, "stockpile-destruction")
