"""Real processes on loopback for tests and benchmarks: start them, wait, stop them by pid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from services.common.settings import PROJECT_ROOT

STARTUP_TIMEOUT_S = 60
STOP_TIMEOUT_S = 15


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(
    url: str, process: subprocess.Popen[bytes], timeout: float = STARTUP_TIMEOUT_S
) -> None:
    """Poll `url` until it answers 200; fail early if the process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} answered")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    """Stop a process we started, by its pid; kill it if it does not stop in time."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT_S)
    return process.returncode


@contextmanager
def running(
    args: Sequence[str], *, env: dict[str, str], health_url: str, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a command from the project root with extra environment until the block ends."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            args,
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(health_url, process)
            yield process
        finally:
            stop(process)


def python_module(module: str, *args: str) -> list[str]:
    """Return the command line that runs a module with this interpreter."""
    return [sys.executable, "-m", module, *args]
