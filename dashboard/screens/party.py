"""Party profile: one State's membership, obligations, deadlines, commitments and dates."""

import streamlit as st

from dashboard import account, i18n, ui
from dashboard.api_models import StateDetail
from dashboard.compute.calendar import event_rows, outbox_rows
from dashboard.compute.changes import change_rows
from dashboard.compute.deadlines import deadline_rows
from dashboard.compute.formatting import applies_to, membership_label
from dashboard.compute.party import commitment_rows, obligation_rows
from dashboard.compute.universalization import region_name
from dashboard.i18n import _

st.title(_("Party profile"))
ui.how_to_read(
    _(
        "Pick a State. You see its membership, what it owes under Articles 3, 4, 5, 7 and 9, its "
        "treaty deadlines with their status on the day chosen in the sidebar (met, pending, due "
        "soon, overdue), its commitments on the actions that bind it, and its coming dates."
    )
)
api = ui.client()


def show_state(state: StateDetail) -> None:
    """Membership, region, groups, obligations and deadlines."""
    membership = state.membership
    st.subheader(f"{i18n.state_name(state.iso3, state.name)} — {membership_label(membership)}")
    left, right = st.columns(2)
    deposit, entry = membership.deposit_date, membership.entry_into_force
    left.write(_("Deposit of instrument: {day}").format(day=i18n.day(deposit) if deposit else "—"))
    left.write(_("Entry into force: {day}").format(day=i18n.day(entry) if entry else "—"))
    regions = state.regions
    right.write(
        _("Region: {region} / {subregion}").format(
            region=region_name(regions.un_region), subregion=region_name(regions.un_subregion)
        )
    )
    groups = ", ".join(applies_to(group) for group in state.groups) or _("none")
    right.write(_("Action-plan groups: {groups}").format(groups=groups))
    unverified = "" if membership.verified else _("Dates not verified against a source.") + " "
    st.caption(unverified + membership.source)
    if state.obligations:
        st.subheader(_("Obligations"))
        ui.table(obligation_rows(state.obligations), f"{state.iso3}-obligations")
    st.subheader(_("Deadlines"))
    ui.table(deadline_rows(state.deadlines), f"{state.iso3}-deadlines")


def show_records(state: StateDetail) -> None:
    """What was recorded for the State, and its commitments if it is a party."""
    history = ui.fetch(api.changes, ui.FIRST_DAY, ui.as_of(), iso3=state.iso3)
    st.subheader(_("History: what was recorded for this State"))
    if (changes := ui.data_or_notice(history)) is not None:
        ui.table(change_rows(changes), f"{state.iso3}-history")
    if state.membership.status == "party":
        result = ui.fetch(api.commitments, state.iso3, ui.as_of())
        st.subheader(_("Commitments"))
        if (commitments := ui.data_or_notice(result)) is not None:
            ui.table(commitment_rows(commitments), f"{state.iso3}-commitments")


def show_dates(iso3: str) -> None:
    """The State's coming dates, and the reminders of them its contact points are sent."""
    st.subheader(_("Coming dates"))
    events = ui.data_or_notice(ui.fetch(api.events, ui.as_of(), iso3=iso3))
    if events is not None:
        ui.table(event_rows(events), f"{iso3}-dates")
    st.subheader(_("Reminders to its contact points"))
    who = account.signed_in()
    # The outbox names contact points: it is read with a key, never from the shared cache.
    if who is None or not (who.may_assess or who.holder.state == iso3):
        st.caption(
            _(
                "The outbox is not public: sign in with this State's key, or the committee's, "
                "to see the reminders planned and sent to its contact points."
            )
        )
        return
    outbox = account.writer().reminders(iso3, who.key)
    if outbox.data is None:
        account.show_problem(outbox.problem)
        return
    every_event = ui.fetch(api.events, ui.FIRST_DAY, iso3=iso3).data or events or []
    ui.table(
        outbox_rows(outbox.data.items, every_event),
        f"{iso3}-reminders",
        caption=_("As the reminders service's outbox holds them today, soonest first."),
    )


states = ui.data_or_notice(ui.fetch(api.states, ui.as_of()))
if states is not None:
    names = {s.iso3: i18n.state_name(s.iso3, s.name) for s in states}
    codes = sorted(names, key=names.__getitem__)
    default = codes.index("NIC") if "NIC" in codes else 0
    iso3 = st.selectbox(
        _("State"), codes, index=default, format_func=lambda c: f"{names[c]} ({c})", key="party"
    )
    detail = ui.data_or_notice(ui.fetch(api.state, iso3, ui.as_of()))
    if detail is not None:
        show_state(detail)
        show_records(detail)
    show_dates(iso3)
