"""`make soak`: the services and the scheduler under a steady load for minutes, while a burst of
reminders falls due. Usage: python -m bench.soak [--minutes 10] [--users 156] [--reminders 2000]

156 State Parties (locust, headless, on loopback), each with its own key, read about four times
for every write of their own commitments. A third of the way in, a meeting a week ahead and
`--reminders` contact points appear; the scheduler plans and sends their reminders to an SMTP
server on loopback. Passes when no request failed, every reminder was delivered and received,
and no service grew more than 10 % in resident memory between the end of the warm-up and the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlmodel import Session, col

from bench import reminders
from bench.stack import Databases, Stack, rss_mb, set_up, start
from services.common.auth import Role
from services.common.clock import Clock
from services.common.db import create_engine
from services.common.keys.store import KeyStore
from services.common.settings import PROJECT_ROOT
from services.reminders.models import Event, Reminder
from tools.processes import free_port, python_module, stop

TODAY = (reminders.MEETING - timedelta(days=7)).isoformat()
WARM_UP_S = 60
RSS_GROWTH_LIMIT = 0.10
SETTLE_S = 180


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(description=__doc__)
    parse.add_argument("--minutes", type=float, default=10.0)
    parse.add_argument("--users", type=int, default=156)
    parse.add_argument("--reminders", type=int, default=2000)
    return parse


def main() -> int:
    args = parser().parse_args()
    seconds = int(args.minutes * 60)
    with tempfile.TemporaryDirectory(prefix="cm-soak-") as folder, ExitStack() as processes:
        workdir = Path(folder)
        stack = set_up(Databases(workdir, processes), TODAY)
        smtp_port, tally = free_port(), workdir / "smtp-received.txt"
        processes.enter_context(_smtp_sink(smtp_port, tally))
        stack.env |= _scheduler_env(smtp_port)
        start(stack, processes)
        processes.enter_context(_scheduler(stack))
        keys = _state_keys(stack, workdir / "keys.json")
        load = _locust(stack, keys, workdir, users=args.users, seconds=seconds)
        time.sleep(min(WARM_UP_S, seconds / 3))
        rss_before = _rss(stack)
        time.sleep(max(0.0, seconds / 3 - WARM_UP_S))
        reminders.only_the_last_week_reminder(stack.database_url("reminders"))
        reminders.add_meeting_and_contacts(
            stack.database_url("reminders"), args.reminders, datetime.now(UTC)
        )
        rss_by_minute = _sample_rss_until_done(stack, load, timeout=seconds + 120)
        rss_after = _rss(stack)
        delivered = _wait_until_delivered(stack, args.reminders)
        received = len(tally.read_text().splitlines()) if tally.exists() else 0
        totals = _locust_totals(workdir / "soak_stats.csv")
        failures = _locust_failures(workdir / "soak_failures.csv")
    result = _verdict(args, totals, delivered, received, rss_before, rss_after)
    result["failures"] = failures
    result["rss_mb_by_minute"] = rss_by_minute
    _report(result)
    out = Path(PROJECT_ROOT, "bench", "results", "soak.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["met"] else 1


def _scheduler_env(smtp_port: int) -> dict[str, str]:
    return {
        "REMINDERS_SMTP_HOST": "127.0.0.1",
        "REMINDERS_SMTP_PORT": str(smtp_port),
        "REMINDERS_SMTP_SECURITY": "none",
        "REMINDERS_SEND_HOUR_UTC": "0",  # the burst is due the moment it is planned
        "REMINDERS_PLAN_INTERVAL_SECONDS": "20",
        "REMINDERS_DELIVER_INTERVAL_SECONDS": "10",
        # The soak's states write far more often than people do; one key each, not limited.
        "PARTIES_RATE_LIMIT_PER_KEY": "100000/minute",
    }


class _smtp_sink:  # noqa: N801 - used as a context manager, like `running`
    def __init__(self, port: int, tally: Path) -> None:
        self.args = [sys.executable, "-m", "bench.smtp_sink", str(port), str(tally)]
        self.port = port

    def __enter__(self) -> subprocess.Popen[bytes]:
        self.process = subprocess.Popen(self.args, cwd=PROJECT_ROOT)
        reminders.wait_for_port(self.port)
        return self.process

    def __exit__(self, *_: object) -> None:
        stop(self.process)


@contextmanager
def _scheduler(stack: Stack) -> Iterator[subprocess.Popen[bytes]]:
    with (stack.workdir / "scheduler.log").open("wb") as log:
        process = subprocess.Popen(
            python_module("services.reminders", "scheduler"),
            cwd=PROJECT_ROOT,
            env={**os.environ, **stack.env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            stop(process)


def _state_keys(stack: Stack, path: Path) -> list[dict[str, str]]:
    """One key per State Party, made in the key store directly (156 CLI runs would take minutes)."""
    parties = httpx.get(
        f"{stack.urls['parties']}/states", params={"status": "party", "limit": 500}, timeout=60
    ).json()["items"]
    engine = create_engine(stack.env["KEYS_DATABASE_URL"])
    store = KeyStore(engine, Clock(None))
    keys = [
        {"iso3": s["iso3"], "key": store.create(role=Role.STATE, state=s["iso3"], label="soak")[1]}
        for s in parties
    ]
    engine.dispose()
    path.write_text(json.dumps(keys))
    return keys


def _locust(
    stack: Stack, keys: list[dict[str, str]], workdir: Path, *, users: int, seconds: int
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SOAK_ACTIONS_URL": stack.urls["actions"],
        "SOAK_PARTIES_URL": stack.urls["parties"],
        "SOAK_REMINDERS_URL": stack.urls["reminders"],
        "SOAK_KEYS_FILE": str(workdir / "keys.json"),
    }
    command = [
        *python_module("locust"),
        "-f", str(Path(PROJECT_ROOT, "bench", "locustfile.py")),
        "--headless", "--users", str(users), "--spawn-rate", "20",
        "--run-time", f"{seconds}s", "--csv", str(workdir / "soak"), "--only-summary",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    log = (workdir / "locust.log").open("wb")
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log)


def _sample_rss_until_done(
    stack: Stack, load: subprocess.Popen[bytes], *, timeout: float
) -> list[dict[str, float]]:
    """Wait for the load to end, noting each service's RSS every minute (growth that levels
    off is caches filling; growth that keeps its slope is a leak)."""
    samples = []
    deadline = time.monotonic() + timeout
    while load.poll() is None and time.monotonic() < deadline:
        samples.append(_rss(stack))
        try:
            load.wait(60)
        except subprocess.TimeoutExpired:
            continue
    return samples


def _rss(stack: Stack) -> dict[str, float]:
    return {name: round(rss_mb(pid), 1) for name, pid in stack.pids.items()}


def _wait_until_delivered(stack: Stack, expected: int) -> int:
    """Wait (bounded) for the scheduler to deliver the burst's reminders (one per contact
    point, each in a digest of its own); return how many it delivered."""
    engine = create_engine(stack.database_url("reminders"))
    deadline = time.monotonic() + SETTLE_S
    delivered = 0
    while time.monotonic() < deadline:
        with Session(engine) as session:
            delivered = session.execute(
                select(func.count())
                .select_from(Reminder)
                .join(Event, col(Event.id) == col(Reminder.event_id))
                .where(col(Event.key) == "bench:meeting", col(Reminder.status) == "delivered")
            ).scalar_one()
        if delivered >= expected:
            break
        time.sleep(2)
    engine.dispose()
    return int(delivered)


def _locust_totals(stats: Path) -> dict[str, float]:
    with stats.open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p99_ms": float(total["99%"]),
    }


def _locust_failures(path: Path) -> list[dict[str, str]]:
    """What failed, grouped by request and error, as locust counted it."""
    if not path.exists():
        return []
    with path.open() as handle:
        return [
            {"request": f"{row['Method']} {row['Name']}", "error": row["Error"][:300],
             "count": row["Occurrences"]}
            for row in csv.DictReader(handle)
        ]  # fmt: skip


def _verdict(
    args: argparse.Namespace,
    totals: dict[str, float],
    delivered: int,
    received: int,
    rss_before: dict[str, float],
    rss_after: dict[str, float],
) -> dict[str, object]:
    growth = {name: round(rss_after[name] / rss_before[name] - 1, 3) for name in rss_before}
    met = (
        totals["failures"] == 0
        and totals["requests"] > 0
        and delivered == received == args.reminders
        and all(g < RSS_GROWTH_LIMIT for g in growth.values())
    )
    return {
        "minutes": args.minutes,
        "users": args.users,
        "load": totals,
        "reminders": {"due": args.reminders, "delivered": delivered, "received": received},
        "rss_mb_after_warm_up": rss_before,
        "rss_mb_at_end": rss_after,
        "rss_growth": growth,
        "met": met,
    }


def _report(result: dict[str, object]) -> None:
    print(json.dumps(result, indent=2))
    print("PASS" if result["met"] else "FAIL")


if __name__ == "__main__":
    sys.exit(main())
