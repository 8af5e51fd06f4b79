"""The table `make bench` prints, and the JSON document it writes."""

from __future__ import annotations

import argparse
import json
import os
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from services.common.settings import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results" / "latest.json"


class Row(Protocol):
    database: str | None
    endpoint: str
    target: str
    met: bool | None
    rps: float | None
    p50_ms: float | None
    p99_ms: float | None
    ratio_to_bare: float | None
    note: str


def report(rows: Sequence[Row]) -> None:
    """Print the table."""
    header = (
        f"{'database':<12}{'endpoint':<44}{'req/s':>9}{'p50 ms':>10}{'p99 ms':>9}{'ratio':>7}  "
        f"{'target':<34}met"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        met = {True: "yes", False: "NO", None: ""}[row.met]
        cells = [row.rps, row.p50_ms, row.p99_ms, row.ratio_to_bare]
        values = [("" if cell is None else str(cell)) for cell in cells]
        print(
            f"{row.database or '':<12}{row.endpoint:<44}"
            f"{values[0]:>9}{values[1]:>10}{values[2]:>9}{values[3]:>7}  "
            f"{row.target:<34}{met}  {row.note}"
        )


def save(
    rows: Sequence[Row], args: argparse.Namespace, per_database: dict[str, dict[str, Any]]
) -> None:
    """Write the results, the machine and the growth figures to bench/results/latest.json."""
    machine = {
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "database": {kind: figures["version"] for kind, figures in per_database.items()},
        "connections": args.connections,
        "seconds_per_run": args.seconds,
        "runs": args.runs,
    }
    results = [
        {
            "database": r.database,
            "endpoint": r.endpoint,
            "rps": r.rps,
            "p50_ms": r.p50_ms,
            "p99_ms": r.p99_ms,
            "ratio_to_bare": r.ratio_to_bare,
            "target": r.target,
            "met": r.met,
            "note": r.note,
        }
        for r in rows
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    memory = {kind: figures["memory"] for kind, figures in per_database.items()}
    growth = {kind: figures["growth"] for kind, figures in per_database.items()}
    document = {"machine": machine, "results": results, "memory": memory, "growth": growth}
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(PROJECT_ROOT)}")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
