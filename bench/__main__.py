"""Measure each endpoint against the bare baseline in the same run; print and save the table.

Usage: python -m bench [--seconds 10] [--runs 3] [--connections 32]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.wrk import Measurement, measure, wrk_path
from services.common.settings import PROJECT_ROOT
from tools.processes import free_port, python_module, stop, wait_until_up

RESULTS = PROJECT_ROOT / "bench" / "results" / "latest.json"


@dataclass(frozen=True)
class Target:
    endpoint: str
    path: str
    min_ratio: float

    @property
    def description(self) -> str:
        return f">= {self.min_ratio} x bare"


ACTIONS_TARGETS = [
    Target("GET /actions/{n}", "/actions/42", 0.8),
    Target("GET /actions?limit=100", "/actions?limit=100", 0.6),
]


@contextmanager
def server(args: list[str], env: dict[str, str], health: str, log: Path) -> Iterator[None]:
    """Run one server process on loopback for the duration of the block."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            args,
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(health, process)
            yield
        finally:
            stop(process)


def median_of(url: str, args: argparse.Namespace) -> Measurement:
    """Warm up once, then return the median of several runs."""
    measure(url, seconds=2, connections=args.connections)
    runs = [
        measure(url, seconds=args.seconds, connections=args.connections) for _ in range(args.runs)
    ]
    return Measurement(
        rps=statistics.median(r.rps for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        errors=sum(r.errors for r in runs),
    )


def main() -> int:
    """Run the benchmark; returns the exit status."""
    args = _parser().parse_args()
    if wrk_path() is None:
        print("make bench drives the servers with wrk: install it (Debian: apt-get install wrk).")
        return 2
    with tempfile.TemporaryDirectory(prefix="cm-bench-") as workdir, ExitStack() as stack:
        bare_port, actions_port = free_port(), free_port()
        uvicorn_args = [
            "--host",
            "127.0.0.1",
            "--workers",
            "1",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        stack.enter_context(
            server(
                python_module(
                    "uvicorn", "bench.bare_app:app", "--port", str(bare_port), *uvicorn_args
                ),
                {},
                f"http://127.0.0.1:{bare_port}/item",
                Path(workdir, "bare.log"),
            )
        )
        env = {
            "ACTIONS_DATABASE_URL": f"sqlite:///{workdir}/actions.db",
            "KEYS_DATABASE_URL": f"sqlite:///{workdir}/keys.db",
            "ACTIONS_PORT": str(actions_port),
            "ACTIONS_LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            python_module("services.actions", "setup"),
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            check=True,
            capture_output=True,
            timeout=300,
        )
        stack.enter_context(
            server(
                python_module("services.actions", "serve"),
                env,
                f"http://127.0.0.1:{actions_port}/readyz",
                Path(workdir, "actions.log"),
            )
        )
        bare = median_of(f"http://127.0.0.1:{bare_port}/item", args)
        rows = [_row("bare FastAPI (baseline)", bare, bare, None)]
        for target in ACTIONS_TARGETS:
            result = median_of(f"http://127.0.0.1:{actions_port}{target.path}", args)
            rows.append(_row(target.endpoint, result, bare, target))
    _print(rows)
    _save(rows, args)
    return 0


def _row(
    endpoint: str, result: Measurement, bare: Measurement, target: Target | None
) -> dict[str, object]:
    ratio = result.rps / bare.rps if bare.rps else 0.0
    return {
        "endpoint": endpoint,
        "rps": round(result.rps, 1),
        "p50_ms": round(result.p50_ms, 2),
        "p99_ms": round(result.p99_ms, 2),
        "ratio_to_bare": round(ratio, 3),
        "errors": result.errors,
        "target": target.description if target else "baseline",
        "met": (ratio >= target.min_ratio and result.errors == 0) if target else None,
    }


def _print(rows: list[dict[str, object]]) -> None:
    header = (
        f"{'endpoint':<28}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}  "
        f"{'target':<16}{'met':<5}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        met = {True: "yes", False: "NO", None: ""}[row["met"]]  # type: ignore[index]
        print(
            f"{row['endpoint']:<28}{row['rps']:>10}{row['p50_ms']:>9}{row['p99_ms']:>9}"
            f"{row['ratio_to_bare']:>8}  {row['target']:<16}{met:<5}"
        )


def _save(rows: list[dict[str, object]], args: argparse.Namespace) -> None:
    machine = {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "database": "sqlite",
        "connections": args.connections,
        "seconds_per_run": args.seconds,
        "runs": args.runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": machine, "results": rows}, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(PROJECT_ROOT)}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each measured run")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per endpoint (median)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    return parser


if __name__ == "__main__":
    sys.exit(main())
