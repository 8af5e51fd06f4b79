"""Drive a URL with wrk and read its throughput and latency percentiles."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class Measurement:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int = 0


def wrk_path() -> str | None:
    """Return wrk's path, or None when it is not installed."""
    return shutil.which("wrk")


def measure(
    url: str, *, seconds: int, connections: int, threads: int = 2, script: str | None = None
) -> Measurement:
    """Run wrk once against `url` (with a Lua script to shape the requests, if given)."""
    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError("wrk is not installed")
    extra = ["-s", script] if script else []
    output = subprocess.run(
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    return parse(output)


def parse(output: str) -> Measurement:
    """Read wrk's report."""
    rps = float(_search(r"Requests/sec:\s+([\d.]+)", output))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    requests = int(_search(r"(\d+) requests in", output))
    return Measurement(
        rps=rps,
        p50_ms=_percentile("50", output),
        p99_ms=_percentile("99", output),
        errors=errors,
        requests=requests,
    )


def _percentile(which: str, output: str) -> float:
    match = re.search(rf"^\s+{which}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if match is None:
        raise ValueError(f"no {which}th percentile in wrk's output")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def _search(pattern: str, output: str) -> str:
    match = re.search(pattern, output)
    if match is None:
        raise ValueError(f"{pattern!r} not found in wrk's output")
    return match.group(1)
