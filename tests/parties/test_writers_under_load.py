"""Writers at once against a real parties server, on SQLite and PostgreSQL: nothing locked,
nothing lost, no stall."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from services.common.auth import Role
from tests.conftest import BACKENDS, create_postgres_database
from tests.factories import bearer, create_key
from tests.served import Services, start_services
from tools.postgres import drop_database

WRITERS = 8
UPDATES_PER_WRITER = 60
ACTIONS = (1, 2, 3, 4)  # two writers share each commitment, so their If-Match tags collide


@pytest.fixture(scope="module", params=BACKENDS)
def parties_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Services]:
    with ExitStack() as stack:
        env = {"PARTIES_RATE_LIMIT_PER_KEY": "100000/minute"}
        if request.param == "postgresql":
            server = request.getfixturevalue("postgres_admin_url")
            env["PARTIES_DATABASE_URL"] = create_postgres_database(server)
            stack.callback(drop_database, server, env["PARTIES_DATABASE_URL"])
        yield start_services(
            stack, tmp_path_factory.mktemp("writers"), names=("actions", "parties"), extra_env=env
        )


def _write(
    base: str, key: dict[str, str], action: int, writer: int, outcomes: Counter[int]
) -> None:
    path = f"/parties/NIC/commitments/{action}"
    with httpx.Client(base_url=base, timeout=30) as client:
        for update in range(UPDATES_PER_WRITER):
            etag = client.get(path).headers["etag"]
            response = client.put(
                path,
                json={"status": "in_progress", "narrative": f"writer {writer} update {update}"},
                headers={**key, "If-Match": etag},
            )
            outcomes[response.status_code] += 1


def _versions(base: str) -> dict[int, int]:
    return _versions_of(base, ACTIONS)


def test_eight_concurrent_writers_lose_no_update_and_never_see_a_lock(
    parties_server: Services,
) -> None:
    base = parties_server.urls["parties"]
    key = bearer(create_key(parties_server.env["KEYS_DATABASE_URL"], Role.STATE, "NIC"))
    before = _versions(base)
    outcomes: list[Counter[int]] = [Counter() for _ in range(WRITERS)]
    threads = [
        threading.Thread(target=_write, args=(base, key, ACTIONS[n % len(ACTIONS)], n, outcomes[n]))
        for n in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    total = sum(outcomes, Counter())
    # Only two answers are right: accepted, or refused because the other writer got there first.
    assert set(total) <= {200, 412}, total
    assert total[200] + total[412] == WRITERS * UPDATES_PER_WRITER
    after = _versions(base)
    accepted_per_action = Counter[int]()
    for n, outcome in enumerate(outcomes):
        accepted_per_action[ACTIONS[n % len(ACTIONS)]] += outcome[200]
    # Every accepted write is one version, and its history entry is there.
    for action in ACTIONS:
        assert after[action] - before[action] == accepted_per_action[action]
        history = httpx.get(f"{base}/parties/NIC/commitments/{action}/history").json()
        assert len(history) == after[action]
    log = Path(parties_server.workdir, "parties.log").read_text()
    assert "database is locked" not in log


BURST_WRITERS = 64  # more than the server's 40 route threads


def test_a_burst_of_writers_larger_than_the_threadpool_is_served_without_a_stall(
    parties_server: Services,
) -> None:
    base = parties_server.urls["parties"]
    key = bearer(create_key(parties_server.env["KEYS_DATABASE_URL"], Role.STATE, "NIC"))
    actions = ACTIONS
    before = sum(_versions_of(base, actions).values())
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def burst(writer: int) -> None:
        path = f"/parties/NIC/commitments/{actions[writer % len(actions)]}"
        with httpx.Client(base_url=base, timeout=60) as client:
            for update in range(5):
                etag = _current_etag(client, path)
                response = client.put(
                    path,
                    json={"status": "in_progress", "narrative": f"burst {writer}.{update}"},
                    headers={**key, "If-Match": etag},
                )
                with lock:
                    statuses[response.status_code] += 1

    threads = [threading.Thread(target=burst, args=(n,)) for n in range(BURST_WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # A writer that waited for a connection or a lock in a route thread could starve the one
    # holding it of the thread it needs to finish: then writes time out with 5xx instead of
    # landing. Writers of one commitment race: one whose ETag another's change made stale is
    # refused (412), and no accepted change is lost.
    assert set(statuses) <= {200, 412}, statuses
    assert statuses.total() == BURST_WRITERS * 5
    assert statuses[200] >= len(actions)
    assert sum(_versions_of(base, actions).values()) - before == statuses[200]


def _current_etag(client: httpx.Client, path: str) -> str:
    """The commitment's ETag, read as a client would: coming back when refused under load."""
    for _ in range(30):
        response = client.get(path)
        if response.status_code != 503:
            return response.headers["etag"]
        time.sleep(int(response.headers["retry-after"]))
    raise AssertionError(f"{path} was refused 30 times in a row")


def _versions_of(base: str, actions: tuple[int, ...]) -> dict[int, int]:
    return {
        action: httpx.get(f"{base}/parties/NIC/commitments/{action}").json()["version"]
        for action in actions
    }


def test_a_burst_of_writers_of_as_many_commitments_is_served_without_a_stall(
    parties_server: Services,
) -> None:
    """Every writer updates a commitment of its own, so none is refused: on PostgreSQL they all
    reach the day's status count together, the row each of them must lock before committing."""
    base = parties_server.urls["parties"]
    key = bearer(create_key(parties_server.env["KEYS_DATABASE_URL"], Role.ADMIN))
    paths = _commitment_paths(base, BURST_WRITERS)
    before = _versions_at(base, paths)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def burst(path: str) -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            etag = _current_etag(client, path)
            for update in range(10):
                status = ("in_progress", "completed")[update % 2]
                response = client.put(
                    path,
                    json={"status": status, "narrative": f"burst {update}"},
                    headers={**key, "If-Match": etag},
                )
                etag = response.headers.get("etag", etag)
                with lock:
                    statuses[response.status_code] += 1

    threads = [threading.Thread(target=burst, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == Counter({200: BURST_WRITERS * 10})
    after = _versions_at(base, paths)
    assert all(after[path] - before[path] == 10 for path in paths)


def _commitment_paths(base: str, count: int) -> list[str]:
    """Paths of `count` commitments of different parties and actions."""
    states = httpx.get(f"{base}/states", params={"status": "party", "limit": 200}).json()["items"]
    paths: list[str] = []
    for state in states:
        listed = httpx.get(f"{base}/parties/{state['iso3']}/commitments").json()["items"]
        paths += [f"/parties/{state['iso3']}/commitments/{c['action_number']}" for c in listed]
        if len(paths) >= count:
            return paths[:count]
    raise AssertionError(f"fewer than {count} commitments to update")


def _versions_at(base: str, paths: list[str]) -> dict[str, int]:
    return {path: httpx.get(f"{base}{path}").json()["version"] for path in paths}
