"""The actions catalogue is refreshed in the background, never inside a request: an update
composed for longer than its TTL goes through; a bad answer of the actions service (HTML,
malformed JSON, another document, an empty list, a timeout) never takes the parties service
down, the last good catalogue keeps serving, and /readyz says which one is served."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from services.common.auth import Role
from services.parties.main import create_app
from tests.factories import bearer, create_key
from tests.parties.conftest import forwarding_transport, prepare_database, settings_for

Handler = Callable[[httpx.Request], httpx.Response]


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("no answer", request=request)


BAD_ANSWERS: dict[str, tuple[Handler, str]] = {
    "html": (
        lambda _r: httpx.Response(200, text="<html>Down for maintenance</html>"),
        "something other than JSON",
    ),
    "malformed json": (
        lambda _r: httpx.Response(
            200, content=b'{"items": [', headers={"content-type": "application/json"}
        ),
        "something other than JSON",
    ),
    "another document": (
        lambda _r: httpx.Response(200, json={"items": [{"number": "seven"}], "total": 1}),
        "an unexpected document (items.0.number",
    ),
    "empty": (
        lambda _r: httpx.Response(200, json={"items": [], "total": 0}),
        "an empty catalogue",
    ),
    "timeout": (_timeout, "cannot be reached (ReadTimeout)"),
}


@dataclass
class Switchable:
    """A transport to the actions service that answers well, or badly when told to."""

    good: httpx.MockTransport
    bad: Handler | None = None
    calls: list[str] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            self.calls.append(request.url.path)
            if self.bad is not None:
                return self.bad(request)
            return self.good.handle_request(request)

        return httpx.MockTransport(handle)


def _readiness_of_actions(client: TestClient) -> str:
    return str(client.get("/readyz").json()["dependencies"]["actions"])


def _open(url: str, actions: Switchable, ttl_seconds: int = 300) -> TestClient:
    settings = settings_for(url).model_copy(update={"catalogue_ttl_seconds": ttl_seconds})
    return TestClient(
        create_app(settings, actions_transport=actions.transport()), raise_server_exceptions=False
    )


@pytest.fixture
def actions(actions_client: TestClient) -> Switchable:
    return Switchable(good=forwarding_transport(actions_client))


@pytest.fixture
def seeded(database_url: str) -> str:
    """A seeded database on each backend."""
    prepare_database(database_url)
    return database_url


@pytest.fixture
def seeded_sqlite(tmp_path: Path) -> str:
    """A seeded SQLite database: what the actions service answers is the same on both."""
    url = f"sqlite:///{tmp_path / 'parties.db'}"
    prepare_database(url)
    return url


def _compose_past_the_ttl(actions: Switchable, ttl_seconds: float) -> int:
    """The state takes its time: past the TTL. Return how many fetches were made by then."""
    time.sleep(ttl_seconds + 0.5)
    return len(actions.calls)


def _refreshed_in_the_background(actions: Switchable, before: int) -> bool:
    deadline = time.monotonic() + 30
    while len(actions.calls) <= before and time.monotonic() < deadline:
        time.sleep(0.1)
    return len(actions.calls) > before


def test_an_update_composed_for_longer_than_the_catalogue_ttl_goes_through(
    seeded: str, actions: Switchable
) -> None:
    nicaragua = bearer(create_key(seeded, Role.STATE, "NIC"))
    path = "/parties/NIC/commitments/23"
    with _open(seeded, actions, ttl_seconds=1) as client:
        etag = client.get(path).headers["etag"]
        fetched = _compose_past_the_ttl(actions, 1)
        updated = client.put(
            path,
            json={"status": "in_progress", "narrative": "Plan adopted."},
            headers={**nicaragua, "If-Match": etag},
        )
        assert updated.status_code == 200, updated.text
        assert updated.json()["version"] == 1
        assert _refreshed_in_the_background(actions, fetched)


def test_an_import_after_the_catalogue_ttl_goes_through(seeded: str, actions: Switchable) -> None:
    nicaragua = bearer(create_key(seeded, Role.STATE, "NIC"))
    with _open(seeded, actions, ttl_seconds=1) as client:
        assert client.get("/parties/NIC/commitments.csv").status_code == 200
        fetched = _compose_past_the_ttl(actions, 1)
        imported = client.post(
            "/parties/NIC/commitments.csv",
            content="action,status,version\n23,in_progress,0\n24,completed,0\n",
            headers={**nicaragua, "Content-Type": "text/csv"},
        )
        assert imported.status_code == 200, imported.text
        assert [row["version"] for row in imported.json()] == [1, 1]
        assert _refreshed_in_the_background(actions, fetched)


@pytest.mark.parametrize("kind", list(BAD_ANSWERS))
def test_a_bad_answer_at_start_up_leaves_the_service_up_and_says_so(
    seeded_sqlite: str, actions: Switchable, kind: str
) -> None:
    actions.bad, reason = BAD_ANSWERS[kind]
    with _open(seeded_sqlite, actions) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["status"] == "degraded"
        said = ready.json()["dependencies"]["actions"]
        assert said.startswith("unavailable: no actions catalogue yet: "), said
        assert reason in said
        assert client.get("/states/NIC").status_code == 200  # needs no catalogue
        commitments = client.get("/parties/NIC/commitments")
        assert commitments.status_code == 503
        assert commitments.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("kind", list(BAD_ANSWERS))
def test_a_bad_answer_later_keeps_the_last_good_catalogue(
    seeded_sqlite: str, actions: Switchable, kind: str
) -> None:
    with _open(seeded_sqlite, actions) as client:
        served = client.get("/parties/NIC/commitments").json()
        assert client.get("/readyz").json()["status"] == "ready"
        actions.bad, reason = BAD_ANSWERS[kind]
        catalogue = client.app.state.catalogue  # type: ignore[attr-defined]
        assert catalogue.refresh() is False  # what the background thread does
        assert client.get("/parties/NIC/commitments").json() == served
        said = client.get("/readyz").json()["dependencies"]["actions"]
        assert reason in said and "; serving the actions catalogue fetched at " in said, said
    # Restarted while the answers are still bad: the copy kept in the database serves.
    with _open(seeded_sqlite, actions) as client:
        assert client.get("/parties/NIC/commitments").json()["total"] == served["total"]
        deadline = time.monotonic() + 30
        while "not fetched yet" in (
            said := client.get("/readyz").json()["dependencies"]["actions"]
        ):
            assert time.monotonic() < deadline, said
            time.sleep(0.1)
        assert reason in said
        assert "serving the actions catalogue kept in the database, fetched at " in said, said
