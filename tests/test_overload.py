"""Overload against a real server: past its limit of requests in flight a service answers 503
at once instead of queueing, and serves normally as soon as the load is gone."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest

from tests.served import Services, start_services

LIMIT = 2
CLIENTS = 8 * LIMIT
REQUESTS_PER_CLIENT = 15
# A replay of the records to a past day: tens of milliseconds of work, so requests overlap.
SLOW_READ = "/summary?as_of=2010-03-01"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    with ExitStack() as stack:
        yield start_services(
            stack,
            tmp_path_factory.mktemp("overload"),
            names=("actions", "parties"),
            extra_env={"PARTIES_MAX_CONCURRENT_REQUESTS": str(LIMIT)},
        )


def test_past_its_limit_a_service_answers_503_at_once_and_recovers(limited: Services) -> None:
    base = limited.urls["parties"]
    answers: Counter[int] = Counter()
    refusals: list[httpx.Response] = []
    lock = threading.Lock()

    def client() -> None:
        # A timeout here would mean a request waited in a queue instead of being refused.
        with httpx.Client(base_url=base, timeout=10) as http:
            for _ in range(REQUESTS_PER_CLIENT):
                response = http.get(SLOW_READ)
                with lock:
                    answers[response.status_code] += 1
                    if response.status_code == 503:
                        refusals.append(response)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(answers) == {200, 503}, answers
    assert sum(answers.values()) == CLIENTS * REQUESTS_PER_CLIENT
    refusal = refusals[0]
    assert refusal.headers["content-type"] == "application/problem+json"
    assert refusal.headers["Retry-After"] == "1"
    assert refusal.json()["status"] == 503
    # Liveness is never refused, and with the load gone the service answers again.
    assert httpx.get(f"{base}/healthz").status_code == 200
    assert httpx.get(f"{base}{SLOW_READ}").status_code == 200
