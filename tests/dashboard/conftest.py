from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st

from tests.parties.conftest import actions_client  # noqa: F401 - shared fixture
from tests.served import TODAY, Services
from tools.processes import free_port


def dashboard_env(urls: dict[str, str]) -> dict[str, str]:
    env = {"CLOCK_TODAY": TODAY, "DASHBOARD_CACHE_TTL_SECONDS": "30"}
    for name in ("actions", "parties", "reminders"):
        # A service not started points at a closed port: its parts show the notice.
        env[f"DASHBOARD_{name.upper()}_URL"] = urls.get(name, f"http://127.0.0.1:{free_port()}")
    return env


@pytest.fixture
def dashboard_settings(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """Point an in-process dashboard (AppTest) at the services, with fresh caches."""
    env = dashboard_env(services.urls)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield env
    st.cache_resource.clear()
    st.cache_data.clear()
