"""`make bench`: every figure as a ratio to, or beside, a bare FastAPI app measured in the same run.

Usage: python -m bench [--seconds 10] [--runs 3] [--connections 32] [--years 1,3,10]
                       [--postgres URL] [--databases sqlite,postgresql]

The services are measured on SQLite and, when a PostgreSQL server is given (`--postgres` or
BENCH_POSTGRES_URL), on PostgreSQL too, in fresh databases the run creates there and drops.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import browser, flood, history, reminders, writes
from bench.latency import median_ms
from bench.options import chosen_databases, parser
from bench.report import report, save
from bench.stack import POSTGRESQL, Databases, Stack, rss_mb, run_module, set_up, start
from bench.wrk import Measurement, measure, wrk_path
from services.common.db import create_engine
from tools.processes import free_port, python_module, running

TODAY = "2020-01-15"  # ten years of records after they begin on 1 January 2010
UVICORN = ["--host", "127.0.0.1", "--workers", "1", "--no-access-log", "--log-level", "warning"]


@dataclass
class Row:
    """One line of the table."""

    endpoint: str
    target: str
    met: bool | None
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    ratio_to_bare: float | None = None
    note: str = ""
    database: str | None = None  # None: the baseline, which touches no database


class Bench:
    """The measurements of one run, against the bare baseline measured first."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rows: list[Row] = []
        self.bare = Measurement(rps=0, p50_ms=0, p99_ms=0, errors=0)
        self.database: str | None = None

    def add(self, row: Row) -> Row:
        """Append a row to the table, marked with the database being measured."""
        row.database = self.database
        self.rows.append(row)
        return row

    def wrk(self, url: str, script: str | None = None) -> Measurement:
        """Warm up, then the median of several wrk runs."""
        connections = self.args.connections
        measure(url, seconds=2, connections=connections, script=script)
        runs = [
            measure(url, seconds=self.args.seconds, connections=connections, script=script)
            for _ in range(self.args.runs)
        ]
        return Measurement(
            rps=statistics.median(r.rps for r in runs),
            p50_ms=statistics.median(r.p50_ms for r in runs),
            p99_ms=statistics.median(r.p99_ms for r in runs),
            errors=sum(r.errors for r in runs),
            requests=sum(r.requests for r in runs),
        )

    def throughput(
        self,
        endpoint: str,
        url: str,
        ratio: float,
        *,
        p99_factor: float | None = None,
        script: str | None = None,
    ) -> Measurement:
        """Measure one endpoint and judge it against its target."""
        result = self.wrk(url, script)
        share = result.rps / self.bare.rps
        met = share >= ratio and result.errors == 0
        target = f">= {ratio} x bare"
        if p99_factor is not None:
            met = met and result.p99_ms <= p99_factor * self.bare.p99_ms
            target += f", p99 <= {p99_factor} x bare"
        self.add(
            Row(
                endpoint,
                target,
                met,
                round(result.rps, 1),
                round(result.p50_ms, 2),
                round(result.p99_ms, 2),
                round(share, 3),
                f"{result.errors} errors" if result.errors else "",
            )
        )
        return result

    def latency(self, endpoint: str, url: str, limit_ms: float, note: str = "") -> float:
        """Median of sequential single requests, against a limit in milliseconds."""
        value = median_ms(url, runs=self.args.latency_runs)
        self.add(
            Row(
                endpoint,
                f"median <= {limit_ms:g} ms",
                value <= limit_ms,
                p50_ms=round(value, 2),
                note=note,
            )
        )
        return value


def measure_bare(bench: Bench, workdir: Path, services: ExitStack) -> None:
    port = free_port()
    services.enter_context(
        running(
            python_module("uvicorn", "bench.bare_app:app", "--port", str(port), *UVICORN),
            env={},
            health_url=f"http://127.0.0.1:{port}/item",
            log=workdir / "bare.log",
        )
    )
    bench.bare = bench.wrk(f"http://127.0.0.1:{port}/item")
    bench.add(
        Row(
            "bare FastAPI (baseline)",
            "baseline",
            None,
            round(bench.bare.rps, 1),
            round(bench.bare.p50_ms, 2),
            round(bench.bare.p99_ms, 2),
            1.0,
        )
    )


def measure_reads(bench: Bench, stack: Stack) -> None:
    actions, parties = stack.urls["actions"], stack.urls["parties"]
    bench.throughput("GET /actions/{n}", f"{actions}/actions/42", 0.8, p99_factor=2)
    bench.throughput("GET /states/{iso3}", f"{parties}/states/NIC", 0.8, p99_factor=2)
    bench.throughput("GET /actions?limit=100 (67)", f"{actions}/actions?limit=100", 0.6)
    bench.throughput("GET /states?limit=200 (195)", f"{parties}/states?limit=200", 0.6)


def measure_writes(bench: Bench, stack: Stack) -> None:
    key = run_module(
        stack, "services.common.keys", "create", "--role", "admin", "--label", "bench"
    ).strip()
    parties = stack.urls["parties"]
    states = httpx.get(
        f"{parties}/states", params={"status": "party", "limit": 500}, timeout=60
    ).json()
    lists = {
        s["iso3"]: httpx.get(
            f"{parties}/parties/{s['iso3']}/commitments", params={"limit": 500}, timeout=60
        ).json()["items"]
        for s in states["items"]
    }
    etags = writes.current_etags(parties, writes.bound_pairs(lists))
    script = writes.script(stack.workdir / "put.lua", key=key, etags=etags, threads=2)
    before = writes.versions_written(stack.database_url("parties"))
    result = bench.throughput(
        "PUT /parties/{iso3}/commitments/{n}", parties, 0.3, script=str(script)
    )
    written = writes.versions_written(stack.database_url("parties")) - before
    accepted = result.requests - result.errors
    # Warm-up requests are accepted too: every accepted PUT must have left exactly one version.
    lost = accepted - (written - warmup_writes(written, result.requests))
    row = bench.rows[-1]
    errors = f"{row.note}; " if row.note else ""  # keep wrk's count of failed requests
    row.note = (
        f"{errors}{written} versions written for the accepted PUTs; lost updates: {max(0, lost)}"
    )
    row.met = row.met and lost <= 0
    measure_flooded_writes(bench, stack, key)


def measure_flooded_writes(bench: Bench, stack: Stack, key: str) -> None:
    flooded = flood.measure(
        stack.urls["parties"],
        key=key,
        path="/parties/NIC/commitments/23",
        workdir=stack.workdir,
        seconds=bench.args.seconds,
        connections=2 * bench.args.connections,
        runs=bench.args.latency_runs,
    )
    refused = flooded.flood.errors
    bench.add(
        Row(
            "PUT while /summary?as_of floods",
            "median <= 2 x without the flood",
            flooded.ratio <= 2,
            p50_ms=round(flooded.flooded_ms, 2),
            ratio_to_bare=None,
            note=f"{flooded.ratio:.2f} x the {flooded.alone_ms:.1f} ms without it; the flood "
            f"({2 * bench.args.connections} connections): {flooded.flood.requests} requests, "
            f"{refused} refused at once",
        )
    )


def warmup_writes(written: int, measured: int) -> int:
    """The versions the warm-up run wrote (it is not counted in `measured`)."""
    return max(0, written - measured)


def measure_history(bench: Bench, stack: Stack, years: list[int]) -> dict[int, dict[str, float]]:
    parties = stack.urls["parties"]
    growth: dict[int, dict[str, float]] = {}
    for span in years:
        engine = create_engine(stack.database_url("parties"))
        versions = history.generate(engine, years=span)
        engine.dispose()
        as_of = f"{2010 + span // 2}-06-30"
        summary = bench.latency(
            f"GET /summary ({span} y, {versions} versions)", f"{parties}/summary", 50
        )
        replay = bench.latency(
            f"GET /summary?as_of ({span} y)", f"{parties}/summary?as_of={as_of}", 100
        )
        growth[span] = {
            "versions": versions,
            "summary_ms": round(summary, 2),
            "as_of_ms": round(replay, 2),
        }
    return growth


def measure_dashboard(bench: Bench, stack: Stack, services: ExitStack) -> None:
    if not browser.available():
        bench.add(
            Row(
                "dashboard overview, first render",
                "<= 2 s",
                None,
                note="not measured: Debian's chromium is not installed",
            )
        )
        return
    port = free_port()
    env = {f"DASHBOARD_{n.upper()}_URL": url for n, url in stack.urls.items()}
    env |= {"DASHBOARD_PORT": str(port), "CLOCK_TODAY": stack.env["CLOCK_TODAY"]}
    url = f"http://127.0.0.1:{port}"
    services.enter_context(
        running(
            python_module("dashboard"),
            env=env,
            health_url=f"{url}/_stcore/health",
            log=stack.workdir / "dashboard.log",
        )
    )
    seconds = browser.overview_first_render_s(url)
    bench.add(
        Row(
            "dashboard overview, first render",
            "<= 2 s",
            seconds <= 2,
            p50_ms=round(seconds * 1000, 1),
            note="median of 3, services warm",
        )
    )


def measure_memory(bench: Bench, stack: Stack, when: str) -> dict[str, float]:
    used = {name: round(rss_mb(pid), 1) for name, pid in stack.pids.items()}
    if when == "idle":
        for name, mb in used.items():
            bench.add(Row(f"{name} RSS, idle", "<= 120 MB", mb <= 120, note=f"{mb} MB"))
    return used


def measure_reminders(bench: Bench, databases: Databases) -> None:
    # A database of its own: only the seeded rules, the benchmark's meeting and its contacts.
    folder = databases.folder / "reminders-run"
    folder.mkdir()
    url = databases.new("reminders_run")
    stack = Stack(workdir=folder, env={"REMINDERS_DATABASE_URL": url, "KEYS_DATABASE_URL": url})
    run_module(stack, "services.reminders", "setup")
    run = reminders.run(url, folder, reminders=bench.args.reminders)
    total = run.plan_seconds + run.deliver_seconds
    met = total <= 60 and run.received == run.reminders == bench.args.reminders
    bench.add(
        Row(
            f"{run.reminders} reminders planned + delivered (SMTP)",
            "<= 60 s",
            met,
            p50_ms=round(total * 1000),
            note=f"plan {run.plan_seconds:.1f} s, deliver "
            f"{run.deliver_seconds:.1f} s, {run.received} received",
        )
    )


def main() -> int:
    """Run every measurement; print the table and write it to bench/results/latest.json."""
    options = parser()
    args = options.parse_args()
    try:
        kinds = chosen_databases(args.databases, args.postgres)
    except ValueError as problem:
        options.error(str(problem))
    if wrk_path() is None:
        print("make bench drives the servers with wrk: install it (Debian: apt-get install wrk).")
        return 2
    # SIGTERM unwinds like Ctrl-C, so servers are stopped and PostgreSQL databases dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    bench = Bench(args)
    per_database: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="cm-bench-") as folder, ExitStack() as baseline:
        workdir = Path(folder)
        measure_bare(bench, workdir, baseline)
        for kind in kinds:
            with ExitStack() as run:
                server = args.postgres if kind == POSTGRESQL else None
                databases = Databases(workdir / kind, run, server)
                # The dashboard reads the services' in-memory views: once per run is enough.
                per_database[kind] = measure_database(bench, databases, dashboard=kind == kinds[0])
    report(bench.rows)
    save(bench.rows, args, per_database)
    return 0


def measure_database(bench: Bench, databases: Databases, *, dashboard: bool) -> dict[str, Any]:
    """Every measurement of the services on one database; the memory and growth figures."""
    bench.database = databases.kind
    stack = set_up(databases, TODAY)
    start(stack, databases.cleanup)
    idle = measure_memory(bench, stack, "idle")
    measure_reads(bench, stack)
    measure_writes(bench, stack)
    growth = measure_history(bench, stack, [int(y) for y in bench.args.years.split(",")])
    bench.latency(
        "GET /reports/progress.pdf (the meeting report)",
        f"{stack.urls['parties']}/reports/progress.pdf?lang=fr",
        5000,
        note="drawn at each request: the calendar and assessments read, the records summed",
    )
    if dashboard:
        measure_dashboard(bench, stack, databases.cleanup)
    loaded = measure_memory(bench, stack, "after load")
    measure_reminders(bench, databases)
    return {
        "version": databases.version(),
        "memory": {"idle_mb": idle, "after_load_mb": loaded},
        "growth": growth,
    }


if __name__ == "__main__":
    sys.exit(main())
