"""What `make run` does after creating the venv: set every service up, start the Procfile under
honcho, and stop everything on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from services.common.settings import PROJECT_ROOT
from tools.processes import free_port, python_module, stop, wait_until_up


def test_the_procfile_starts_the_dashboard_and_the_scheduler() -> None:
    procfile = (PROJECT_ROOT / "Procfile").read_text()
    assert "dashboard: python -m dashboard" in procfile
    assert "scheduler: python -m services.reminders scheduler" in procfile


def procfile_services() -> list[str]:
    lines = (PROJECT_ROOT / "Procfile").read_text().splitlines()
    # The processes named after their service package (not the scheduler, nor the dashboard).
    return [
        m.group(1)
        for line in lines
        if (m := re.match(r"^(\w+): python -m services\.(\w+)", line)) and m.group(1) == m.group(2)
    ]


def test_the_makefile_sets_up_every_service_in_the_procfile() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    listed = re.search(r"^SERVICES := (.+)$", makefile, re.MULTILINE)
    assert listed is not None
    assert set(listed.group(1).split()) == set(procfile_services())


def test_procfile_starts_under_honcho_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    services = procfile_services()
    ports = {name: free_port() for name in services}
    env = {**os.environ, "KEYS_DATABASE_URL": f"sqlite:///{tmp_path / 'keys.db'}"}
    for name, port in ports.items():
        env[f"{name.upper()}_DATABASE_URL"] = f"sqlite:///{tmp_path / name}.db"
        env[f"{name.upper()}_PORT"] = str(port)
    env["PARTIES_ACTIONS_URL"] = f"http://127.0.0.1:{ports['actions']}"
    env["PARTIES_REMINDERS_URL"] = f"http://127.0.0.1:{ports['reminders']}"
    env["REMINDERS_PARTIES_URL"] = f"http://127.0.0.1:{ports['parties']}"
    dashboard_port = free_port()
    env["DASHBOARD_PORT"] = str(dashboard_port)
    for name, port in ports.items():
        env[f"DASHBOARD_{name.upper()}_URL"] = f"http://127.0.0.1:{port}"
    for name in services:
        setup = subprocess.run(
            python_module(f"services.{name}", "setup"),
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            timeout=180,
            check=False,
        )
        assert setup.returncode == 0, setup.stderr
    honcho = str(Path(sys.executable).with_name("honcho"))
    with (tmp_path / "honcho.log").open("wb") as output:
        process = subprocess.Popen(
            [honcho, "start", "-f", "Procfile"],
            cwd=PROJECT_ROOT,
            env={**env, "PATH": f"{Path(sys.executable).parent}:{env['PATH']}"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            for port in ports.values():
                wait_until_up(f"http://127.0.0.1:{port}/readyz", process)
            wait_until_up(f"http://127.0.0.1:{dashboard_port}/_stcore/health", process)
            assert (
                httpx.get(f"http://127.0.0.1:{ports['actions']}/actions", timeout=5).json()["total"]
                == 67
            )
            assert (
                httpx.get(f"http://127.0.0.1:{ports['parties']}/states", timeout=5).json()["total"]
                == 195
            )
            events = httpx.get(f"http://127.0.0.1:{ports['reminders']}/events", timeout=5).json()
            assert events["total"] >= 7
        finally:
            stop(process, signal.SIGINT)
    for port in [*ports.values(), dashboard_port]:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            still_up = True
        except httpx.TransportError:
            still_up = False
        assert not still_up, (tmp_path / "honcho.log").read_text()
