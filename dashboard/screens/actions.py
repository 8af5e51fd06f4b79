"""The 67 actions: commitment status by action, the committee's assessments, and who lags."""

import streamlit as st

from dashboard import charts, ui
from dashboard.compute.actions import (
    action_heading,
    assessment_rows,
    heatmap,
    lagging_rows,
    section_shares,
)
from dashboard.compute.formatting import applies_to
from dashboard.i18n import _

st.title(_("The 67 actions of the Cartagena Action Plan"))
ui.how_to_read(
    _(
        "The heatmap shows, for each action, the share of the States Parties it binds whose "
        "commitment is in each status — the darker, the larger the share. Then pick an action to "
        "read its text (in English, the language of the adopted plan), whom it binds, the States "
        "that have not completed it, and the Coordinating Committee's assessments."
    )
)
api = ui.client()

actions = ui.data_or_notice(ui.fetch(api.actions))
# Without the actions the heatmap has no rows: no second notice then.
progress = ui.data_or_notice(ui.fetch(api.progress, ui.as_of())) if actions is not None else None
if actions is not None and progress is not None:
    rows = heatmap(progress, actions)
    st.subheader(_("Commitment status by action (% of the States Parties each action binds)"))
    st.plotly_chart(charts.status_heatmap(rows), key="heatmap")
    ui.table(rows, "commitments-by-action")
    st.subheader(_("Completed, by section (% of commitments)"))
    ui.table(section_shares(rows), "completion-by-section")

latest = ui.data_or_notice(ui.fetch(api.latest_assessments, ui.as_of()))
if latest is not None:
    st.subheader(_("The committee's latest assessment of each action"))
    ui.table(assessment_rows(latest, ui.as_of(), with_action=True), "latest-assessments")

if actions is not None:
    by_number = {a.number: a for a in actions}
    chosen = st.selectbox(
        _("Action"),
        list(by_number),
        format_func=lambda n: _("Action #{number}").format(number=n),
        key="action",
    )
    action = by_number[chosen]
    st.subheader(action_heading(action))
    st.markdown(f"*{action.actor_group.text}*")
    st.markdown(f"> {action.text}")
    st.caption(action.source)
    detail = ui.data_or_notice(ui.fetch(api.action_progress, chosen, ui.as_of()))
    if detail is not None:
        st.write(
            _("Binds {count} States Parties ({group}).").format(
                count=detail.applicable_parties, group=applies_to(detail.applies_to)
            )
        )
        ui.table(
            lagging_rows(detail),
            f"action-{chosen}-not-completed",
            caption=_("States Parties that have not completed this action"),
        )
    history = ui.data_or_notice(ui.fetch(api.assessments, chosen))
    if history is not None and not assessment_rows(history, ui.as_of()):
        st.info(
            _("No record: the committee has recorded no assessment of this action by this day.")
        )
    elif history is not None:
        ui.table(
            assessment_rows(history, ui.as_of()),
            f"action-{chosen}-assessments",
            caption=_("Assessment history, latest first"),
        )
