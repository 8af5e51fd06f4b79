"""A PostgreSQL restart while a service runs: clean 503s while it is down, then service again,
with no restart of the service. The server is a private one the test starts and stops itself."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.common.settings import PROJECT_ROOT
from tools.processes import free_port, python_module, running

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1:] or [""]
INITDB = Path(PG_BIN[0]) / "initdb"
PG_CTL = Path(PG_BIN[0]) / "pg_ctl"
RECOVERY_S = 60

pytestmark = pytest.mark.skipif(
    not (INITDB.exists() and os.geteuid() == 0 and shutil.which("runuser")),
    reason="needs PostgreSQL's server binaries and root (to run a private server as the postgres "
    "user); the CI machine has both",
)


def as_postgres(*command: str) -> None:
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, timeout=120
    )


class PrivateServer:
    """A throwaway PostgreSQL cluster on a free loopback port."""

    def __init__(self, directory: Path) -> None:
        self.data = directory / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def initialise(self) -> None:
        shutil.chown(self.data.parent, "postgres", "postgres")
        self.data.parent.chmod(0o700)
        as_postgres(str(INITDB), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        as_postgres(
            str(PG_CTL),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.data / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        as_postgres(str(PG_CTL), "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def server() -> Iterator[PrivateServer]:
    # Not under tmp_path: the postgres user must be able to reach it (pytest's folders are 0700).
    directory = Path(tempfile.mkdtemp(prefix="cm-pg-"))
    private = PrivateServer(directory)
    private.initialise()
    private.start()
    try:
        yield private
    finally:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(PG_CTL),
                "-D",
                str(private.data),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(directory, ignore_errors=True)


def poll(url: str, wanted: int) -> httpx.Response:
    """Ask until the answer has the wanted status (bounded), and return it."""
    deadline = time.monotonic() + RECOVERY_S
    while True:
        response = httpx.get(url, timeout=30)
        if response.status_code == wanted or time.monotonic() > deadline:
            return response
        time.sleep(0.5)


def test_requests_fail_cleanly_while_postgres_is_down_and_recover(
    server: PrivateServer, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        "PARTIES_DATABASE_URL": server.url,
        "KEYS_DATABASE_URL": server.url,
        "PARTIES_PORT": str(port),
        "PARTIES_ACTIONS_URL": f"http://127.0.0.1:{free_port()}",
        "CLOCK_TODAY": "2010-05-01",
    }
    subprocess.run(
        python_module("services.parties", "setup"),
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        timeout=300,
        check=True,
    )
    base = f"http://127.0.0.1:{port}"
    with running(
        python_module("services.parties", "serve"),
        env=env,
        health_url=f"{base}/healthz",
        log=tmp_path / "parties.log",
    ):
        assert httpx.get(f"{base}/summary", timeout=30).status_code == 200
        server.stop()
        # Reads are answered from memory for a moment (the records cannot have changed); as soon
        # as the service checks the database again, it answers 503.
        down = poll(f"{base}/summary", 503)
        assert down.status_code == 503
        assert down.headers["content-type"] == "application/problem+json"
        assert down.headers["retry-after"]
        assert httpx.get(f"{base}/healthz", timeout=30).status_code == 200
        assert httpx.get(f"{base}/readyz", timeout=30).status_code == 503
        server.start()
        back = poll(f"{base}/summary", 200)
        assert back.status_code == 200, back.text
        assert back.json()["universalization"]["parties"]["value"] == 156
        assert poll(f"{base}/readyz", 200).status_code == 200
