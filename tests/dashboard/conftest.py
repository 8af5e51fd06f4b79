from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st

from services.common.settings import PROJECT_ROOT
from tests.parties.conftest import actions_client  # noqa: F401 - shared fixture
from tools.processes import free_port, python_module, running

TODAY = "2010-05-01"
SERVICES = ("actions", "parties", "reminders")


@dataclass
class Services:
    urls: dict[str, str]
    env: dict[str, str]
    workdir: Path


def service_env(workdir: Path, ports: dict[str, int]) -> dict[str, str]:
    env = {"KEYS_DATABASE_URL": f"sqlite:///{workdir / 'keys.db'}", "CLOCK_TODAY": TODAY}
    for name, port in ports.items():
        env[f"{name.upper()}_DATABASE_URL"] = f"sqlite:///{workdir / name}.db"
        env[f"{name.upper()}_PORT"] = str(port)
    env["PARTIES_ACTIONS_URL"] = f"http://127.0.0.1:{ports['actions']}"
    if "reminders" in ports:
        env["REMINDERS_PARTIES_URL"] = f"http://127.0.0.1:{ports['parties']}"
    return env


def start_services(stack: ExitStack, workdir: Path, names: tuple[str, ...] = SERVICES) -> Services:
    """Set up and start the services as processes on loopback; they stop with the stack."""
    ports = {name: free_port() for name in names}
    env = service_env(workdir, ports)
    for name in names:
        result = subprocess.run(
            python_module(f"services.{name}", "setup"),
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    for name in names:
        stack.enter_context(
            running(
                python_module(f"services.{name}", "serve"),
                env=env,
                health_url=f"{urls[name]}/readyz",
                log=workdir / f"{name}.log",
            )
        )
    return Services(urls=urls, env=env, workdir=workdir)


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The services, seeded, on loopback, for the whole session (the dashboard only reads)."""
    with ExitStack() as stack:
        yield start_services(stack, tmp_path_factory.mktemp("services"))


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
