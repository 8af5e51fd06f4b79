"""Oversized and malformed input against the real servers: a clear 4xx, nothing stored, flat memory.

These run against the session's shared services (SQLite, real uvicorn on loopback); every write
here must be refused, which the tests check by reading the data back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.common.auth import Role
from tests.factories import bearer, create_key
from tests.served import Services

FIVE_MB = 5 * 1024 * 1024
LONG_TEXT = "x" * 100_000
MANY_ITEMS = list(range(1, 10_001))


@dataclass(frozen=True)
class Write:
    """One write route with a valid body that a test then spoils."""

    service: str
    method: str
    path: str
    role: Role
    valid: dict[str, Any]
    text_field: str
    needs_etag: bool = False


WRITES = [
    Write(
        "actions",
        "POST",
        "/actions/14/assessments",
        Role.COMMITTEE,
        {"status": "some_progress", "period": "2010 MSP", "assessed_on": "2010-04-01"},
        "narrative",
    ),
    Write(
        "parties",
        "PUT",
        "/parties/NIC/commitments/23",
        Role.STATE,
        {"status": "in_progress"},
        "narrative",
        needs_etag=True,
    ),
    Write(
        "reminders",
        "POST",
        "/events",
        Role.ADMIN,
        {"title": "Meeting", "kind": "special_meeting", "start": "2011-03-01", "end": "2011-03-01"},
        "title",
    ),
]


@dataclass
class Writer:
    services: Services
    keys: dict[Role, dict[str, str]]

    def send(self, write: Write, **request: Any) -> httpx.Response:
        base = self.services.urls[write.service]
        headers = {**self.keys[write.role], **request.pop("headers", {})}
        if write.needs_etag:
            headers["If-Match"] = httpx.get(base + write.path).headers["etag"]
        return httpx.request(
            write.method, base + write.path, headers=headers, timeout=30, **request
        )


@pytest.fixture(scope="module")
def writer(services: Services) -> Writer:
    url = services.env["KEYS_DATABASE_URL"]
    keys = {
        Role.ADMIN: bearer(create_key(url, Role.ADMIN)),
        Role.COMMITTEE: bearer(create_key(url, Role.COMMITTEE)),
        Role.STATE: bearer(create_key(url, Role.STATE, "NIC")),
    }
    return Writer(services, keys)


def _snapshot(services: Services) -> dict[str, Any]:
    """What the refused writes would have changed, read back through the APIs."""
    return {
        "assessments": httpx.get(f"{services.urls['actions']}/actions/14/assessments").json(),
        "commitment": httpx.get(f"{services.urls['parties']}/parties/NIC/commitments/23").json(),
        "events": httpx.get(f"{services.urls['reminders']}/events?limit=500").json()["total"],
        "rules": httpx.get(f"{services.urls['reminders']}/rules").json(),
    }


@pytest.fixture
def unchanged(services: Services) -> Iterator[None]:
    before = _snapshot(services)
    yield
    assert _snapshot(services) == before


def _chunks(size: int) -> Iterator[bytes]:
    # No Content-Length: the server only learns the size by reading.
    chunk = b" " * 65_536
    for _ in range(size // len(chunk) + 1):
        yield chunk


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.service)
def test_a_five_megabyte_body_is_refused_whether_declared_or_streamed(
    writer: Writer, write: Write
) -> None:
    declared = writer.send(
        write, content=b"{" + b" " * FIVE_MB + b"}", headers={"Content-Type": "application/json"}
    )
    streamed = writer.send(
        write, content=_chunks(FIVE_MB), headers={"Content-Type": "application/json"}
    )

    _problem(declared, 413)
    _problem(streamed, 413)


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.service)
def test_a_hundred_thousand_character_field_is_refused(writer: Writer, write: Write) -> None:
    response = writer.send(write, json={**write.valid, write.text_field: LONG_TEXT})

    problem = _problem(response, 422)
    assert [error["loc"][-1] for error in problem["errors"]] == [write.text_field]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.service)
def test_nul_bytes_in_text_are_refused(writer: Writer, write: Write) -> None:
    response = writer.send(write, json={**write.valid, write.text_field: "before\x00after"})

    _problem(response, 422)


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.service)
def test_a_ten_thousand_item_array_instead_of_a_body_is_refused(
    writer: Writer, write: Write
) -> None:
    _problem(writer.send(write, json=MANY_ITEMS), 422)


@pytest.mark.usefixtures("unchanged")
def test_a_ten_thousand_item_list_of_lead_times_is_refused(
    writer: Writer, services: Services
) -> None:
    rule = Write("reminders", "PUT", "/rules/deadline", Role.ADMIN, {}, "", needs_etag=True)

    problem = _problem(writer.send(rule, json={"before_days": MANY_ITEMS}), 422)

    assert any(error["loc"][-1] == "before_days" for error in problem["errors"])


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for process {pid}")


def _refused_round(writer: Writer) -> None:
    spoilers: list[Callable[[Write], dict[str, Any]]] = [
        lambda w: {"content": _chunks(FIVE_MB), "headers": {"Content-Type": "application/json"}},
        lambda w: {"json": {**w.valid, w.text_field: LONG_TEXT}},
        lambda w: {"json": MANY_ITEMS},
    ]
    for write in WRITES:
        for spoil in spoilers:
            assert writer.send(write, **spoil(write)).status_code in (413, 422)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc (Linux)")
def test_memory_stays_flat_under_repeated_oversized_input(
    writer: Writer, services: Services
) -> None:
    _refused_round(writer)  # warm up: first-use allocations are not growth
    before = {name: _rss_kib(pid) for name, pid in services.pids.items()}
    for _ in range(10):
        _refused_round(writer)
    after = {name: _rss_kib(pid) for name, pid in services.pids.items()}

    # 10 rounds pushed over 50 MB of refused input through each process; none may keep it.
    growth_kib = {name: after[name] - before[name] for name in before}
    assert all(growth < 16 * 1024 for growth in growth_kib.values()), growth_kib
