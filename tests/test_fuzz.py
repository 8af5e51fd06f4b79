"""Schemathesis over the three OpenAPI documents: valid and invalid requests generated from the
documents themselves, sent with no key, an admin key and a state key. No answer may be a server
error, an undocumented status, a body that breaks its schema, an accepted invalid request, an
unsupported method that is not 405, or a route declaring a key that answers without one."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from services.actions.main import create_app as create_actions_app
from services.actions.settings import ActionsSettings
from services.common.auth import Role
from services.common.spreadsheets import XLSX
from services.parties.main import create_app as create_parties_app
from services.parties.settings import PartiesSettings
from services.reminders.main import create_app as create_reminders_app
from services.reminders.settings import RemindersSettings
from tests.factories import bearer, create_key
from tests.parties.conftest import forwarding_transport
from tests.served import TODAY, set_up

# An uploaded workbook is bytes, as a file of any other type.
schemathesis.serializer.alias(XLSX, "application/octet-stream")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    negative_data_rejection,
    unsupported_method,
    use_after_free,
    ignored_auth,
]
CALLERS = ["anonymous", "admin", "state"]
# Enough to walk every parameter of every route in `make test`; fixed, so CI is repeatable.
FUZZ = settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


# The apps are built at import, since the schemas parametrize the tests at collection; their
# databases are made, and their lifespans entered, only when the module's tests run.
WORKDIR = Path(tempfile.mkdtemp(prefix="cm-fuzz-"))
URLS = {
    name: f"sqlite:///{WORKDIR / name}.db" for name in ("keys", "actions", "parties", "reminders")
}
COMMON: dict[str, Any] = {
    "keys_database_url": URLS["keys"],
    "environment": "test",
    "clock_today": TODAY,
    "rate_limit_per_key": "1000000/minute",
    "rate_limit_failed_auth": "1000000/minute",
}
ACTIONS = create_actions_app(ActionsSettings(database_url=URLS["actions"], **COMMON))
PARTIES = create_parties_app(PartiesSettings(database_url=URLS["parties"], **COMMON))
REMINDERS = create_reminders_app(RemindersSettings(database_url=URLS["reminders"], **COMMON))


@pytest.fixture(scope="module", autouse=True)
def running_apps() -> Iterator[None]:
    """Seed the databases and run the three apps in-process, chained (the fuzzer writes)."""
    env = {f"{name.upper()}_DATABASE_URL": url for name, url in URLS.items()}
    try:
        set_up(("actions", "parties", "reminders"), {**env, "CLOCK_TODAY": TODAY})
        with TestClient(ACTIONS) as actions:
            PARTIES.state.actions_transport = forwarding_transport(actions)
            with TestClient(PARTIES) as parties:
                REMINDERS.state.parties_transport = forwarding_transport(parties)
                with TestClient(REMINDERS) as reminders:
                    # A decision names its meeting on the reminders service's calendar.
                    PARTIES.state.reminders_transport = forwarding_transport(reminders)
                    yield
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)


@pytest.fixture(scope="module")
def keys(running_apps: None) -> dict[str, dict[str, str]]:
    return {
        "anonymous": {},
        "admin": bearer(create_key(URLS["keys"], Role.ADMIN)),
        "state": bearer(create_key(URLS["keys"], Role.STATE, "NIC")),
    }


def _send_as_every_caller(case: schemathesis.Case, keys: dict[str, dict[str, str]]) -> None:
    for caller in CALLERS:
        case.call_and_validate(headers=keys[caller], checks=CHECKS)


def _schema(app: FastAPI) -> schemathesis.BaseSchema:
    # Read from the app object, not by a request: that would start the app before its database.
    schema = schemathesis.openapi.from_dict(app.openapi())
    schema.app = app
    return schema


actions_api = _schema(ACTIONS)
parties_api = _schema(PARTIES)
reminders_api = _schema(REMINDERS)


@actions_api.parametrize()
@FUZZ
def test_actions_api(case: schemathesis.Case, keys: dict[str, dict[str, str]]) -> None:
    _send_as_every_caller(case, keys)


@parties_api.parametrize()
@FUZZ
def test_parties_api(case: schemathesis.Case, keys: dict[str, dict[str, str]]) -> None:
    _send_as_every_caller(case, keys)


@reminders_api.parametrize()
@FUZZ
def test_reminders_api(case: schemathesis.Case, keys: dict[str, dict[str, str]]) -> None:
    _send_as_every_caller(case, keys)
