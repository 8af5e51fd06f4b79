"""The dashboard's HTTP client of the three services (no Streamlit here).

One method per request the pages make, each answering a typed `Result` (`api_models`). Every call
has a timeout. A call never raises: a failed one answers the last data that request got, if any,
with the error, so a page can show it with "last data from <time>".
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from dashboard.api_models import (
    Action,
    ActionProgress,
    Assessment,
    Change,
    Changes,
    Commitment,
    Event,
    Page,
    PartyDeadline,
    ProgressCounts,
    Rule,
    State,
    StateDetail,
    Summary,
)
from dashboard.settings import DashboardSettings

Params = Mapping[str, str | int]
T = TypeVar("T")
M = TypeVar("M")

# The services' largest page: a longer list is read page after page.
ALL: Params = {"limit": 500}
# The services whose records `/changes` lists, each from its own audit log.
CHANGES_FROM = ("parties", "actions", "reminders")
# The requests one page may send at once (e.g. one per State Party's commitments).
PARALLEL_REQUESTS = 8
# Drawing a report reads three services and replays the records: longer than a page's read.
REPORT_TIMEOUT_SECONDS = 60.0


class ServiceUnavailable(Exception):
    """A service did not answer, or answered with an error or with something unexpected."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


@dataclass(frozen=True)
class Result(Generic[T]):
    """What a page gets: data (fresh or the last known), when it was fetched, and any error."""

    service: str
    data: T | None
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
        self._settings = settings
        self._clients = service_clients(settings, transport)
        self._last: dict[tuple[str, str, str], Result[Any]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close every connection pool."""
        for client in self._clients.values():
            client.close()

    # -------------------------------------------------------------- the parties service

    def summary(self, as_of: date) -> Result[Summary]:
        """The four aims and cooperation, transparency, compliance on a day."""
        return self._get("parties", "/summary", self._as_of(as_of), Summary)

    def states(self, as_of: date) -> Result[list[State]]:
        """The 195 states, with their membership on a day."""
        return self._list("parties", "/states", self._as_of(as_of), Page[State])

    def state(self, iso3: str, as_of: date) -> Result[StateDetail]:
        """One state: membership, obligations, deadlines with their status on a day, groups."""
        return self._get("parties", f"/states/{iso3}", self._as_of(as_of), StateDetail)

    def deadlines(self, kind: str, as_of: date) -> Result[list[PartyDeadline]]:
        """Every party's deadlines of one kind, with their status on a day."""
        params = {"kind": kind, **self._as_of(as_of)}
        return self._list("parties", "/deadlines", params, Page[PartyDeadline])

    def commitments(self, iso3: str, as_of: date) -> Result[list[Commitment]]:
        """A party's commitments on every action that binds it, as they stood on a day."""
        path = f"/parties/{iso3}/commitments"
        return self._list("parties", path, self._as_of(as_of), Page[Commitment])

    def commitments_of(
        self, iso3s: tuple[str, ...], as_of: date
    ) -> Result[dict[str, list[Commitment]]]:
        """Several parties' commitments on a day, requested side by side (at most
        `PARALLEL_REQUESTS` at once), whole or not at all: a page showing many States waits for
        the slowest answer, not for the sum of them, and never shows some States' fresh data
        beside others' stale data."""
        with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
            results = list(pool.map(lambda iso3: self.commitments(iso3, as_of), iso3s))
        failed = [result for result in results if not result.ok or result.data is None]
        if failed:
            return Result(service="parties", data=None, fetched_at=None, error=failed[0].error)
        data = {iso3: result.data for iso3, result in zip(iso3s, results, strict=True)}
        fetched = min((r.fetched_at for r in results if r.fetched_at), default=None)
        return Result(service="parties", data=data, fetched_at=fetched)  # type: ignore[arg-type]

    def progress(self, as_of: date) -> Result[list[ProgressCounts]]:
        """For every action: the parties it binds, and how many are in each status on a day."""
        return self._list("parties", "/progress", self._as_of(as_of), Page[ProgressCounts])

    def action_progress(self, number: int, as_of: date) -> Result[ActionProgress]:
        """For one action: the counts, and each party's status on a day."""
        path = f"/actions/{number}/progress"
        return self._get("parties", path, self._as_of(as_of), ActionProgress)

    def changes(self, since: date, until: date, iso3: str | None = None) -> Result[list[Change]]:
        """What was recorded from the start of one day to the end of another, oldest first: the
        parties service's records, the committee's assessments and the calendar's meetings,
        whole or not at all. Of one state: the parties service's records of it."""
        params = {"since": since.isoformat(), "until": until.isoformat()}
        if iso3 is not None:
            return self._changes_of("parties", {**params, "iso3": iso3})
        with ThreadPoolExecutor(max_workers=len(CHANGES_FROM)) as pool:
            results = list(pool.map(lambda name: self._changes_of(name, params), CHANGES_FROM))
        failed = [result for result in results if not result.ok or result.data is None]
        if failed:
            return Result(
                service=failed[0].service, data=None, fetched_at=None, error=failed[0].error
            )
        merged = sorted(
            (change for result in results for change in result.data or []),
            key=lambda change: change.occurred_at,
        )
        fetched = min((r.fetched_at for r in results if r.fetched_at), default=None)
        return Result(service="parties", data=merged, fetched_at=fetched)

    def _changes_of(self, service: str, params: Params) -> Result[list[Change]]:
        result = self._list(service, "/changes", params, Changes)
        if result.data is None:
            return result
        tagged = [change.model_copy(update={"service": service}) for change in result.data]
        return replace(result, data=tagged)

    def progress_report(self, as_of: date, language: str) -> Result[bytes]:
        """The meeting progress report as of a day, as a PDF the parties service draws (not
        kept: a report is asked for, drawn and downloaded once)."""
        params = {**self._as_of(as_of), "lang": language}
        try:
            response = self._clients["parties"].get(
                "/reports/progress.pdf", params=params, timeout=REPORT_TIMEOUT_SECONDS
            )
        except httpx.HTTPError as exc:
            return Result("parties", None, None, type(exc).__name__)
        if response.status_code >= 400:
            error = f"HTTP {response.status_code}: {_detail(response)}"
            return Result("parties", None, None, error)
        return Result("parties", response.content, datetime.now(UTC))

    # -------------------------------------------------------------- the actions service

    def actions(self) -> Result[list[Action]]:
        """The actions of the plan, by number."""
        return self._list("actions", "/actions", {}, Page[Action])

    def latest_assessments(self, as_of: date) -> Result[list[Assessment]]:
        """The committee's latest assessment of every assessed action, as of a day (each
        action's latest by then, not the latest ones filtered by date)."""
        return self._list("actions", "/assessments/latest", self._as_of(as_of), Page[Assessment])

    def assessments(self, number: int) -> Result[list[Assessment]]:
        """The committee's assessments of one action, latest first."""
        path = f"/actions/{number}/assessments"
        return self._list("actions", path, {}, Page[Assessment])

    # -------------------------------------------------------------- the reminders service

    def events(
        self, start: date, end: date | None = None, iso3: str | None = None
    ) -> Result[list[Event]]:
        """Meetings and deadlines from a day (to a day; of one state), by date."""
        params: dict[str, str | int] = {"from": start.isoformat()}
        if end is not None:
            params["to"] = end.isoformat()
        if iso3 is not None:
            params["iso3"] = iso3
        return self._list("reminders", "/events", params, Page[Event])

    def meetings(self, kind: str, until: date) -> Result[list[Event]]:
        """The meetings of one kind (e.g. meeting_of_states_parties) starting on or before a
        day, by date."""
        params = {"kind": kind, "to": until.isoformat()}
        return self._list("reminders", "/events", params, Page[Event])

    def rules(self) -> Result[list[Rule]]:
        """How many days before each kind of date reminders go out."""
        return self._list("reminders", "/rules", {}, Page[Rule])

    def calendar_url(self, iso3: str | None = None) -> str:
        """The iCalendar feed of every meeting, or of the meetings and one party's deadlines."""
        settings = self._settings
        base = (settings.reminders_public_url or settings.reminders_url).rstrip("/")
        return f"{base}/calendar.ics" if iso3 is None else f"{base}/calendar/{iso3}.ics"

    # -------------------------------------------------------------- plumbing

    def _as_of(self, as_of: date) -> Params:
        return as_of_params(as_of, self._settings.today())

    def _list(
        self, service: str, path: str, params: Params, shape: type[Page[M]]
    ) -> Result[list[M]]:
        """Every item of a list, page after page. The list is whole or absent: a page that fails
        leaves no data but the last whole list, if any, with the error."""
        key = _key(service, path, params)
        items: list[M] = []
        while True:
            page = self._get(service, path, {**params, **ALL, "offset": len(items)}, shape)
            if page.ok and page.data is not None:
                items.extend(page.data.items)
                if len(items) >= page.data.total:
                    break
                if page.data.items:
                    continue
            with self._lock:
                last = self._last.get(key)
            error = page.error or "the list ended before its total"
            if last is None:
                return Result(service=service, data=None, fetched_at=None, error=error)
            return replace(last, error=error)
        result = Result(service=service, data=items, fetched_at=datetime.now(UTC))
        with self._lock:
            self._last[key] = result
        return result

    def _get(self, service: str, path: str, params: Params, shape: type[T]) -> Result[T]:
        """GET a document of the given shape; on failure, the last answer to it, with the error."""
        key = _key(service, path, params)
        try:
            data = self._fetch(service, path, params, shape)
        except ServiceUnavailable as exc:
            with self._lock:
                last = self._last.get(key)
            if last is None:
                return Result(service=service, data=None, fetched_at=None, error=exc.reason)
            return replace(last, error=exc.reason)
        result = Result(service=service, data=data, fetched_at=datetime.now(UTC))
        with self._lock:
            self._last[key] = result
        return result

    def _fetch(self, service: str, path: str, params: Params, shape: type[T]) -> T:
        """GET and parse a document; raise ServiceUnavailable on any failure."""
        try:
            response = self._clients[service].get(path, params=params)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(service, type(exc).__name__) from exc
        if response.status_code >= 400:
            raise ServiceUnavailable(service, f"HTTP {response.status_code}: {_detail(response)}")
        try:
            return TypeAdapter(shape).validate_json(response.content)
        except ValidationError as exc:
            raise ServiceUnavailable(service, _unexpected(exc)) from exc


def service_clients(
    settings: DashboardSettings, transport: httpx.BaseTransport | None = None
) -> dict[str, httpx.Client]:
    """One connection pool per service, with the dashboard's timeouts."""
    timeout = httpx.Timeout(settings.timeout_seconds, connect=min(2.0, settings.timeout_seconds))
    return {
        name: httpx.Client(base_url=url, timeout=timeout, transport=transport)
        for name, url in settings.service_urls().items()
    }


def as_of_params(as_of: date | None, today: date) -> dict[str, str]:
    """`as_of` is sent only for a day before today: today's view is the current one."""
    return {"as_of": as_of.isoformat()} if as_of is not None and as_of < today else {}


def _key(service: str, path: str, params: Params) -> tuple[str, str, str]:
    return service, path, repr(sorted(params.items()))


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", ""))
    except ValueError:
        return response.text[:200]


def _unexpected(error: ValidationError) -> str:
    """Why an answer is not what the dashboard reads: not JSON, or a field it lacks or mistypes."""
    first = error.errors()[0]
    if first["type"] == "json_invalid":
        return "the answer is not JSON"
    where = ".".join(str(part) for part in first["loc"])
    return f"unexpected answer ({where}: {first['msg']})"
