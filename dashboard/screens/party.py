"""Party profile: one State's membership, obligations, deadlines, commitments and dates."""

import streamlit as st

from dashboard import ui
from dashboard.compute import (
    change_rows,
    commitment_rows,
    deadline_rows,
    event_rows,
    reminder_rows,
)

st.title("Party profile")
ui.how_to_read(
    "Pick a State. You see its membership, what it owes under Articles 3, 4, 5, 7 and 9, its "
    "treaty deadlines with their status on the day chosen in the sidebar (met, pending, due soon, "
    "overdue), its commitments on the actions that bind it, and its coming dates."
)

states = ui.fetch("parties", "/states", {"limit": 500, **ui.as_of_query()})
if ui.usable(states):
    names = {s["iso3"]: s["name"] for s in states.data["items"]}
    default = list(names).index("NIC") if "NIC" in names else 0
    iso3 = st.selectbox(
        "State", list(names), index=default, format_func=lambda c: f"{names[c]} ({c})", key="party"
    )
    detail = ui.fetch("parties", f"/states/{iso3}", ui.as_of_query())
    if ui.usable(detail):
        state = detail.data
        membership = state["membership"]
        st.subheader(
            f"{state['name']} — {'State Party' if membership['status'] == 'party' else 'not party'}"
        )
        left, right = st.columns(2)
        left.write(f"Deposit of instrument: {membership['deposit_date'] or '—'}")
        left.write(f"Entry into force: {membership['entry_into_force'] or '—'}")
        right.write(f"Region: {state['regions']['un_region']} / {state['regions']['un_subregion']}")
        right.write("Action-plan groups: " + (", ".join(state["groups"]) or "none"))
        st.caption(
            ("" if membership["verified"] else "Dates not verified against a source. ")
            + membership["source"]
        )
        if state["obligations"]:
            st.subheader("Obligations")
            ui.table(
                [
                    {"obligation": key.replace("_", " "), "value": value}
                    for key, value in state["obligations"].items()
                    if not key.endswith("source") and key not in ("version", "updated_at")
                ],
                f"{iso3}-obligations",
            )
        st.subheader("Deadlines")
        ui.table(deadline_rows(state["deadlines"]), f"{iso3}-deadlines")
        history = ui.fetch(
            "parties",
            "/changes",
            {"since": "2010-01-01", "until": ui.as_of().isoformat(), "iso3": iso3, "limit": 500},
        )
        st.subheader("History: what was recorded for this State")
        if ui.usable(history):
            ui.table(change_rows(history.data["items"]), f"{iso3}-history")
        if membership["status"] == "party":
            commitments = ui.fetch(
                "parties", f"/parties/{iso3}/commitments", {"limit": 500, **ui.as_of_query()}
            )
            st.subheader("Commitments")
            if ui.usable(commitments):
                ui.table(commitment_rows(commitments.data["items"]), f"{iso3}-commitments")
    st.subheader("Coming dates")
    events = ui.fetch(
        "reminders", "/events", {"iso3": iso3, "from": ui.as_of().isoformat(), "limit": 500}
    )
    rules = ui.fetch("reminders", "/rules", {"limit": 500})
    if ui.usable(events):
        ui.table(event_rows(events.data["items"]), f"{iso3}-dates")
        if rules.data is not None:
            st.subheader("Upcoming reminders to its contact points")
            ui.table(
                reminder_rows(events.data["items"], rules.data["items"], ui.as_of()),
                f"{iso3}-reminders",
                caption="Sent at the lead times the rules set for each kind of date",
            )
