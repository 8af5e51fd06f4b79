"""Record: what a signed-in reader writes — a State Party's officer its commitments, the
Coordinating Committee its assessments of the actions (an administrator, both)."""

import streamlit as st

from dashboard import account, forms, i18n, ui
from dashboard.compute.formatting import status_label
from dashboard.i18n import _

st.title(_("Record"))
ui.how_to_read(
    _(
        "Sign in with your API key in the sidebar. A State Party's officer updates its own "
        "commitments, one by one or by uploading the file the party profile downloads; the "
        "Coordinating Committee records its assessment of an action. Every write goes through "
        "the services' API with the same rules as any other client: a commitment is saved only "
        "over the version you opened (if someone saved it since, both versions are shown side "
        "by side and you choose), and a refused write says why, field by field."
    )
)
forms.show_written()
who = account.signed_in()
if who is None:
    st.info(_("Sign in with your API key in the sidebar to record."))
    st.stop()

api = ui.client()
if who.holder.role in ("state", "admin"):
    st.subheader(_("Commitments"))
    states = ui.data_or_notice(ui.fetch(api.states, ui.today())) or []
    parties = {
        s.iso3: i18n.state_name(s.iso3, s.name)
        for s in states
        if s.membership.status == "party" and who.may_write_state(s.iso3)
    }
    if parties:
        codes = sorted(parties, key=parties.__getitem__)
        iso3 = st.selectbox(_("State"), codes, format_func=parties.__getitem__, key="record_state")
        commitments = ui.data_or_notice(ui.fetch(api.commitments, iso3, ui.today())) or []
        by_number = {c.action_number: c for c in commitments}
        if by_number:
            number = st.selectbox(
                _("Action"),
                list(by_number),
                format_func=lambda n: f"#{n} — {status_label(by_number[n].status)}",
                key="record_action",
            )
            forms.commitment_form(who, iso3, number)
        st.subheader(_("Upload the commitments file"))
        forms.upload_form(who, iso3)
        st.subheader(_("Declarations that place the State in a group of the action plan"))
        forms.declarations_form(who, iso3)

if who.may_assess:
    st.subheader(_("The committee's assessment of an action"))
    actions = ui.data_or_notice(ui.fetch(api.actions))
    if actions is not None:
        forms.assessment_form(who, [a.number for a in actions])
