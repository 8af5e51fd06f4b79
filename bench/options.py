"""The command line of `make bench` (`python -m bench`), and which databases it measures."""

from __future__ import annotations

import argparse
import os

from bench.stack import POSTGRESQL, SQLITE

POSTGRES_URL_ENV = "BENCH_POSTGRES_URL"
DESCRIPTION = (
    "Measure the services against a bare FastAPI app in the same run (docs/performance.md)."
)


def chosen_databases(names: str | None, postgres_url: str | None) -> list[str]:
    """The databases to measure: those named, else SQLite and, given a server, PostgreSQL."""
    if names is None:
        return [SQLITE, POSTGRESQL] if postgres_url else [SQLITE]
    chosen = [name.strip() for name in names.split(",") if name.strip()]
    unknown = sorted(set(chosen) - {SQLITE, POSTGRESQL})
    if unknown or not chosen:
        raise ValueError(f"--databases takes sqlite and/or postgresql, not {names!r}")
    if POSTGRESQL in chosen and not postgres_url:
        raise ValueError(f"postgresql needs a server: --postgres URL or {POSTGRES_URL_ENV}")
    return list(dict.fromkeys(chosen))


def parser() -> argparse.ArgumentParser:
    """The options of `python -m bench`."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=DESCRIPTION)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each measured run")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per endpoint (median)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--years", default="1,3,10", help="history lengths for the growth figures")
    parser.add_argument(
        "--latency-runs", type=int, default=15, help="sequential requests per median"
    )
    parser.add_argument(
        "--reminders", type=int, default=10_000, help="reminders to plan and deliver"
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get(POSTGRES_URL_ENV) or None,
        help=f"a PostgreSQL server to make throwaway databases on (default: ${POSTGRES_URL_ENV})",
    )
    parser.add_argument(
        "--databases",
        metavar="NAMES",
        help="sqlite, postgresql or both, comma-separated (default: sqlite, and postgresql "
        "when a server is given)",
    )
    return parser
