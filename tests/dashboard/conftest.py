from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import streamlit as st

from bench.browser import ARGS as CHROMIUM_ARGS
from bench.browser import CHROMIUM
from tests.parties.conftest import actions_client  # noqa: F401 - shared fixture
from tests.served import TODAY, Services
from tools.processes import free_port, python_module, running

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="the browser tests need Debian's chromium (/usr/bin/chromium); .ci/run installs it",
)


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


@contextmanager
def dashboard_process(urls: dict[str, str], workdir: Path) -> Iterator[str]:
    """The dashboard as a process on loopback, pointed at the services at `urls`; its URL."""
    port = free_port()
    env = {**dashboard_env(urls), "DASHBOARD_PORT": str(port), "DASHBOARD_HOST": "127.0.0.1"}
    url = f"http://127.0.0.1:{port}"
    log = workdir / "dashboard.log"
    with running(python_module("dashboard"), env=env, health_url=f"{url}/_stcore/health", log=log):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium, driven by Playwright, for one test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
