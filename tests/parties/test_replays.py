"""Replays of past days: cached (a repeat runs no query and answers with the same strong ETag,
304 on If-None-Match), forgotten when a change dated in the past appears, and bounded: a flood of
replays against a real server gets 503s at once, while a state's update goes through."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, insert
from sqlmodel import Session, select

from services.common.auth import Role
from services.common.db import create_engine
from services.parties.models import State, audit_log
from tests.factories import bearer, create_key
from tests.parties.conftest import PartiesApi
from tests.served import Services, start_services

PAST = "2010-03-01"


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


def test_a_past_day_is_replayed_once_then_served_from_memory(api: PartiesApi) -> None:
    first = api.client.get("/summary", params={"as_of": PAST})
    assert first.status_code == 200
    with counted(_engine(api.client)) as statements:
        again = api.client.get("/summary", params={"as_of": PAST})
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert not first.headers["etag"].startswith("W/")  # strong: the bytes never change
    assert [s for s in statements if "audit_log" in s and "row_number" in s] == []
    unchanged = api.client.get(
        "/summary", params={"as_of": PAST}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert unchanged.status_code == 304


def test_today_is_replayed_every_time(api: PartiesApi) -> None:
    api.client.get("/summary", params={"as_of": "2010-05-01"})
    with counted(_engine(api.client)) as statements:
        api.client.get("/summary", params={"as_of": "2010-05-01"})
    assert any("row_number" in s for s in statements)  # today's records may still change


def test_a_change_dated_in_the_past_is_replayed_again(writable: PartiesApi) -> None:
    before = writable.client.get("/summary", params={"as_of": PAST}).json()
    # A correction written straight into the history, dated 1 February: the United States
    # shown as a party (a migration or a seed against a live database could write so).
    engine = create_engine(writable.url)
    with Session(engine) as session:
        usa = session.exec(select(State).where(State.iso3 == "USA")).one()
        after = usa.model_dump(mode="json") | {"status": "party", "entry_into_force": "2000-01-01"}
        session.execute(
            insert(audit_log).values(
                occurred_at=datetime(2010, 2, 1, tzinfo=UTC),
                actor="test",
                actor_role="admin",
                entity="state",
                entity_id="USA",
                operation="update",
                version=usa.version + 1,
                before=usa.model_dump(mode="json"),
                after=after,
            )
        )
        session.commit()
    engine.dispose()
    writable.client.app.state.current.invalidate()  # type: ignore[attr-defined]
    replayed = writable.client.get("/summary", params={"as_of": PAST}).json()
    assert replayed != before
    counts = [s["universalization"]["parties"]["value"] for s in (before, replayed)]
    assert counts[1] == counts[0] + 1


# ---------------------------------------------------------------- a flood, on a real server

FLOODERS = 24
REPLAYS_EACH = 5  # 120 days, 2 January to 1 May (today)


@pytest.fixture(scope="module")
def bounded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    with ExitStack() as stack:
        yield start_services(
            stack,
            tmp_path_factory.mktemp("replays"),
            names=("actions", "parties"),
            extra_env={"PARTIES_MAX_REPLAYS": "1", "PARTIES_MAX_WAITING_REPLAYS": "2"},
        )


def test_a_flood_of_replays_is_refused_at_once_and_a_write_goes_through(
    bounded: Services,
) -> None:
    base = bounded.urls["parties"]
    nicaragua = bearer(create_key(bounded.env["KEYS_DATABASE_URL"], Role.STATE, "NIC"))
    answers: Counter[int] = Counter()
    retry_after: set[str] = set()
    lock = threading.Lock()
    days = [date(2010, 1, 2) + timedelta(days=n) for n in range(FLOODERS * REPLAYS_EACH)]

    def flood(first: int) -> None:
        # Every request another day: none can be served from the cache. A timeout here would
        # mean a request waited in a queue instead of being refused.
        with httpx.Client(base_url=base, timeout=60) as http:
            for day in days[first::FLOODERS]:
                response = http.get("/summary", params={"as_of": day.isoformat()})
                with lock:
                    answers[response.status_code] += 1
                    retry_after.add(response.headers.get("retry-after", ""))

    threads = [threading.Thread(target=flood, args=(n,)) for n in range(FLOODERS)]
    for thread in threads:
        thread.start()
    path = f"{base}/parties/NIC/commitments/23"
    etag = httpx.get(path, timeout=60).headers["etag"]
    update = httpx.put(
        path,
        json={"status": "in_progress", "narrative": "Amid a flood of replays."},
        headers={**nicaragua, "If-Match": etag},
        timeout=60,
    )
    for thread in threads:
        thread.join()
    assert update.status_code == 200, update.text
    assert set(answers) == {200, 503}, answers
    assert answers.total() == FLOODERS * REPLAYS_EACH
    assert "1" in retry_after
    assert httpx.get(f"{base}/summary", params={"as_of": PAST}, timeout=60).status_code == 200
