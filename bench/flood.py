"""A state's update while anonymous replays of past days flood the parties service.

wrk asks `/summary?as_of=` for another day at every request (none can come from the cache) on
many connections, while a state updates one of its commitments, one PUT after another: the
update's median latency with the flood beside its median without it, and how many of the
flood's requests were refused at once (503) rather than queued.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.wrk import Measurement, parse, wrk_path

# One day after another from 2 January 2010 (Unix time 1262390400), for ten years.
LUA = """
local day = 0
function request()
  day = day + 1
  local as_of = os.date("!%Y-%m-%d", 1262390400 + (day % 3650) * 86400)
  return wrk.format("GET", "/summary?as_of=" .. as_of)
end
"""


@dataclass(frozen=True)
class Flooded:
    """The update's median latency alone and under the flood, and what the flood got."""

    alone_ms: float
    flooded_ms: float
    flood: Measurement

    @property
    def ratio(self) -> float:
        return self.flooded_ms / self.alone_ms


def measure(
    parties: str, *, key: str, path: str, workdir: Path, seconds: int, connections: int, runs: int
) -> Flooded:
    """PUT `path` (a commitment) `runs` times alone, then again while wrk floods."""
    wrk = wrk_path()
    assert wrk is not None
    script = workdir / "flood.lua"
    script.write_text(LUA)
    with httpx.Client(base_url=parties, timeout=120) as client:
        alone = _put_latency(client, path, key, runs)
        flood = subprocess.Popen(
            [
                wrk,
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                str(script),
                parties,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            time.sleep(min(2.0, seconds / 4))  # let the flood build up first
            flooded = _put_latency(client, path, key, runs)
            output, _ = flood.communicate(timeout=seconds + 60)
        finally:
            if flood.poll() is None:
                flood.kill()
                flood.wait()
    return Flooded(alone_ms=alone, flooded_ms=flooded, flood=parse(output))


def _put_latency(client: httpx.Client, path: str, key: str, runs: int) -> float:
    etag = client.get(path).headers["etag"]
    timings = []
    for n in range(runs):
        started = time.perf_counter()
        response = client.put(
            path,
            json={"status": "in_progress", "narrative": f"Benchmark update under load {n}"},
            headers={"Authorization": f"Bearer {key}", "If-Match": etag},
        )
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        etag = response.headers["etag"]
    return statistics.median(timings)
