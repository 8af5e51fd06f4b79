"""Victim assistance: the 26 States Parties and their commitments on actions 23–33."""

import streamlit as st

from dashboard import ui
from dashboard.compute.party import va_matrix
from dashboard.i18n import _

st.title(_("Victim assistance"))
ui.how_to_read(
    _(
        "The 26 States Parties responsible for significant numbers of landmine survivors, and "
        "where each stands on actions #23 to #33 of the Cartagena Action Plan (section IV). A "
        "dash means the action was not found for that State."
    )
)
api = ui.client()

summary = ui.data_or_notice(ui.fetch(api.summary, ui.as_of()))
# The names come from the same service: no second notice when the summary is missing.
states = ui.data_or_notice(ui.fetch(api.states, ui.as_of())) if summary is not None else None
if summary is not None and states is not None:
    survivors = summary.victim_assistance.significant_survivors
    st.metric(_("States Parties with significant numbers of survivors"), f"{survivors.value}")
    commitments = ui.data_or_notice(
        ui.fetch(api.commitments_of, tuple(survivors.states), ui.as_of())
    )
    if commitments is not None:
        ui.table(
            va_matrix(commitments, {s.iso3: s.name for s in states}),
            "victim-assistance-commitments",
            caption=_("Status of each State's commitment on actions #23–#33"),
        )
