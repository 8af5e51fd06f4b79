"""The sidebar's sign-in: a reader's API key, checked with the services (`GET /whoami`) and kept
in that reader's browser session only — never in a cache shared between readers, a log line or
the address. Signing out, or closing the tab, forgets it."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from dashboard import i18n, ui
from dashboard.api_models import KeyHolder
from dashboard.i18n import _
from dashboard.writer import Problem, Writer

SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class SignedIn:
    """A reader who signed in: the key (never shown, never in a repr) and whom it speaks for."""

    key: str = field(repr=False)
    holder: KeyHolder

    def may_write_state(self, iso3: str) -> bool:
        """Whether the key may change this State's data (its own state key, or an admin's)."""
        return self.holder.role == "admin" or self.holder.state == iso3

    @property
    def may_assess(self) -> bool:
        """Whether the key may record the committee's assessments."""
        return self.holder.role in ("admin", "committee")


@st.cache_resource
def writer() -> Writer:
    """One client for every reader's writes (each request carries its own reader's key)."""
    return Writer(ui.settings())


def signed_in() -> SignedIn | None:
    """The reader's sign-in, if any."""
    found = st.session_state.get(SIGNED_IN)
    return found if isinstance(found, SignedIn) else None


def sidebar() -> None:
    """Sign in with a key, or say whom the key speaks for and offer to sign out."""
    who = signed_in()
    if who is not None:
        st.caption(_("Signed in: {holder}").format(holder=holder_label(who.holder)))
        if st.button(_("Sign out"), key="sign_out"):
            del st.session_state[SIGNED_IN]
            st.rerun()
        return
    with st.form("sign_in", clear_on_submit=True, border=False):
        key = st.text_input(
            _("API key"),
            type="password",
            help=_("Kept in this browser session only: signing out or closing the tab forgets it."),
        )
        if st.form_submit_button(_("Sign in to record")) and key.strip():
            answer = writer().whoami(key.strip())
            if answer.data is None:
                show_problem(answer.problem)
            else:
                st.session_state[SIGNED_IN] = SignedIn(key=key.strip(), holder=answer.data)
                st.rerun()


def holder_label(holder: KeyHolder) -> str:
    """Whom a key speaks for, in words."""
    if holder.role == "state" and holder.state:
        states = ui.fetch(ui.client().states, ui.today()).data or []
        name = next((s.name for s in states if s.iso3 == holder.state), holder.state)
        return _("{state} (State Party)").format(state=i18n.state_name(holder.state, name))
    if holder.role == "committee":
        return _("the Coordinating Committee")
    return _("an administrator (ISU)")


def show_problem(problem: Problem | None) -> None:
    """A refused write in the service's words: what went wrong, and each invalid field."""
    if problem is None:
        return
    lines = [f"**{problem.title}**", problem.detail, *(f"- {error}" for error in problem.errors)]
    st.error("\n\n".join(line for line in lines if line))
