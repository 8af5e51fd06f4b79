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


def rules_page(kinds: list[str], total: int) -> httpx.Response:
    items = [{"kind": kind, "before_days": [7], "audience": "x"} for kind in kinds]
    return httpx.Response(200, json={"items": items, "total": total})


def test_a_list_longer_than_a_page_is_read_whole() -> None:
    seen: list[httpx.Request] = []
    answers = [rules_page(["a", "b"], total=3), rules_page(["c"], total=3)]
    result = client_answering(*answers, seen=seen).rules()
    assert result.data is not None
    assert [rule.kind for rule in result.data] == ["a", "b", "c"]
    assert [request.url.params["offset"] for request in seen] == ["0", "2"]


def test_a_list_whose_second_page_fails_is_not_shown_in_part() -> None:
    seen: list[httpx.Request] = []
    answers = [rules_page(["a", "b"], total=3), httpx.Response(503, json={"detail": "down"})]
    result = client_answering(*answers, seen=seen).rules()
    assert (result.data, result.error) == (None, "HTTP 503: down")


def test_an_empty_list_is_one_request() -> None:
    seen: list[httpx.Request] = []
    result = client_answering(rules_page([], total=0), seen=seen).rules()
    assert (result.data, len(seen)) == ([], 1)


def test_several_parties_commitments_come_whole_or_not_at_all() -> None:
    commitment = {
        "iso3": "AFG",
        "action_number": 23,
        "applies_to": "all_states_parties",
        "status": "not_started",
        "target_date": None,
        "narrative": "",
        "evidence_url": None,
        "version": 0,
        "updated_at": None,
        "updated_by": None,
    }

    def handle(request: httpx.Request) -> httpx.Response:
        if "/ALB/" in request.url.path:
            return httpx.Response(503, json={"detail": "down"})
        return httpx.Response(200, json={"items": [commitment], "total": 1})

    settings = DashboardSettings(clock_today=date(2010, 5, 1))
    client = MonitorClient(settings, transport=httpx.MockTransport(handle))
    both = client.commitments_of(("AFG", "AGO"), date(2010, 5, 1))
    assert both.data is not None and sorted(both.data) == ["AFG", "AGO"]
    assert [c.action_number for c in both.data["AFG"]] == [23]
    failed = client.commitments_of(("AFG", "ALB"), date(2010, 5, 1))
    assert (failed.data, failed.error) == (None, "HTTP 503: down")


def change(at: str, entity: str, entity_id: str) -> dict:
    return {
        "occurred_at": at,
        "entity": entity,
        "entity_id": entity_id,
        "operation": "create",
        "version": 1,
        "actor": "k",
        "actor_role": "admin",
        "fields": [],
        "values": [],
    }


def changes_answering(by_port: dict[int, httpx.Response]) -> MonitorClient:
    def handle(request: httpx.Request) -> httpx.Response:
        return by_port[request.url.port or 0]

    settings = DashboardSettings(clock_today=date(2010, 5, 1))
    return MonitorClient(settings, transport=httpx.MockTransport(handle))


def changes_page(*items: dict) -> httpx.Response:
    return httpx.Response(200, json={"items": list(items), "total": len(items)})


def test_changes_merge_the_three_services_oldest_first() -> None:
    client = changes_answering(
        {
            8002: changes_page(change("2010-04-02T10:00:00Z", "commitment", "NIC:1")),
            8001: changes_page(
                change("2010-04-01T09:00:00Z", "assessment", "1"),
                change("2010-04-03T09:00:00Z", "assessment", "2"),
            ),
            8003: changes_page(change("2010-04-02T09:00:00Z", "event", "7")),
        }
    )
    result = client.changes(date(2010, 4, 1), date(2010, 5, 1))
    assert result.ok and result.data is not None
    assert [(c.service, c.entity_id) for c in result.data] == [
        ("actions", "1"),
        ("reminders", "7"),
        ("parties", "NIC:1"),
        ("actions", "2"),
    ]


def test_changes_are_whole_or_absent_when_one_service_fails() -> None:
    client = changes_answering(
        {
            8002: changes_page(change("2010-04-02T10:00:00Z", "commitment", "NIC:1")),
            8001: httpx.Response(503, json={"detail": "down"}),
            8003: changes_page(),
        }
    )
    result = client.changes(date(2010, 4, 1), date(2010, 5, 1))
    assert (result.data, result.service, result.error) == (None, "actions", "HTTP 503: down")
