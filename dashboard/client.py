"""The dashboard's HTTP client of the three services (no Streamlit here).

Every call has a timeout. A failed call raises `ServiceUnavailable`; the client remembers the
last answer each request got, so a page can show it with "last data from <time>".
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx

from dashboard.settings import DashboardSettings

Params = dict[str, str | int]


class ServiceUnavailable(Exception):
    """A service did not answer, or answered with an error."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


@dataclass(frozen=True)
class Result:
    """What a page gets: data (fresh or the last known), when it was fetched, and any error."""

    service: str
    data: Any
    fetched_at: datetime | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the data is fresh."""
        return self.error is None


class MonitorClient:
    """One HTTP client per service, sharing the last answers it received."""

    def __init__(
        self, settings: DashboardSettings, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        timeout = httpx.Timeout(
            settings.timeout_seconds, connect=min(2.0, settings.timeout_seconds)
        )
        self._clients = {
            name: httpx.Client(base_url=url, timeout=timeout, transport=transport)
            for name, url in settings.service_urls().items()
        }
        self._last: dict[tuple[str, str, str], tuple[Any, datetime]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close every connection pool."""
        for client in self._clients.values():
            client.close()

    def get_json(
        self, service: str, path: str, params: Params | None = None
    ) -> tuple[Any, datetime]:
        """GET a JSON document; raise ServiceUnavailable on any failure."""
        try:
            response = self._clients[service].get(path, params=params)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(service, type(exc).__name__) from exc
        if response.status_code >= 400:
            raise ServiceUnavailable(service, f"HTTP {response.status_code}: {_detail(response)}")
        try:
            data = response.json()
        except ValueError as exc:
            raise ServiceUnavailable(service, "the answer is not JSON") from exc
        fetched_at = datetime.now(UTC)
        with self._lock:
            self._last[_key(service, path, params)] = (data, fetched_at)
        return data, fetched_at

    def last_good(self, service: str, path: str, params: Params | None, reason: str) -> Result:
        """Return the last answer to this request, if any, marked with the error."""
        with self._lock:
            data, fetched_at = self._last.get(_key(service, path, params), (None, None))
        return Result(service=service, data=data, fetched_at=fetched_at, error=reason)


def _key(service: str, path: str, params: Params | None) -> tuple[str, str, str]:
    return service, path, repr(sorted((params or {}).items()))


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", ""))
    except ValueError:
        return response.text[:200]


# ------------------------------------------------------------------ the requests the pages make


def as_of_params(as_of: date | None, today: date) -> Params:
    """`as_of` is sent only for a day before today: today's view is the current one."""
    return {"as_of": as_of.isoformat()} if as_of is not None and as_of < today else {}
