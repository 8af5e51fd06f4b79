"""What a signed-in reader writes through the services' API: the same requests, rules and
answers as curl with the same key (no Streamlit here).

The key travels in each request's Authorization header and is kept nowhere in this module: one
`Writer` serves every reader's session. Nothing here is cached; a write answers the service's
own outcome — the saved record, or its problem (401, 403, 409, 412, 422 …) in words.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from dashboard.api_models import Assessment, Commitment, KeyHolder, Page, Reminder
from dashboard.client import service_clients
from dashboard.downloads import XLSX
from dashboard.settings import DashboardSettings

T = TypeVar("T")
UPLOAD_TYPES = {"csv": "text/csv", "xlsx": XLSX}


@dataclass(frozen=True)
class Problem:
    """A write the service refused, or a service that did not answer (status 0)."""

    status: int
    title: str
    detail: str
    errors: list[str] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        """The record changed since the reader loaded it (If-Match named an older version)."""
        return self.status == 412


@dataclass(frozen=True)
class Answer(Generic[T]):
    """The service's answer to one request: its data and ETag, or its problem."""

    data: T | None = None
    etag: str | None = None
    problem: Problem | None = None


class Writer:
    """HTTP calls that carry a reader's key, to the parties and actions services."""

    def __init__(
        self, settings: DashboardSettings, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._clients = service_clients(settings, transport)

    def whoami(self, key: str) -> Answer[KeyHolder]:
        """Whom a key speaks for: its role, and its State for a state key."""
        return self._send("parties", "GET", "/whoami", key, KeyHolder)

    def commitment(self, iso3: str, number: int) -> Answer[Commitment]:
        """A party's commitment as it stands now, with the ETag an update must name."""
        return self._send(
            "parties", "GET", f"/parties/{iso3}/commitments/{number}", None, Commitment
        )

    def update_commitment(
        self, iso3: str, number: int, fields: dict[str, Any], etag: str, key: str
    ) -> Answer[Commitment]:
        """Replace a commitment's fields, if it is still the version `etag` names."""
        path = f"/parties/{iso3}/commitments/{number}"
        headers = {"If-Match": etag}
        return self._send("parties", "PUT", path, key, Commitment, json=fields, headers=headers)

    def obligations(self, iso3: str) -> Answer[dict[str, Any]]:
        """A party's obligations and declarations as they stand now, with their ETag."""
        return self._send("parties", "GET", f"/parties/{iso3}/obligations", None, dict[str, Any])

    def update_obligations(
        self, iso3: str, fields: dict[str, Any], etag: str, key: str
    ) -> Answer[dict[str, Any]]:
        """Replace what a party reports of its obligations, if still the version `etag` names."""
        path = f"/parties/{iso3}/obligations"
        headers = {"If-Match": etag}
        return self._send("parties", "PUT", path, key, dict[str, Any], json=fields, headers=headers)

    def reminders(self, iso3: str, key: str) -> Answer[Page[Reminder]]:
        """The outbox's reminders to a State's contact points, soonest first (the first 500:
        `total` says how many there are); the key must be allowed to read them."""
        params = {"iso3": iso3, "limit": 500}
        return self._send("reminders", "GET", "/reminders", key, Page[Reminder], params=params)

    def import_commitments(
        self, iso3: str, upload: bytes, kind: Literal["csv", "xlsx"], key: str
    ) -> Answer[list[Commitment]]:
        """Upload a party's commitments as the export's CSV or Excel file: all rows or none."""
        path = f"/parties/{iso3}/commitments.{kind}"
        headers = {"Content-Type": UPLOAD_TYPES[kind]}
        return self._send(
            "parties", "POST", path, key, list[Commitment], content=upload, headers=headers
        )

    def record_assessment(
        self, number: int, fields: dict[str, Any], key: str, attempt: str
    ) -> Answer[Assessment]:
        """Record the committee's assessment of an action; `attempt` (the Idempotency-Key)
        names one submission, so sending it twice records it once."""
        path = f"/actions/{number}/assessments"
        headers = {"Idempotency-Key": attempt}
        return self._send("actions", "POST", path, key, Assessment, json=fields, headers=headers)

    def _send(
        self,
        service: str,
        method: str,
        path: str,
        key: str | None,
        shape: Any,
        **request: Any,
    ) -> Answer[Any]:
        headers = dict(request.pop("headers", {}))
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        try:
            response = self._clients[service].request(method, path, headers=headers, **request)
        except httpx.HTTPError as exc:
            return Answer(
                problem=Problem(0, f"The {service} service did not answer", type(exc).__name__)
            )
        if response.status_code >= 400:
            return Answer(problem=problem_of(response))
        try:
            data = TypeAdapter(shape).validate_json(response.content)
        except ValidationError:
            return Answer(problem=Problem(response.status_code, "Unexpected answer", path))
        return Answer(data=data, etag=response.headers.get("etag"))


def problem_of(response: httpx.Response) -> Problem:
    """A refused request's problem+json, in the words the service gave (each invalid field with
    its message)."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    errors = [_error_line(error) for error in body.get("errors") or [] if isinstance(error, dict)]
    return Problem(
        status=response.status_code,
        title=str(body.get("title") or f"HTTP {response.status_code}"),
        detail=str(body.get("detail") or ""),
        errors=errors,
    )


def _error_line(error: dict[str, Any]) -> str:
    """One invalid field ("narrative: …"), or one bad row of an upload ("row 3, version: …")."""
    where = ".".join(str(part) for part in error.get("loc", []) if part != "body")
    where = where or str(error.get("field") or "")
    if "row" in error:
        where = f"row {error['row']}" + (f", {where}" if where else "")
    message = str(error.get("msg") or "")
    return f"{where}: {message}" if where else message


def new_attempt() -> str:
    """A fresh Idempotency-Key for one submission of a form."""
    return str(uuid.uuid4())
