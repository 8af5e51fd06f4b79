"""Streamlit glue shared by the pages: cached fetching, notices, tables with CSV downloads."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import streamlit as st

from dashboard.client import MonitorClient, Params, Result, ServiceUnavailable, as_of_params
from dashboard.compute import notice, uniform_columns
from dashboard.settings import DashboardSettings

# The widget's own state is dropped on a run that does not draw it; the chosen day is kept apart.
AS_OF_KEY = "as_of"
AS_OF_WIDGET = "as_of_widget"


@st.cache_resource
def settings() -> DashboardSettings:
    """The dashboard's settings, read once."""
    return DashboardSettings()


@st.cache_resource
def client() -> MonitorClient:
    """One HTTP client for the whole dashboard process (it keeps the last answers)."""
    return MonitorClient(settings())


@st.cache_data(ttl=settings().cache_ttl_seconds, show_spinner=False)
def _cached_get(service: str, path: str, params: tuple[tuple[str, str | int], ...]) -> Any:
    # A failure raises, and Streamlit does not cache it: the next run asks again.
    data, fetched_at = client().get_json(service, path, dict(params))
    return data, fetched_at


def fetch(service: str, path: str, params: Params | None = None) -> Result:
    """Get a JSON document, fresh within the cache TTL, or the last one with the error."""
    items = tuple(sorted((params or {}).items()))
    try:
        data, fetched_at = _cached_get(service, path, items)
    except ServiceUnavailable as exc:
        return client().last_good(service, path, dict(items), exc.reason)
    return Result(service=service, data=data, fetched_at=fetched_at)


def today() -> date:
    """The day the view starts from."""
    return settings().today()


def as_of() -> date:
    """The sidebar's as-of day."""
    chosen = st.session_state.get(AS_OF_KEY)
    return chosen if isinstance(chosen, date) else today()


def remember_as_of() -> None:
    """Keep the day chosen in the sidebar for every page."""
    st.session_state[AS_OF_KEY] = st.session_state[AS_OF_WIDGET]


def as_of_query() -> Params:
    """The `as_of` parameter the parties service takes (nothing for today)."""
    return as_of_params(as_of(), today())


def usable(result: Result) -> bool:
    """Show a notice when data is stale or missing; tell whether there is data to show."""
    if not result.ok:
        st.warning(notice(result.service, result.fetched_at), icon="⚠️")
    return result.data is not None


def how_to_read(text: str) -> None:
    """A short explanation for someone who never saw the page."""
    with st.expander("How to read this page"):
        st.markdown(text)


def table(rows: list[dict[str, Any]], name: str, *, caption: str | None = None) -> None:
    """Show a table and offer it as CSV."""
    if caption:
        st.caption(caption)
    if not rows:
        st.info("Nothing to show.")
        return
    rows = uniform_columns(rows)
    st.dataframe(rows, hide_index=True)
    st.download_button(
        f"Download “{name}” as CSV",
        data=to_csv(rows),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv-{name}",
    )


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Render rows as CSV text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
