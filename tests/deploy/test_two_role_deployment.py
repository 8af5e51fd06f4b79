"""The deployment as docker-compose.yml runs it, on PostgreSQL with two roles: its `migrate`
command as the databases' owner, then each service's and the scheduler's command as the runtime
role, in production, with the argv read from the compose file. A state's and an admin's writes
then succeed through HTTP, each with its audit row, and the scheduler delivers a reminder."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from services.common.settings import PROJECT_ROOT
from tests.deploy.commands import compose_containers, rendered_compose
from tests.factories import bearer
from tests.reminders.receivers import WEBHOOK_SECRET, SmtpServer, smtp_server, text_of
from tools.postgres import create_database, drop_database, libpq_url
from tools.processes import free_port, running, stop

DATABASES = ("keys", "actions", "parties", "reminders")
APIS = ("actions", "parties", "reminders")
TODAY = "2010-05-01"
SETTLE_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Cluster:
    """Two login roles on the test server, and four databases the first one owns."""

    owner: str
    runtime: str
    owner_urls: dict[str, str]
    runtime_urls: dict[str, str]


def _role_url(url: str, user: str, password: str) -> str:
    return make_url(url).set(username=user, password=password).render_as_string(hide_password=False)


@pytest.fixture
def cluster(postgres_admin_url: str) -> Iterator[Cluster]:
    """What deploy/postgres/init-databases.sh makes, under names of this test's own."""
    suffix = secrets.token_hex(4)
    owner, runtime = f"cm_owner_{suffix}", f"cm_app_{suffix}"
    passwords = {owner: secrets.token_hex(12), runtime: secrets.token_hex(12)}
    base = make_url(postgres_admin_url).database
    with psycopg.connect(libpq_url(postgres_admin_url), autocommit=True) as connection:
        for role, password in passwords.items():
            connection.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    urls = {
        name: create_database(postgres_admin_url, f"{base}_{uuid.uuid4().hex[:8]}_{name}")
        for name in DATABASES
    }
    try:
        with psycopg.connect(libpq_url(postgres_admin_url), autocommit=True) as connection:
            for url in urls.values():
                connection.execute(f'ALTER DATABASE "{make_url(url).database}" OWNER TO {owner}')
        yield Cluster(
            owner=owner,
            runtime=runtime,
            owner_urls={n: _role_url(u, owner, passwords[owner]) for n, u in urls.items()},
            runtime_urls={n: _role_url(u, runtime, passwords[runtime]) for n, u in urls.items()},
        )
    finally:
        for url in urls.values():
            drop_database(postgres_admin_url, url)
        with psycopg.connect(libpq_url(postgres_admin_url), autocommit=True) as connection:
            for role in passwords:
                connection.execute(f"DROP ROLE IF EXISTS {role}")


@dataclass(frozen=True)
class Compose:
    """What the compose file declares for each container: its argv and its environment."""

    argv: dict[str, tuple[str, ...]]
    environment: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def compose() -> Compose:
    rendered = rendered_compose(PROJECT_ROOT / "docker-compose.yml")
    argv = {c.where.removeprefix("compose "): c.argv for c in compose_containers(rendered)}
    environment = {name: s.get("environment", {}) for name, s in rendered["services"].items()}
    return Compose(argv=argv, environment=environment)


def local_argv(argv: tuple[str, ...]) -> list[str]:
    """The image's `python` is this test's interpreter."""
    assert argv[0] == "python", argv
    return [sys.executable, *argv[1:]]


def local_environment(
    declared: dict[str, str], cluster: Cluster, ports: dict[str, int], smtp: SmtpServer
) -> dict[str, str]:
    """A container's environment from the compose file, pointed at this machine's loopback:
    the test's databases and roles, free ports, a real SMTP server, a real signing secret."""
    env: dict[str, str] = {}
    for name, value in declared.items():
        if value.startswith("postgresql://"):
            url = make_url(value)
            role_urls = cluster.owner_urls if url.username == "monitor" else cluster.runtime_urls
            value = role_urls[str(url.database)]
        elif name.endswith("_RUNTIME_ROLE"):
            assert value == "monitor_app", (name, value)
            value = cluster.runtime
        elif name.endswith("_HOST") and value == "0.0.0.0":
            value = "127.0.0.1"
        elif match := re.fullmatch(r"http://(actions|parties|reminders):\d+", value):
            value = f"http://127.0.0.1:{ports[match.group(1)]}"
        env[name] = value
    assert env["ENVIRONMENT"] == "production"
    return {
        **env,
        **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
        "REMINDERS_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "REMINDERS_SMTP_HOST": "127.0.0.1",
        "REMINDERS_SMTP_PORT": str(smtp.port),
        "REMINDERS_SMTP_SECURITY": "none",
        "REMINDERS_SMTP_SENDER": "reminders@example.org",
        "REMINDERS_SEND_HOUR_UTC": "0",
        "REMINDERS_DELIVER_INTERVAL_SECONDS": "1",
        "REMINDERS_LEASE_SECONDS": "8",
        "CLOCK_TODAY": TODAY,
    }


def run_to_completion(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def create_key(owner_env: dict[str, str], *args: str) -> dict[str, str]:
    """`python -m services.common.keys create …` as the owner, as README says: its header."""
    result = run_to_completion(
        [sys.executable, "-m", "services.common.keys", "create", *args], owner_env
    )
    assert result.returncode == 0, result.stderr
    return bearer(result.stdout.strip())


def audit_rows(owner_url: str, entity: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(libpq_url(owner_url)) as connection:
        return connection.execute(
            "SELECT entity_id, actor_role, operation FROM audit_log WHERE entity = %s "
            "AND actor_role <> 'system' ORDER BY id",
            (entity,),
        ).fetchall()


def wait_for(condition: Any, what: str, log: Path) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while not condition():
        assert time.monotonic() < deadline, f"{what}:\n{log.read_text()[-4000:]}"
        time.sleep(0.2)


@pytest.mark.timeout(600)  # three services migrated and seeded on PostgreSQL, then served
def test_the_compose_deployment_migrates_as_the_owner_and_serves_as_the_runtime_role(
    cluster: Cluster, compose: Compose, tmp_path: Path
) -> None:
    ports = {name: free_port() for name in APIS}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    with ExitStack() as stack:
        smtp = stack.enter_context(smtp_server())
        owner_env = local_environment(compose.environment["migrate"], cluster, ports, smtp)
        migrated = run_to_completion(local_argv(compose.argv["migrate"]), owner_env)
        assert migrated.returncode == 0, migrated.stderr
        admin = create_key(owner_env, "--role", "admin", "--label", "ISU")
        nicaragua = create_key(owner_env, "--role", "state", "--state", "NIC")

        runtime_env = {
            name: local_environment(compose.environment[name], cluster, ports, smtp)
            for name in (*APIS, "scheduler")
        }
        for name in APIS:
            assert runtime_env[name][f"{name.upper()}_DATABASE_URL"].startswith(
                f"postgresql://{cluster.runtime}:"
            )
            stack.enter_context(
                running(
                    local_argv(compose.argv[name]),
                    env=runtime_env[name],
                    health_url=f"{urls[name]}/readyz",
                    log=tmp_path / f"{name}.log",
                )
            )

        # Actions: the ISU records an assessment (no state writes there).
        assessed = httpx.post(
            f"{urls['actions']}/actions/14/assessments",
            headers=admin,
            json={"status": "some_progress", "period": "2010-06", "assessed_on": TODAY},
        )
        assert assessed.status_code == 201, assessed.text
        assert audit_rows(cluster.owner_urls["actions"], "assessment") == [
            (str(assessed.json()["id"]), "admin", "create")
        ]

        # Parties: Nicaragua updates its own commitment, the ISU records its report.
        path = f"{urls['parties']}/parties/NIC/commitments/23"
        etag = httpx.get(path).headers["etag"]
        updated = httpx.put(
            path,
            headers={**nicaragua, "If-Match": etag},
            json={"status": "in_progress", "narrative": "Plan adopted."},
        )
        assert updated.status_code == 200, updated.text
        reported = httpx.post(
            f"{urls['parties']}/parties/NIC/article7-reports",
            headers=admin,
            json={"period": "2009", "submitted_on": "2010-04-30"},
        )
        assert reported.status_code == 201, reported.text
        assert audit_rows(cluster.owner_urls["parties"], "commitment") == [
            ("NIC:23", "state", "create")
        ]
        assert audit_rows(cluster.owner_urls["parties"], "article7_report") == [
            ("NIC:2009", "admin", "create")
        ]

        # Reminders: Nicaragua adds and renames its contact point, the ISU adds a meeting a
        # week ahead, whose 7-day reminder is due at once.
        contacts = f"{urls['reminders']}/parties/NIC/contacts"
        contact = httpx.post(
            contacts,
            headers=nicaragua,
            json={"name": "Mine action centre", "email": "cnd@example.org", "language": "es"},
        )
        assert contact.status_code == 201, contact.text
        renamed = httpx.put(
            f"{contacts}/{contact.json()['id']}",
            headers={**nicaragua, "If-Match": contact.headers["etag"]},
            json={"name": "Centro de desminado", "email": "cnd@example.org", "language": "es"},
        )
        assert renamed.status_code == 200, renamed.text
        event = httpx.post(
            f"{urls['reminders']}/events",
            headers=admin,
            json={
                "title": "Informal meeting on clearance",
                "kind": "special_meeting",
                "start": "2010-05-08",
                "end": "2010-05-08",
                "location": "Geneva",
            },
        )
        assert event.status_code == 201, event.text
        assert [op for *_, op in audit_rows(cluster.owner_urls["reminders"], "recipient")] == [
            "create",
            "update",
        ]
        assert audit_rows(cluster.owner_urls["reminders"], "event") == [
            (str(event.json()["id"]), "admin", "create")
        ]

        # The scheduler, as the runtime role: it takes the lease, syncs, plans and delivers.
        log = tmp_path / "scheduler.log"
        with log.open("wb") as output:
            scheduler = subprocess.Popen(
                local_argv(compose.argv["scheduler"]),
                cwd=PROJECT_ROOT,
                env={**os.environ, **runtime_env["scheduler"]},
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(
                lambda: (
                    any("Informal meeting" in text_of(m) for m in smtp.messages)
                    or scheduler.poll() is not None
                ),
                "the meeting's reminder reaches the SMTP server",
                log,
            )
            assert scheduler.poll() is None, log.read_text()[-4000:]
            probe = run_to_completion(
                local_argv(compose.argv["scheduler healthcheck"]), runtime_env["scheduler"]
            )
            assert probe.returncode == 0, probe.stdout + probe.stderr
        finally:
            assert stop(scheduler) == 0, log.read_text()[-4000:]
        delivered = httpx.get(
            f"{urls['reminders']}/deliveries", headers=admin, params={"status": "delivered"}
        )
        assert delivered.json()["total"] >= 1
        assert "permission denied" not in log.read_text()
