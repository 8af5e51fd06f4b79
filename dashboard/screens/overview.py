"""Overview: the four aims side by side, then cooperation, transparency and compliance."""

import streamlit as st

from dashboard import i18n, ui
from dashboard.compute.overview import Card, overview_cards
from dashboard.i18n import _

st.title(_("Where the Convention stands"))
st.caption(_("As of {day}").format(day=i18n.day(ui.as_of())))
ui.how_to_read(
    _(
        "Each card is one aim of the Convention or of the Cartagena Action Plan: a headline "
        "figure, a bar for the share achieved where one exists, the progress made and the "
        "challenges that remain (as the 2010 brochure put them, where they still hold). Under "
        "each card: where each figure comes from — a source, or how it was counted from the "
        "records."
    )
)


def show(card: Card) -> None:
    with st.container(border=True):
        # A heading a size below the page's: "Universalisation" fits a quarter of the width.
        st.markdown(f"#### {card.aim}")
        st.metric(card.label, card.value)
        if card.share is not None:
            st.progress(card.share, text=card.share_label)
        if card.progress:
            st.markdown(_bulleted(_("Progress made"), card.progress))
        if card.challenges:
            st.markdown(_bulleted(_("Challenges that remain"), card.challenges))
        for source in card.sources:
            st.caption(source)


def _bulleted(heading: str, lines: list[str]) -> str:
    return f"**{heading}**\n" + "".join(f"\n- {line}" for line in lines)


summary = ui.data_or_notice(ui.fetch(ui.client().summary, ui.as_of()))
if summary is not None:
    states = ui.fetch(ui.client().states, ui.as_of()).data or []
    cards = overview_cards(summary, {s.iso3: s.name for s in states})
    for row in (cards[:4], cards[4:]):
        for column, card in zip(st.columns(len(row)), row, strict=True):
            with column:
                show(card)


st.subheader(_("The progress report for the next meeting"))
st.caption(
    _(
        "The document the committee brings to a meeting, as of the day chosen in the sidebar: "
        "the figures with how each is known, what changed since the previous meeting, each "
        "action's latest assessment, the deadlines due before the next meeting, pending "
        "extension requests."
    )
)
languages = list(i18n.LANGUAGES)
language = st.radio(
    _("Language of the report"),
    languages,
    index=languages.index(i18n.language()),
    format_func=i18n.LANGUAGES.__getitem__,
    horizontal=True,
    key="report_language",
)
if st.button(_("Prepare the report (PDF)"), key="prepare_report"):
    with st.spinner(_("Drawing the report…")):
        drawn = ui.client().progress_report(ui.as_of(), language)
    if drawn.data is None:
        st.warning(_("The report could not be drawn: {error}").format(error=drawn.error))
    else:
        st.download_button(
            _("Download the progress report"),
            data=drawn.data,
            file_name=f"progress-report-{ui.as_of().isoformat()}-{language}.pdf",
            mime="application/pdf",
            key="report_pdf",
        )
