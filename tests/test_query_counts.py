"""No N+1: a list costs the same number of SQL statements for 5 items as for 200."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from services.actions.main import create_app as create_actions_app
from services.actions.settings import ActionsSettings
from services.common.auth import Role
from services.parties.main import create_app as create_parties_app
from services.parties.settings import PartiesSettings
from services.reminders.main import create_app as create_reminders_app
from services.reminders.settings import RemindersSettings
from tests.factories import bearer, create_key
from tests.parties.conftest import forwarding_transport
from tests.served import TODAY, set_up

LISTS = [
    ("actions", "/plans"),
    ("actions", "/sections"),
    ("actions", "/actions"),
    ("actions", "/indicators"),
    ("actions", "/assessments/latest"),
    ("actions", "/actions/14/assessments"),
    ("actions", "/changes?since=2000-01-01&include_seed=true"),
    ("parties", "/states"),
    ("parties", "/states?status=party"),
    ("parties", "/parties/NIC/commitments"),
    ("parties", "/changes?since=2000-01-01&include_seed=true"),
    ("reminders", "/events"),
    ("reminders", "/changes?since=2000-01-01&include_seed=true"),
    ("reminders", "/rules"),
    ("reminders", "/committee-members"),
    ("reminders", "/parties/NIC/contacts"),
    ("reminders", "/reminders"),
    ("reminders", "/deliveries"),
]


@pytest.fixture(scope="module")
def clients() -> Iterator[dict[str, Any]]:
    """The three services in-process on seeded databases, with an admin key and some contacts."""
    workdir = Path(tempfile.mkdtemp(prefix="cm-queries-"))
    urls = {n: f"sqlite:///{workdir / n}.db" for n in ("keys", "actions", "parties", "reminders")}
    env = {f"{name.upper()}_DATABASE_URL": url for name, url in urls.items()}
    set_up(("actions", "parties", "reminders"), {**env, "CLOCK_TODAY": TODAY})
    common: dict[str, Any] = {
        "keys_database_url": urls["keys"],
        "environment": "test",
        "clock_today": TODAY,
    }
    admin = bearer(create_key(urls["keys"], Role.ADMIN))
    try:
        actions = create_actions_app(ActionsSettings(database_url=urls["actions"], **common))
        with TestClient(actions) as actions_client:
            parties = create_parties_app(
                PartiesSettings(database_url=urls["parties"], **common),
                actions_transport=forwarding_transport(actions_client),
            )
            with TestClient(parties) as parties_client:
                reminders = create_reminders_app(
                    RemindersSettings(database_url=urls["reminders"], **common),
                    parties_transport=forwarding_transport(parties_client),
                )
                with TestClient(reminders) as reminders_client:
                    _fill(actions_client, reminders_client, admin)
                    yield {
                        "actions": (actions_client, actions),
                        "parties": (parties_client, parties),
                        "reminders": (reminders_client, reminders),
                        "admin": admin,
                    }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _fill(actions: TestClient, reminders: TestClient, admin: dict[str, str]) -> None:
    """Enough rows that a per-item query would show: assessments, contacts, members."""
    for n in range(12):
        actions.post(
            "/actions/14/assessments",
            json={"status": "some_progress", "period": f"p{n}", "assessed_on": "2010-04-01"},
            headers=admin,
        ).raise_for_status()
        contact = {"name": f"Desk {n}", "email": f"desk{n}@nic.example", "language": "es"}
        reminders.post("/parties/NIC/contacts", json=contact, headers=admin).raise_for_status()
        reminders.post("/committee-members", json=contact, headers=admin).raise_for_status()
    reminders.post("/reminders/plan", headers=admin).raise_for_status()


@contextmanager
def _counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _statements(clients: dict[str, Any], service: str, path: str, limit: int) -> list[str]:
    client, app = clients[service]
    assert isinstance(app, FastAPI)
    joiner = "&" if "?" in path else "?"
    # A fresh view for each count: the parties service would otherwise answer from memory.
    if service == "parties":
        app.state.current.invalidate()
    with _counting(app.state.engine) as statements:
        response = client.get(f"{path}{joiner}limit={limit}", headers=clients["admin"])
    assert response.status_code == 200, response.text
    return statements


@pytest.mark.parametrize(("service", "path"), LISTS, ids=[f"{s} {p}" for s, p in LISTS])
def test_a_list_costs_the_same_statements_for_5_items_as_for_200(
    clients: dict[str, Any], service: str, path: str
) -> None:
    few = _statements(clients, service, path, 5)
    many = _statements(clients, service, path, 200)

    assert len(many) == len(few), many
    assert len(many) <= 12, many
