"""Every page, rendered by Streamlit's AppTest against the services running on loopback."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import date
from pathlib import Path

import httpx
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.account import SIGNED_IN, SignedIn
from dashboard.api_models import KeyHolder
from services.common.settings import PROJECT_ROOT
from tests.dashboard.conftest import dashboard_env
from tests.factories import bearer, create_key
from tests.served import Services, start_services
from tools.processes import python_module, running

APP = str(PROJECT_ROOT / "dashboard" / "app.py")
PAGES = [
    "overview",
    "universalization",
    "stockpiles",
    "clearance",
    "victim_assistance",
    "actions",
    "party",
    "calendar",
    "changes",
    "record",
]
TIMEOUT = 120


def render(page: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    if page is not None:
        app.switch_page(f"screens/{page}.py").run()
    return app


def texts(app: AppTest) -> str:
    parts = (
        [m.value for m in app.markdown]
        + [m.value for m in app.caption]
        + [str(m.value) for m in app.metric]
    )
    return "\n".join(str(part) for part in parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_an_exception(dashboard_settings: dict, page: str) -> None:
    app = render(page)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title, "every page has a title"
    assert any("How to read" in e.label for e in app.expander)


def test_overview_shows_the_four_aims_and_their_sources(dashboard_settings: dict) -> None:
    app = render()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["States Parties, of 195 States"] == "156"
    assert metrics["States Parties holding no stockpiles, of 156"] == "152"
    assert metrics["completed clearance, of 54 that reported mined areas"] == "16"
    assert metrics["States Parties with significant numbers of survivors"] == "26"
    assert (
        sum("Source:" in c.value or "Counted from the records" in c.value for c in app.caption) >= 7
    )
    assert len(app.get("progress")) >= 4


def test_tables_are_offered_as_csv_and_excel(dashboard_settings: dict) -> None:
    app = render("universalization")
    labels = [button.proto.label for button in app.get("download_button")]
    assert len(labels) == 2 * len(app.dataframe) >= 6
    assert sum(label.endswith("as CSV") for label in labels) == len(app.dataframe)
    assert sum(label.endswith("as Excel") for label in labels) == len(app.dataframe)


def test_the_committee_prepares_the_progress_report_in_french(dashboard_settings: dict) -> None:
    app = render()
    assert not app.get("download_button") or all(
        b.proto.label != "Download the progress report" for b in app.get("download_button")
    )
    app.radio(key="report_language").set_value("fr").run()
    app.button(key="prepare_report").click().run()
    assert not app.exception and not app.warning
    labels = [b.proto.label for b in app.get("download_button")]
    assert "Download the progress report" in labels


def test_the_as_of_date_changes_what_the_pages_show(dashboard_settings: dict) -> None:
    app = render()
    app.date_input(key="as_of_widget").set_value(date(2010, 3, 1)).run()
    assert not app.exception
    assert any(c.value == "As of 1 March 2010" for c in app.caption)
    app.switch_page("screens/changes.py").run()
    assert not app.exception
    assert any("to 1 March 2010" in m.value for m in app.markdown)


def test_a_link_naming_a_day_opens_that_day_s_view_and_names_a_new_choice(
    dashboard_settings: dict,
) -> None:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.query_params["as_of"] = "2010-03-01"
    app.run()
    assert not app.exception
    assert any(c.value == "As of 1 March 2010" for c in app.caption)
    app.date_input(key="as_of_widget").set_value(date(2010, 2, 1)).run()
    assert app.query_params["as_of"] in ("2010-02-01", ["2010-02-01"])
    # A day the dashboard cannot show (after today, or not a day) is today's view.
    for wrong in ("2030-01-01", "yesterday"):
        again = AppTest.from_file(APP, default_timeout=TIMEOUT)
        again.query_params["as_of"] = wrong
        again.run()
        assert not again.exception
        assert any(c.value == "As of 1 May 2010" for c in again.caption)


def test_party_profile_shows_deadlines_commitments_and_dates(dashboard_settings: dict) -> None:
    app = render("party")
    assert any("Nicaragua" in s.value for s in app.subheader)
    assert len(app.dataframe) >= 4  # obligations, deadlines, commitments, coming dates
    assert not app.warning
    # Without a key the outbox is not shown: it names contact points.
    assert any(c.value.startswith("The outbox is not public") for c in app.caption)


def party_page_signed_in(services: Services, role: str, state: str | None) -> AppTest:
    key = create_key(services.env["KEYS_DATABASE_URL"], role, state, label="dashboard test")
    holder = KeyHolder(key_id="k", role=role, state=state)
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.session_state[SIGNED_IN] = SignedIn(key=key, holder=holder)
    app.run()
    app.switch_page("screens/party.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_party_page_reads_the_outbox_with_a_key_that_may(
    dashboard_settings: dict, services: Services
) -> None:
    outbox = httpx.get(
        f"{services.urls['reminders']}/reminders",
        params={"iso3": "NIC", "limit": 500},
        headers=bearer(create_key(services.env["KEYS_DATABASE_URL"], "committee")),
    ).json()
    app = party_page_signed_in(services, "committee", None)
    assert not any(c.value.startswith("The outbox is not public") for c in app.caption)
    assert not app.error
    if outbox["total"]:
        shown = app.dataframe[-1].value
        assert len(shown) == min(outbox["total"], 500)
        assert list(shown.columns)[:3] == ["due (UTC)", "days before", "for"]
    else:
        assert any(i.value == "Nothing to show." for i in app.info)
    # Another State's key does not read Nicaragua's outbox.
    other = party_page_signed_in(services, "state", "UKR")
    assert any(c.value.startswith("The outbox is not public") for c in other.caption)


def test_calendar_lists_the_meetings_first_then_the_states_deadlines(
    dashboard_settings: dict,
) -> None:
    app = render("calendar")
    assert not app.warning
    assert [s.value for s in app.subheader][:2] == [
        "Meetings and Convention dates",
        "States' deadlines, by State",
    ]
    meetings, deadlines = (frame.value for frame in app.dataframe[:2])
    assert "Standing Committees (intersessional meetings)" in set(meetings["kind"])
    assert set(meetings["status"]) <= {"coming", "held"}
    assert "Ukraine" in set(deadlines["state"])
    assert len(app.get("download_button")) == 4
    # Only the meetings of the Meeting of the States Parties kind: no deadline is left.
    app.multiselect(key="calendar_kinds").set_value(["meeting_of_states_parties"]).run()
    assert not app.exception
    assert set(app.dataframe[0].value["kind"]) == {"Meeting of the States Parties"}
    assert len(app.dataframe) == 1  # the deadlines' table says "Nothing to show."


def test_with_the_parties_service_stopped_pages_still_render(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ExitStack() as stack:
        own = start_services(stack, tmp_path, ("actions", "parties"))
        for key, value in dashboard_env(own.urls).items():
            monkeypatch.setenv(key, value)
        st.cache_resource.clear()
        st.cache_data.clear()
        app = render("actions")
        assert not app.warning
        # Stop the parties service (its process only), forget the cached answers, render again.
        stack.close()
        st.cache_data.clear()
        app = render("actions")
        assert not app.exception
        warnings = [w.value for w in app.warning]
        assert any(
            w.startswith("The parties service is unavailable — last data from") for w in warnings
        ), warnings
        # What depends on the actions service alone still renders.
        assert any(s.value.startswith("Action #1") for s in app.subheader)
        overview = render()
        assert not overview.exception
        # The services come back on the same ports: the next render has no notice left.
        for name in ("actions", "parties"):
            stack.enter_context(
                running(
                    python_module(f"services.{name}", "serve"),
                    env=own.env,
                    health_url=f"{own.urls[name]}/readyz",
                    log=tmp_path / f"{name}-again.log",
                )
            )
        st.cache_data.clear()
        recovered = render("actions")
        assert not recovered.exception
        assert not recovered.warning, [w.value for w in recovered.warning]
    st.cache_resource.clear()
    st.cache_data.clear()
