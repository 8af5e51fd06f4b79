"""Who may write what (OWASP API1 and API5, 2023), against the real servers: every write route of
the three OpenAPI documents, with no key, a foreign state's key, a committee key and a state key
on admin routes. Every request here must be refused, and nothing may change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from services.common.auth import Role
from services.common.spreadsheets import XLSX
from tests.factories import bearer, create_key, workbook_of
from tests.served import Services

ADMIN, COMMITTEE, OWN_STATE = "admin", "committee", "own state"
CONTACT = {"name": "Mine action centre", "email": "cnd@example.org", "language": "es"}


@dataclass(frozen=True)
class Route:
    service: str
    method: str
    template: str  # as in the OpenAPI document
    path: str  # with Nicaragua's (or any) identifiers filled in
    allowed: frozenset[str]
    json: Any = None
    upload: tuple[str, bytes] | None = None  # a file's media type and content

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


def _route(service: str, method: str, template: str, allowed: set[str], **body: Any) -> Route:
    path = template
    for name, value in {
        "{iso3}": "NIC", "{action}": "23", "{number}": "14", "{request_id}": "1",
        "{event_id}": "1", "{kind}": "deadline", "{contact_id}": "1", "{member_id}": "1",
        "{delivery_id}": "1",
    }.items():  # fmt: skip
        path = path.replace(name, value)
    return Route(service, method, template, path, frozenset(allowed), **body)


SIGNED_LINKS = {"POST /unsubscribe/{recipient_id}/{token}"}
EVENT = {"title": "Meeting", "kind": "special_meeting", "start": "2011-03-01", "end": "2011-03-01"}
ROUTES = [
    _route(
        "actions", "POST", "/actions/{number}/assessments", {ADMIN, COMMITTEE},
        json={"status": "some_progress", "period": "2010 MSP", "assessed_on": "2010-04-01"},
    ),
    _route(
        "parties", "PUT", "/states/{iso3}/membership", {ADMIN},
        json={"status": "party", "source": "Depositary notification"},
    ),
    _route("parties", "PUT", "/parties/{iso3}/obligations", {ADMIN, OWN_STATE}, json={}),
    _route(
        "parties", "POST", "/parties/{iso3}/commitments.csv", {ADMIN, OWN_STATE},
        upload=("text/csv", b"action,status,version\n23,in_progress,0\n"),
    ),
    _route(
        "parties", "POST", "/parties/{iso3}/commitments.xlsx", {ADMIN, OWN_STATE},
        upload=(XLSX, workbook_of([["action", "status", "version"], [23, "in_progress", 0]])),
    ),
    _route(
        "parties", "PUT", "/parties/{iso3}/commitments/{action}", {ADMIN, OWN_STATE},
        json={"status": "completed"},
    ),
    _route(
        "parties", "POST", "/parties/{iso3}/article7-reports", {ADMIN, OWN_STATE},
        json={"period": "2009", "submitted_on": "2010-04-30"},
    ),
    _route(
        "parties", "POST", "/parties/{iso3}/extension-requests", {ADMIN, OWN_STATE},
        json={"requested_deadline": "2012-05-01", "explanation": "More areas were found."},
    ),
    _route(
        "parties", "PUT", "/parties/{iso3}/extension-requests/{request_id}/analysis", {ADMIN},
        json={},
    ),
    _route(
        "parties", "PUT", "/parties/{iso3}/extension-requests/{request_id}/decision", {ADMIN},
        json={},
    ),
    _route(
        "parties", "PUT", "/coverage/{kind}", {ADMIN},
        json={"complete_from": "2010-01-01", "source": "ISU records"},
    ),
    _route("reminders", "POST", "/events", {ADMIN}, json=EVENT),
    _route("reminders", "PUT", "/events/{event_id}", {ADMIN}, json=EVENT),
    _route("reminders", "PUT", "/rules/{kind}", {ADMIN}, json={"before_days": [30]}),
    _route("reminders", "POST", "/parties/{iso3}/contacts", {ADMIN, OWN_STATE}, json=CONTACT),
    _route(
        "reminders", "PUT", "/parties/{iso3}/contacts/{contact_id}", {ADMIN, OWN_STATE},
        json=CONTACT,
    ),
    _route("reminders", "DELETE", "/parties/{iso3}/contacts/{contact_id}", {ADMIN, OWN_STATE}),
    _route("reminders", "POST", "/parties/{iso3}/contacts/{contact_id}/restore", {ADMIN}),
    _route(
        "reminders", "POST", "/parties/{iso3}/contacts/{contact_id}/webhook-secret",
        {ADMIN, OWN_STATE},
    ),
    _route("reminders", "POST", "/committee-members", {ADMIN}, json=CONTACT),
    _route("reminders", "PUT", "/committee-members/{member_id}", {ADMIN}, json=CONTACT),
    _route("reminders", "DELETE", "/committee-members/{member_id}", {ADMIN}),
    _route("reminders", "POST", "/committee-members/{member_id}/restore", {ADMIN}),
    _route("reminders", "POST", "/committee-members/{member_id}/webhook-secret", {ADMIN}),
    _route("reminders", "POST", "/reminders/plan", {ADMIN}),
    _route("reminders", "POST", "/deadlines/sync", {ADMIN}),
    _route("reminders", "POST", "/deliveries/{delivery_id}/retry", {ADMIN}),
]  # fmt: skip
# Reads of what is not public: contact points and what is sent to them.
PRIVATE_READS = [
    _route("reminders", "GET", "/parties/{iso3}/contacts", {ADMIN, COMMITTEE, OWN_STATE}),
    _route(
        "reminders", "GET", "/parties/{iso3}/contacts/{contact_id}", {ADMIN, COMMITTEE, OWN_STATE}
    ),
    _route("reminders", "GET", "/committee-members", {ADMIN, COMMITTEE}),
    _route("reminders", "GET", "/committee-members/{member_id}", {ADMIN, COMMITTEE}),
]


@dataclass
class Callers:
    services: Services
    keys: dict[str, dict[str, str]]

    def call(self, route: Route, caller: str | None) -> httpx.Response:
        headers = dict(self.keys[caller]) if caller else {}
        content = None
        if route.upload is not None:
            headers["Content-Type"], content = route.upload
        return httpx.request(
            route.method,
            self.services.urls[route.service] + route.path,
            headers=headers,
            json=route.json,
            content=content,
            timeout=30,
        )


@pytest.fixture(scope="module")
def callers(services: Services) -> Callers:
    url = services.env["KEYS_DATABASE_URL"]
    return Callers(
        services,
        {
            COMMITTEE: bearer(create_key(url, Role.COMMITTEE)),
            "foreign state": bearer(create_key(url, Role.STATE, "UKR")),
            OWN_STATE: bearer(create_key(url, Role.STATE, "NIC")),
        },
    )


def _observable(services: Services) -> dict[str, Any]:
    """Everything the refused requests could have changed, as the public API shows it."""
    parties, reminders = services.urls["parties"], services.urls["reminders"]
    return {
        "changes": httpx.get(f"{parties}/changes?since=2000-01-01&limit=500").json(),
        "assessments": httpx.get(f"{services.urls['actions']}/actions/14/assessments").json(),
        "events": httpx.get(f"{reminders}/events?limit=500").json(),
        "rules": httpx.get(f"{reminders}/rules").json(),
        "membership": httpx.get(f"{parties}/states/NIC/membership").json(),
        "reports": httpx.get(f"{parties}/parties/NIC/article7-reports").json(),
        "requests": httpx.get(f"{parties}/parties/NIC/extension-requests").json(),
    }


@pytest.fixture
def nothing_changes(services: Services) -> Iterator[None]:
    before = _observable(services)
    yield
    assert _observable(services) == before


def _refusals(routes: list[Route], callers: tuple[str, ...]) -> list[tuple[Route, str]]:
    return [
        (route, caller) for route in routes for caller in callers if caller not in route.allowed
    ]


def test_the_table_covers_every_write_route_of_the_three_services(services: Services) -> None:
    documented = {
        f"{method.upper()} {path}"
        for url in services.urls.values()
        for path, methods in httpx.get(f"{url}/openapi.json").json()["paths"].items()
        for method in methods
        if method in {"post", "put", "patch", "delete"}
    }

    # The unsubscribe link is its own credential (signed, one recipient's): no key is asked.
    assert documented - SIGNED_LINKS == {route.name for route in ROUTES}


@pytest.mark.usefixtures("nothing_changes")
@pytest.mark.parametrize("route", ROUTES + PRIVATE_READS, ids=lambda r: r.name)
def test_without_a_key_every_write_and_private_read_is_401(callers: Callers, route: Route) -> None:
    response = callers.call(route, None)

    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.usefixtures("nothing_changes")
@pytest.mark.parametrize(
    ("route", "caller"),
    _refusals(ROUTES + PRIVATE_READS, (COMMITTEE, "foreign state", OWN_STATE)),
    ids=lambda value: value.name if isinstance(value, Route) else value,
)
def test_a_key_without_the_right_is_refused_before_anything_is_looked_at(
    callers: Callers, route: Route, caller: str
) -> None:
    response = callers.call(route, caller)

    # 403 even where the object does not exist or no If-Match was sent: a foreign key learns
    # nothing about another state's records.
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.usefixtures("nothing_changes")
@pytest.mark.parametrize("listing", ["/reminders", "/deliveries"])
def test_a_state_key_may_not_list_another_states_reminders(callers: Callers, listing: str) -> None:
    url = f"{callers.services.urls['reminders']}{listing}?iso3=NIC"

    assert httpx.get(url, headers=callers.keys["foreign state"]).status_code == 403
    assert httpx.get(url, headers=callers.keys[OWN_STATE]).status_code == 200


def test_no_key_ever_reaches_a_log(callers: Callers) -> None:
    guess = "cm_000000000000_not-a-real-key-but-a-secret-anyway"
    reminders = callers.services.urls["reminders"]
    httpx.get(f"{reminders}/committee-members", headers={"Authorization": f"Bearer {guess}"})
    for key in callers.keys.values():
        httpx.get(f"{reminders}/committee-members", headers=key)
    secrets = [guess.split("_", 2)[2]] + [
        key["Authorization"].split("_", 2)[2] for key in callers.keys.values()
    ]

    for name in ("actions", "parties", "reminders"):
        log = (callers.services.workdir / f"{name}.log").read_text()
        assert log, f"{name} logged nothing: the check would prove nothing"
        assert not [secret for secret in secrets if secret in log], name
