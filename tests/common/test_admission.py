"""Admission by the event loop's queue delay: while the loop stays behind, reads are refused
at once (503, `Retry-After`), writes and health checks never are, and once it has caught up
everything is served again."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from services.common.admission import QueueDelay
from services.common.auth import Role
from tests.common import app_under_test
from tests.common.conftest import build_settings
from tests.factories import bearer, create_key

# One request holds the loop a fifth of a second at a time, letting it run what is ready in
# between: the loop stays behind, as under a queue it does not get through, until the test has
# its answers and ends the stall (at most thirty seconds, however slow the machine).
STALLS = 150


@pytest.fixture
def impatient(notes_db: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = build_settings(notes_db).model_copy(update={"max_queue_delay_ms": 50})
    app = app_under_test.create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, bearer(create_key(notes_db, Role.ADMIN))


def test_while_the_loop_is_behind_reads_are_refused_and_writes_are_not(
    impatient: tuple[TestClient, dict[str, str]],
) -> None:
    client, admin = impatient
    queue_delay: QueueDelay = client.app.state.queue_delay  # type: ignore[attr-defined]

    def stall() -> None:
        stalled = client.post("/stall", params={"seconds": 0.2, "times": STALLS}, headers=admin)
        assert stalled.status_code == 200

    staller = threading.Thread(target=stall)
    staller.start()
    deadline = time.monotonic() + 30
    while not queue_delay.behind(0.05):
        assert time.monotonic() < deadline, "the loop never fell behind"
        time.sleep(0.02)
    with ThreadPoolExecutor(max_workers=3) as pool:
        read = pool.submit(client.get, "/notes")
        health = pool.submit(client.get, "/healthz")
        note = {"state": "NIC", "text": "written while the loop is behind"}
        write = pool.submit(client.post, "/notes", json=note, headers=admin)
        refused, healthy = read.result(), health.result()
        # Answered (or refused) while the loop is behind: the stall may end, and the write
        # (which is never refused, only waits its turn) goes through.
        app_under_test.STOP_STALLING.set()
        written = write.result()
    staller.join()

    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"] == (
        "The service is behind on its work right now; try again in a moment."
    )
    assert written.status_code == 201
    assert healthy.status_code == 200
    # Caught up: the probe wakes on time again, and reads are served.
    while queue_delay.behind(0.05):
        assert time.monotonic() < deadline, "the loop never caught up"
        time.sleep(0.02)
    assert client.get("/notes").status_code == 200


def test_one_pause_of_the_loop_refuses_nothing(
    impatient: tuple[TestClient, dict[str, str]],
) -> None:
    client, admin = impatient
    assert client.post("/stall", params={"seconds": 0.3}, headers=admin).status_code == 200
    assert client.get("/notes").status_code == 200
