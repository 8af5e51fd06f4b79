"""The services as real processes on loopback, seeded, for tests that cross a process boundary."""

from __future__ import annotations

import os
import subprocess
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from services.common.settings import PROJECT_ROOT
from tools.processes import free_port, python_module, running

TODAY = "2010-05-01"
SERVICES = ("actions", "parties", "reminders")


@dataclass
class Services:
    urls: dict[str, str]
    env: dict[str, str]
    workdir: Path
    pids: dict[str, int]


def service_env(workdir: Path, ports: dict[str, int]) -> dict[str, str]:
    env = {"KEYS_DATABASE_URL": f"sqlite:///{workdir / 'keys.db'}", "CLOCK_TODAY": TODAY}
    for name, port in ports.items():
        env[f"{name.upper()}_DATABASE_URL"] = f"sqlite:///{workdir / name}.db"
        env[f"{name.upper()}_PORT"] = str(port)
    env["PARTIES_ACTIONS_URL"] = f"http://127.0.0.1:{ports['actions']}"
    if "reminders" in ports:
        env["PARTIES_REMINDERS_URL"] = f"http://127.0.0.1:{ports['reminders']}"
        env["REMINDERS_PARTIES_URL"] = f"http://127.0.0.1:{ports['parties']}"
    return env


def set_up(names: tuple[str, ...], env: dict[str, str]) -> None:
    """Migrate and seed the named services' databases, as `make run` does."""
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


def start_services(
    stack: ExitStack,
    workdir: Path,
    names: tuple[str, ...] = SERVICES,
    extra_env: dict[str, str] | None = None,
) -> Services:
    """Set up and start the services as processes on loopback; they stop with the stack."""
    ports = {name: free_port() for name in names}
    env = {**service_env(workdir, ports), **(extra_env or {})}
    set_up(names, env)
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    pids = {}
    for name in names:
        process = stack.enter_context(
            running(
                python_module(f"services.{name}", "serve"),
                env=env,
                health_url=f"{urls[name]}/readyz",
                log=workdir / f"{name}.log",
            )
        )
        pids[name] = process.pid
    return Services(urls=urls, env=env, workdir=workdir, pids=pids)
