"""Cartagena Monitor — the Coordinating Committee's dashboard (entry script)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import ui

# Not "pages/": Streamlit would serve a folder by that name as its older multipage layout on a
# first visit to a page's URL, bypassing this entry script (and its sidebar).
PAGES = Path(__file__).with_name("screens")

# A Material icon (its font ships with Streamlit), not an emoji a browser may not have.
st.set_page_config(page_title="Cartagena Monitor", page_icon=":material/shield:", layout="wide")
# A headline figure wraps instead of being cut ("approximately US$ 2.0 billion", not "approx…").
st.markdown(
    "<style>[data-testid='stMetricValue'], [data-testid='stMetricValue'] * "
    "{white-space: normal !important; overflow: visible !important; "
    "text-overflow: clip !important;}</style>",
    unsafe_allow_html=True,
)

with st.sidebar:
    st.markdown("**Cartagena Action Plan 2010–2014**")
    st.date_input(
        "View as of",
        value=ui.as_of(),
        min_value=ui.FIRST_DAY,
        max_value=ui.today(),
        key=ui.AS_OF_WIDGET,
        on_change=ui.remember_as_of,
        help="Every page shows the records as they stood at the end of this day.",
    )
    ui.keep_as_of_in_url()
    if st.button("Refresh data", help="Fetch everything again from the services"):
        st.cache_data.clear()
        st.rerun()

navigation = st.navigation(
    {
        "The four aims": [
            st.Page(PAGES / "overview.py", title="Overview", default=True),
            st.Page(PAGES / "universalization.py", title="Universalization"),
            st.Page(PAGES / "stockpiles.py", title="Stockpile destruction"),
            st.Page(PAGES / "clearance.py", title="Clearance"),
            st.Page(PAGES / "victim_assistance.py", title="Victim assistance"),
        ],
        "Implementation": [
            st.Page(PAGES / "actions.py", title="Actions"),
            st.Page(PAGES / "party.py", title="Party profile"),
            st.Page(PAGES / "calendar.py", title="Calendar"),
            st.Page(PAGES / "changes.py", title="Changes"),
        ],
    }
)
navigation.run()
