"""Streamlit glue shared by the pages: the as-of day and the language (kept in the address),
cached fetching, notices, tables with CSV and Excel downloads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ParamSpec, TypeVar

import streamlit as st

from dashboard.client import MonitorClient, Result
from dashboard.compute.formatting import link_columns, notice, uniform_columns
from dashboard.downloads import XLSX, to_csv, to_xlsx
from dashboard.i18n import LANGUAGES, _
from dashboard.settings import DashboardSettings

T = TypeVar("T")
P = ParamSpec("P")

# The widget's own state is dropped on a run that does not draw it; the chosen day is kept apart.
AS_OF_KEY = "as_of"
AS_OF_WIDGET = "as_of_widget"
# The first day of the Cartagena Action Plan: the earliest the dashboard looks at.
FIRST_DAY = date(2010, 1, 1)
LANGUAGE_KEY = "lang"
LANGUAGE_WIDGET = "lang_widget"
# How the date pickers write a day (day first, as the UN's three languages do).
DATE_FORMAT = "DD/MM/YYYY"


@st.cache_resource
def settings() -> DashboardSettings:
    """The dashboard's settings, read once."""
    return DashboardSettings()


@st.cache_resource
def client() -> MonitorClient:
    """One HTTP client for the whole dashboard process (it keeps the last answers)."""
    return MonitorClient(settings())


class _Failed(Exception):
    """A failed call's result, raised out of the cached function so that it is not cached."""

    def __init__(self, result: Result[Any]) -> None:
        super().__init__(result.error)
        self.result = result


# No spinner of the cache's own: its text is fixed when the module loads, in one language.
@st.cache_data(ttl=settings().cache_ttl_seconds, show_spinner=False)
def _fresh(
    name: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    _call: Callable[..., Result[Any]],
) -> Result[Any]:
    # The cache keys on the call's name and arguments (Streamlit does not hash `_call`).
    # A call that raises is not cached: after a failure, the next run asks again.
    result = _call(*args, **dict(kwargs))
    if not result.ok:
        raise _Failed(result)
    return result


def fetch(call: Callable[P, Result[T]], *args: P.args, **kwargs: P.kwargs) -> Result[T]:
    """Call a client method, fresh within the cache TTL, or get its last data with the error."""
    # Streamlit draws a spinner only once its block has run for half a second: a cached answer
    # shows none, a call to a service that takes time does.
    with st.spinner(_("Reading the records…")):
        try:
            return _fresh(call.__qualname__, args, tuple(sorted(kwargs.items())), call)
        except _Failed as failed:
            return failed.result


def today() -> date:
    """The day the view starts from."""
    return settings().today()


def as_of() -> date:
    """The sidebar's as-of day: the one chosen, else the link's (`?as_of=2010-03-01`), else
    today."""
    chosen = st.session_state.get(AS_OF_KEY)
    if not isinstance(chosen, date):
        chosen = _linked_day() or today()
        st.session_state[AS_OF_KEY] = chosen
    return chosen


def _linked_day() -> date | None:
    """The day a shared link names, if it is one the dashboard can show."""
    try:
        linked = date.fromisoformat(str(st.query_params.get(AS_OF_KEY, "")))
    except ValueError:
        return None
    return linked if FIRST_DAY <= linked <= today() else None


def remember_as_of() -> None:
    """Keep the day chosen in the sidebar for every page."""
    st.session_state[AS_OF_KEY] = st.session_state[AS_OF_WIDGET]


def language() -> str:
    """The sidebar's language: the one chosen, else the link's (`?lang=fr`), else the
    dashboard's default."""
    chosen = st.session_state.get(LANGUAGE_KEY)
    if chosen not in LANGUAGES:
        linked = str(st.query_params.get(LANGUAGE_KEY, ""))
        chosen = linked if linked in LANGUAGES else settings().language
        st.session_state[LANGUAGE_KEY] = chosen
    return str(chosen)


def remember_language() -> None:
    """Keep the language chosen in the sidebar for every page."""
    st.session_state[LANGUAGE_KEY] = st.session_state[LANGUAGE_WIDGET]


def keep_in_url() -> None:
    """Name the language and the as-of day in the page's address, so a link opens the same
    view."""
    st.query_params[LANGUAGE_KEY] = language()
    keep_as_of_in_url()


def keep_as_of_in_url() -> None:
    """Name the as-of day in the page's address, so a link shows the same view; today's view
    needs none."""
    day = as_of()
    if day < today():
        st.query_params[AS_OF_KEY] = day.isoformat()
    elif AS_OF_KEY in st.query_params:
        del st.query_params[AS_OF_KEY]


def data_or_notice(result: Result[T]) -> T | None:
    """The data to show, if any, after a notice when it is stale or missing."""
    if not result.ok:
        # No emoji icon: a browser without an emoji font draws an empty box.
        st.warning(notice(result.service, result.fetched_at))
    return result.data


def how_to_read(text: str) -> None:
    """A short explanation for someone who never saw the page."""
    with st.expander(_("How to read this page")):
        st.markdown(text)


def table(rows: list[dict[str, Any]], name: str, *, caption: str | None = None) -> None:
    """Show a table, its columns named in the reader's language, and offer it as CSV and as an
    Excel workbook (under the same names)."""
    if caption:
        st.caption(caption)
    if not rows:
        st.info(_("Nothing to show."))
        return
    rows = uniform_columns([{_(column): value for column, value in row.items()} for row in rows])
    links = {name: st.column_config.LinkColumn(name) for name in link_columns(rows)}
    st.dataframe(rows, hide_index=True, column_config=links)
    as_csv, as_xlsx = st.columns(2)
    as_csv.download_button(
        _("Download as CSV"),
        data=to_csv(rows),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv-{name}",
    )
    as_xlsx.download_button(
        _("Download as Excel"),
        data=to_xlsx(rows, name),
        file_name=f"{name}.xlsx",
        mime=XLSX,
        key=f"xlsx-{name}",
    )
