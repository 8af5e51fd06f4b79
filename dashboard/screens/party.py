"""Party profile: one State's membership, obligations, deadlines, commitments and dates."""

import streamlit as st

from dashboard import ui
from dashboard.api_models import StateDetail
from dashboard.compute.calendar import event_rows, reminder_rows
from dashboard.compute.changes import change_rows
from dashboard.compute.deadlines import deadline_rows
from dashboard.compute.formatting import membership_label
from dashboard.compute.party import commitment_rows, obligation_rows

st.title("Party profile")
ui.how_to_read(
    "Pick a State. You see its membership, what it owes under Articles 3, 4, 5, 7 and 9, its "
    "treaty deadlines with their status on the day chosen in the sidebar (met, pending, due soon, "
    "overdue), its commitments on the actions that bind it, and its coming dates."
)
api = ui.client()


def show_state(state: StateDetail) -> None:
    """Membership, region, groups, obligations and deadlines."""
    membership = state.membership
    st.subheader(f"{state.name} — {membership_label(membership)}")
    left, right = st.columns(2)
    left.write(f"Deposit of instrument: {membership.deposit_date or '—'}")
    left.write(f"Entry into force: {membership.entry_into_force or '—'}")
    right.write(f"Region: {state.regions.un_region} / {state.regions.un_subregion}")
    right.write("Action-plan groups: " + (", ".join(state.groups) or "none"))
    st.caption(
        ("" if membership.verified else "Dates not verified against a source. ") + membership.source
    )
    if state.obligations:
        st.subheader("Obligations")
        ui.table(obligation_rows(state.obligations), f"{state.iso3}-obligations")
    st.subheader("Deadlines")
    ui.table(deadline_rows(state.deadlines), f"{state.iso3}-deadlines")


def show_records(state: StateDetail) -> None:
    """What was recorded for the State, and its commitments if it is a party."""
    history = ui.fetch(api.changes, ui.FIRST_DAY, ui.as_of(), iso3=state.iso3)
    st.subheader("History: what was recorded for this State")
    if (changes := ui.data_or_notice(history)) is not None:
        ui.table(change_rows(changes), f"{state.iso3}-history")
    if state.membership.status == "party":
        result = ui.fetch(api.commitments, state.iso3, ui.as_of())
        st.subheader("Commitments")
        if (commitments := ui.data_or_notice(result)) is not None:
            ui.table(commitment_rows(commitments), f"{state.iso3}-commitments")


def show_dates(iso3: str) -> None:
    """The State's coming dates, and when its contact points are reminded of them."""
    st.subheader("Coming dates")
    events = ui.data_or_notice(ui.fetch(api.events, ui.as_of(), iso3=iso3))
    rules = ui.fetch(api.rules).data
    if events is not None:
        ui.table(event_rows(events), f"{iso3}-dates")
        if rules is not None:
            st.subheader("Upcoming reminders to its contact points")
            ui.table(
                reminder_rows(events, rules, ui.as_of()),
                f"{iso3}-reminders",
                caption="Sent at the lead times the rules set for each kind of date",
            )


states = ui.data_or_notice(ui.fetch(api.states, ui.as_of()))
if states is not None:
    names = {s.iso3: s.name for s in states}
    default = list(names).index("NIC") if "NIC" in names else 0
    iso3 = st.selectbox(
        "State", list(names), index=default, format_func=lambda c: f"{names[c]} ({c})", key="party"
    )
    detail = ui.data_or_notice(ui.fetch(api.state, iso3, ui.as_of()))
    if detail is not None:
        show_state(detail)
        show_records(detail)
    show_dates(iso3)
