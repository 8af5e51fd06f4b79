"""The dashboard's client on answers made up by an `httpx.MockTransport`."""

from __future__ import annotations

from datetime import date

import httpx

from dashboard.client import MonitorClient
from dashboard.settings import DashboardSettings

RULES = {"items": [{"kind": "deadline", "before_days": [30, 7], "audience": "x"}], "total": 1}


def client_answering(*answers: httpx.Response, seen: list[httpx.Request]) -> MonitorClient:
    """A client whose every request gets the next answer (and is kept in `seen`)."""
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return queue.pop(0)

    settings = DashboardSettings(clock_today=date(2010, 5, 1))
    return MonitorClient(settings, transport=httpx.MockTransport(handle))


def test_read_rules_as_typed_items() -> None:
    seen: list[httpx.Request] = []
    result = client_answering(httpx.Response(200, json=RULES), seen=seen).rules()
    assert result.ok
    assert result.data is not None
    assert [(rule.kind, rule.before_days) for rule in result.data] == [("deadline", [30, 7])]
    assert seen[0].url.path == "/rules"
    assert seen[0].url.params["limit"] == "500"


def test_as_of_is_sent_only_for_a_past_day() -> None:
    seen: list[httpx.Request] = []
    answers = [httpx.Response(200, json=[]), httpx.Response(200, json=[])]
    client = client_answering(*answers, seen=seen)
    client.progress(date(2010, 5, 1))
    client.progress(date(2010, 3, 1))
    assert [request.url.params.get("as_of") for request in seen] == [None, "2010-03-01"]


def test_a_failed_call_answers_the_last_data_with_the_error() -> None:
    seen: list[httpx.Request] = []
    answers = [httpx.Response(200, json=RULES), httpx.Response(503, json={"detail": "down"})]
    client = client_answering(*answers, seen=seen)
    fresh = client.rules()
    stale = client.rules()
    assert stale.error == "HTTP 503: down"
    assert (stale.data, stale.fetched_at) == (fresh.data, fresh.fetched_at)


def test_an_unexpected_answer_is_an_error_not_an_exception() -> None:
    seen: list[httpx.Request] = []
    answers = [httpx.Response(200, json={"items": [{"kind": 1}]}), httpx.Response(200, text="<")]
    client = client_answering(*answers, seen=seen)
    missing = client.rules()
    assert missing.data is None
    assert missing.error is not None
    assert missing.error.startswith("unexpected answer")
    assert client.rules().error == "the answer is not JSON"
