"""The service-to-service client: timeouts, retries with backoff, mapped errors, request ids."""

from __future__ import annotations

import httpx
import pytest

from services.common.errors import NotFound, ServiceUnavailable, UpstreamError
from services.common.http_client import ListPage, ServiceClient
from services.common.observability import request_id_var


class ExampleClient(ServiceClient):
    service_name = "example"


def client_with(handler) -> ExampleClient:
    return ExampleClient("http://example.test", transport=httpx.MockTransport(handler))


def test_returns_json() -> None:
    client = client_with(lambda request: httpx.Response(200, json={"ok": True}))
    assert client.get_json("/x") == {"ok": True}


def test_retries_a_503_then_succeeds() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503) if len(calls) == 1 else httpx.Response(200, json=[1])

    assert client_with(handler).get_json("/x") == [1]
    assert len(calls) == 2


def test_unreachable_service_is_service_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(ServiceUnavailable, match="example service cannot be reached"):
        client_with(handler).get_json("/x")


def test_persistent_503_is_service_unavailable() -> None:
    with pytest.raises(ServiceUnavailable):
        client_with(lambda request: httpx.Response(503)).get_json("/x")


def test_404_is_not_found_with_the_remote_detail() -> None:
    client = client_with(lambda request: httpx.Response(404, json={"detail": "no action #99"}))
    with pytest.raises(NotFound, match="no action #99"):
        client.get_json("/actions/99")


def test_other_errors_are_upstream_errors() -> None:
    with pytest.raises(UpstreamError):
        client_with(lambda request: httpx.Response(400, json={"detail": "bad"})).get_json("/x")


def test_request_id_is_passed_on() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("x-request-id"))
        return httpx.Response(200, json={})

    token = request_id_var.set("trace-42")
    try:
        client_with(handler).get_json("/x")
    finally:
        request_id_var.reset(token)
    assert seen == ["trace-42"]


def test_timeouts_are_explicit() -> None:
    client = ExampleClient("http://example.test")
    timeout = client._client.timeout
    assert timeout.connect is not None and timeout.read is not None
    client.close()


def test_redirects_are_not_followed() -> None:
    client = client_with(
        lambda request: httpx.Response(302, headers={"location": "http://169.254.169.254/"})
    )
    with pytest.raises(UpstreamError):
        client.get_json("/x")


class Numbers(ListPage):
    items: list[int]


def test_get_pages_reads_a_list_page_after_page_until_its_total() -> None:
    asked: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        asked.append(params)
        offset = int(params["offset"])
        return httpx.Response(
            200, json={"items": list(range(offset, min(offset + 2, 5))), "total": 5}
        )

    pages = client_with(handler).get_pages("/n", Numbers, params={"kind": "x"}, limit=2)
    assert [n for page in pages for n in page.items] == [0, 1, 2, 3, 4]
    assert [(p["offset"], p["limit"], p["kind"]) for p in asked] == [
        ("0", "2", "x"),
        ("2", "2", "x"),
        ("4", "2", "x"),
    ]
