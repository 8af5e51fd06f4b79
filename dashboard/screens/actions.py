"""The 67 actions: commitment status by action, the committee's assessments, and who lags."""

import streamlit as st

from dashboard import charts, ui
from dashboard.compute import assessment_rows, heatmap, lagging_rows, section_shares

st.title("The 67 actions of the Cartagena Action Plan")
ui.how_to_read(
    "The heatmap shows, for each action, the share of the States Parties it binds whose commitment "
    "is in each status — the darker, the larger the share. Then pick an action to read its text, "
    "whom it binds, the States that have not completed it, and the Coordinating Committee's "
    "assessments."
)

actions = ui.fetch("actions", "/actions", {"limit": 500})
progress = ui.fetch("parties", "/progress", ui.as_of_query())
if ui.usable(actions) and ui.usable(progress):
    rows = heatmap(progress.data, actions.data["items"])
    st.subheader("Commitment status by action (% of the States Parties each action binds)")
    st.plotly_chart(charts.status_heatmap(rows), key="heatmap")
    ui.table(rows, "commitments-by-action")
    st.subheader("Completed, by section (% of commitments)")
    ui.table(section_shares(rows), "completion-by-section")

latest = ui.fetch("actions", "/assessments/latest", {"limit": 500})
if ui.usable(latest):
    st.subheader("The committee's latest assessment of each action")
    ui.table(assessment_rows(latest.data["items"], ui.as_of()), "latest-assessments")

if actions.data is not None:
    numbers = [a["number"] for a in actions.data["items"]]
    chosen = st.selectbox("Action", numbers, format_func=lambda n: f"Action #{n}", key="action")
    action = next(a for a in actions.data["items"] if a["number"] == chosen)
    st.subheader(
        f"Action #{chosen} — section {action['section']['number']}: {action['section']['title']}"
    )
    st.markdown(f"*{action['actor_group']['text']}*")
    st.markdown(f"> {action['text']}")
    st.caption(action["source"])
    detail = ui.fetch("parties", f"/actions/{chosen}/progress", ui.as_of_query())
    if ui.usable(detail):
        st.write(
            f"Binds {detail.data['applicable_parties']} States Parties "
            f"({detail.data['applies_to']})."
        )
        ui.table(
            lagging_rows(detail.data),
            f"action-{chosen}-not-completed",
            caption="States Parties that have not completed this action",
        )
    history = ui.fetch("actions", f"/actions/{chosen}/assessments", {"limit": 500})
    if ui.usable(history):
        ui.table(
            assessment_rows(history.data["items"], ui.as_of()),
            f"action-{chosen}-assessments",
            caption="Assessment history, latest first",
        )
