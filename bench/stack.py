"""The services under test: set up on fresh databases in a work folder, run on loopback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from services.common.settings import PROJECT_ROOT
from tools.postgres import fresh_database, server_version
from tools.processes import free_port, python_module, running

SERVICES = ("actions", "parties", "reminders")
SQLITE, POSTGRESQL = "sqlite", "postgresql"


def database_name(name: str, pid: int) -> str:
    """A PostgreSQL database name no other run (or person) on the same server is using."""
    return f"cm_bench_{pid}_{name}"


@dataclass
class Databases:
    """Where a run makes its fresh databases: SQLite files in `folder`, or on a PostgreSQL server.

    Databases made on the server are dropped when `cleanup` closes, however the run ends.
    """

    folder: Path
    cleanup: ExitStack
    server_url: str | None = None

    @property
    def kind(self) -> str:
        return SQLITE if self.server_url is None else POSTGRESQL

    def new(self, name: str) -> str:
        """Make an empty database for `name`; return its URL."""
        if self.server_url is None:
            return f"sqlite:///{self.folder / name}.db"
        unique = database_name(name, os.getpid())
        return self.cleanup.enter_context(fresh_database(self.server_url, unique))

    def version(self) -> str:
        """The database engine's version."""
        if self.server_url is None:
            return sqlite3.sqlite_version
        return server_version(self.server_url)


@dataclass
class Stack:
    """Where each service listens, and the environment they share."""

    workdir: Path
    urls: dict[str, str] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def database_url(self, service: str) -> str:
        return self.env[f"{service.upper()}_DATABASE_URL"]


def environment(databases: Databases, ports: dict[str, int], today: str) -> dict[str, str]:
    """The settings of every service: fresh databases, loopback ports, quiet logs."""
    env = {"KEYS_DATABASE_URL": databases.new("keys"), "CLOCK_TODAY": today}
    for name, port in ports.items():
        prefix = name.upper()
        env |= {
            f"{prefix}_DATABASE_URL": databases.new(name),
            f"{prefix}_PORT": str(port),
            # The access log is an INFO line per request: the benchmark measures the service.
            f"{prefix}_LOG_LEVEL": "WARNING",
            # One key drives the write benchmark far past a state's rate limit, on purpose.
            f"{prefix}_RATE_LIMIT_PER_KEY": "100000000/minute",
        }
    env["PARTIES_ACTIONS_URL"] = f"http://127.0.0.1:{ports['actions']}"
    env["PARTIES_REMINDERS_URL"] = f"http://127.0.0.1:{ports['reminders']}"
    env["REMINDERS_PARTIES_URL"] = f"http://127.0.0.1:{ports['parties']}"
    return env


def set_up(databases: Databases, today: str) -> Stack:
    """Make, migrate and seed every service's database."""
    databases.folder.mkdir(parents=True, exist_ok=True)
    ports = {name: free_port() for name in SERVICES}
    stack = Stack(workdir=databases.folder, env=environment(databases, ports, today))
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
