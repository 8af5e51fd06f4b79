"""The services under test: set up on fresh databases in a work folder, run on loopback."""

from __future__ import annotations

import os
import subprocess
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from services.common.settings import PROJECT_ROOT
from tools.processes import free_port, python_module, running

SERVICES = ("actions", "parties", "reminders")


@dataclass
class Stack:
    """Where each service listens, and the environment they share."""

    workdir: Path
    urls: dict[str, str] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def database_url(self, service: str) -> str:
        return self.env[f"{service.upper()}_DATABASE_URL"]


def environment(workdir: Path, ports: dict[str, int], today: str) -> dict[str, str]:
    """The settings of every service: SQLite files in `workdir`, loopback ports, quiet logs."""
    env = {"KEYS_DATABASE_URL": f"sqlite:///{workdir / 'keys.db'}", "CLOCK_TODAY": today}
    for name, port in ports.items():
        prefix = name.upper()
        env |= {
            f"{prefix}_DATABASE_URL": f"sqlite:///{workdir / name}.db",
            f"{prefix}_PORT": str(port),
            # The access log is an INFO line per request: the benchmark measures the service.
            f"{prefix}_LOG_LEVEL": "WARNING",
            # One key drives the write benchmark far past a state's rate limit, on purpose.
            f"{prefix}_RATE_LIMIT_PER_KEY": "100000000/minute",
        }
    env["PARTIES_ACTIONS_URL"] = f"http://127.0.0.1:{ports['actions']}"
    env["REMINDERS_PARTIES_URL"] = f"http://127.0.0.1:{ports['parties']}"
    return env


def set_up(workdir: Path, today: str) -> Stack:
    """Migrate and seed every service's database."""
    ports = {name: free_port() for name in SERVICES}
    stack = Stack(workdir=workdir, env=environment(workdir, ports, today))
    stack.urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    for name in SERVICES:
        run_module(stack, f"services.{name}", "setup")
    return stack


def run_module(stack: Stack, module: str, *args: str) -> str:
    """Run a module with the stack's environment; return what it printed."""
    result = subprocess.run(
        python_module(module, *args),
        cwd=PROJECT_ROOT,
        env={**os.environ, **stack.env},
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return result.stdout


def start(stack: Stack, services: ExitStack, names: tuple[str, ...] = SERVICES) -> None:
    """Serve the named services until `services` closes."""
    for name in names:
        process = services.enter_context(
            running(
                python_module(f"services.{name}", "serve"),
                env=stack.env,
                health_url=f"{stack.urls[name]}/readyz",
                log=stack.workdir / f"{name}.log",
            )
        )
        stack.pids[name] = process.pid


def rss_mb(pid: int) -> float:
    """The resident memory of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
