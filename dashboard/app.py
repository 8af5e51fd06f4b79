"""Cartagena Monitor — the Coordinating Committee's dashboard (entry script)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import account, i18n, ui
from dashboard.i18n import _

# Not "pages/": Streamlit would serve a folder by that name as its older multipage layout on a
# first visit to a page's URL, bypassing this entry script (and its sidebar).
PAGES = Path(__file__).with_name("screens")

# A Material icon (its font ships with Streamlit), not an emoji a browser may not have.
st.set_page_config(page_title="Cartagena Monitor", page_icon=":material/shield:", layout="wide")
# A headline figure and its label wrap instead of being cut ("approximately US$ 2.0 billion",
# not "approx…"; French and Spanish labels run longer than English ones).
METRIC_PARTS = ("stMetricValue", "stMetricLabel")
st.markdown(
    "<style>"
    + ", ".join(f"[data-testid='{part}'], [data-testid='{part}'] *" for part in METRIC_PARTS)
    + " {white-space: normal !important; overflow: visible !important; "
    "text-overflow: clip !important;}</style>",
    unsafe_allow_html=True,
)

# Every word of this run, on every page, in the reader's language.
i18n.use(ui.language())

with st.sidebar:
    languages = list(i18n.LANGUAGES)
    st.selectbox(
        "Language · Langue · Idioma",
        languages,
        index=languages.index(i18n.language()),
        format_func=i18n.LANGUAGES.__getitem__,
        key=ui.LANGUAGE_WIDGET,
        on_change=ui.remember_language,
    )
    st.markdown("**" + _("Cartagena Action Plan 2010–2014") + "**")
    st.date_input(
        _("View as of"),
        value=ui.as_of(),
        min_value=ui.FIRST_DAY,
        max_value=ui.today(),
        key=ui.AS_OF_WIDGET,
        on_change=ui.remember_as_of,
        format=ui.DATE_FORMAT,
        help=_("Every page shows the records as they stood at the end of this day."),
    )
    ui.keep_in_url()
    account.sidebar()
    if st.button(_("Refresh data"), help=_("Fetch everything again from the services")):
        st.cache_data.clear()
        st.rerun()

navigation = st.navigation(
    {
        _("The four aims"): [
            st.Page(PAGES / "overview.py", title=_("Overview"), default=True),
            st.Page(PAGES / "universalization.py", title=_("Universalization")),
            st.Page(PAGES / "stockpiles.py", title=_("Stockpile destruction")),
            st.Page(PAGES / "clearance.py", title=_("Clearance")),
            st.Page(PAGES / "victim_assistance.py", title=_("Victim assistance")),
        ],
        _("Implementation"): [
            st.Page(PAGES / "actions.py", title=_("Actions")),
            st.Page(PAGES / "party.py", title=_("Party profile")),
            st.Page(PAGES / "calendar.py", title=_("Calendar")),
            st.Page(PAGES / "changes.py", title=_("Changes")),
            st.Page(PAGES / "record.py", title=_("Record")),
        ],
    }
)
navigation.run()
