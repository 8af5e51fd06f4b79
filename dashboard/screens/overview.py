"""Overview: the four aims side by side, then cooperation, transparency and compliance."""

import streamlit as st

from dashboard import ui
from dashboard.compute.overview import Card, overview_cards

REPORT_LANGUAGES = {"en": "English", "fr": "Français", "es": "Español"}

st.title("Where the Convention stands")
st.caption(f"As of {ui.as_of():%d %B %Y}")
ui.how_to_read(
    "Each card is one aim of the Convention or of the Cartagena Action Plan: a headline figure, a "
    "bar for the share achieved where one exists, the progress made and the challenges that "
    "remain (as the 2010 brochure put them, where they still hold). Under each card: where each "
    "figure comes from — a source, or how it was counted from the records."
)


def show(card: Card) -> None:
    with st.container(border=True):
        st.subheader(card.aim)
        st.metric(card.label, card.value)
        if card.share is not None:
            st.progress(card.share, text=card.share_label)
        if card.progress:
            st.markdown("**Progress made**\n" + "".join(f"\n- {line}" for line in card.progress))
        if card.challenges:
            st.markdown(
                "**Challenges that remain**\n" + "".join(f"\n- {line}" for line in card.challenges)
            )
        for source in card.sources:
            st.caption(source)


summary = ui.data_or_notice(ui.fetch(ui.client().summary, ui.as_of()))
if summary is not None:
    states = ui.fetch(ui.client().states, ui.as_of()).data or []
    cards = overview_cards(summary, {s.iso3: s.name for s in states})
    for row in (cards[:4], cards[4:]):
        for column, card in zip(st.columns(len(row)), row, strict=True):
            with column:
                show(card)


st.subheader("The progress report for the next meeting")
st.caption(
    "The document the committee brings to a meeting, as of the day chosen in the sidebar: the "
    "figures with how each is known, what changed since the previous meeting, each action's "
    "latest assessment, the deadlines due before the next meeting, pending extension requests."
)
language = st.radio(
    "Language of the report",
    list(REPORT_LANGUAGES),
    format_func=REPORT_LANGUAGES.__getitem__,
    horizontal=True,
    key="report_language",
)
if st.button("Prepare the report (PDF)", key="prepare_report"):
    with st.spinner("Drawing the report…"):
        drawn = ui.client().progress_report(ui.as_of(), language)
    if drawn.data is None:
        st.warning(f"The report could not be drawn: {drawn.error}")
    else:
        st.download_button(
            "Download the progress report",
            data=drawn.data,
            file_name=f"progress-report-{ui.as_of().isoformat()}-{language}.pdf",
            mime="application/pdf",
            key="report_pdf",
        )
