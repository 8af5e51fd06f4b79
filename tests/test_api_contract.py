"""What the three OpenAPI documents promise: closed request bodies, every answer declared."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from services.actions.main import create_app as create_actions_app
from services.common.auth import optional_principal
from services.common.db import get_session
from services.parties.main import create_app as create_parties_app
from services.reminders.main import create_app as create_reminders_app
from services.reminders.unsubscribe import signed_recipient

APPS: dict[str, Callable[[], FastAPI]] = {
    "actions": create_actions_app,
    "parties": create_parties_app,
    "reminders": create_reminders_app,
}
WRITES = {"post", "put", "patch", "delete"}
# Fields a client must never set: the server owns identity, versions and authorship.
SERVER_OWNED = {"id", "version", "updated_by", "updated_at", "created_at", "deleted_at"}

Operation = tuple[str, str, str, dict[str, Any]]


def _document(service: str) -> dict[str, Any]:
    return APPS[service]().openapi()


def _operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation["operationId"], operation


def _json_body_schema(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return None if schema is None else _resolve(document, schema)


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref")
    if reference is None:
        return schema
    resolved: dict[str, Any] = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    return resolved


@pytest.fixture(params=sorted(APPS), scope="module")
def document(request: pytest.FixtureRequest) -> dict[str, Any]:
    return _document(request.param)


def test_every_json_body_is_closed_and_leaves_server_owned_fields_out(
    document: dict[str, Any],
) -> None:
    open_bodies = []
    for path, method, _, operation in _operations(document):
        schema = _json_body_schema(document, operation)
        if schema is None:
            continue
        # Closed: a field the API does not take is a 422, never silently dropped or stored.
        if schema.get("additionalProperties") is not False:
            open_bodies.append(f"{method.upper()} {path}")
        assert not SERVER_OWNED & set(schema.get("properties", {})), f"{method} {path}"
    assert open_bodies == []


def test_every_operation_declares_the_answers_any_request_may_get(
    document: dict[str, Any],
) -> None:
    for path, method, _, operation in _operations(document):
        declared = set(operation["responses"])
        assert {"413", "422", "429"} <= declared, f"{method.upper()} {path}: {sorted(declared)}"
        if "{" in path:
            assert "404" in declared, f"{method.upper()} {path}: {sorted(declared)}"
        if "requestBody" in operation:
            # FastAPI answers 400 to a body it cannot read at all (not UTF-8).
            assert "400" in declared, f"{method.upper()} {path}: {sorted(declared)}"


def test_every_write_declares_authentication_and_authorization_failures(
    document: dict[str, Any],
) -> None:
    for path, method, _, operation in _operations(document):
        if method not in WRITES or path.startswith("/unsubscribe/"):  # its link is its credential
            continue
        declared = set(operation["responses"])
        assert {"401", "403"} <= declared, f"{method.upper()} {path}: {sorted(declared)}"
        if method == "put":
            # Updates are conditional: 428 without If-Match, 412 with a stale one.
            assert {"412", "428"} <= declared, f"{method.upper()} {path}: {sorted(declared)}"


def _resolution_order(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    # FastAPI solves a route's dependencies in order, each one's own dependencies first.
    for dependency in dependant.dependencies:
        yield from _resolution_order(dependency)
        if dependency.call is not None:
            yield dependency.call


@pytest.mark.parametrize("service", sorted(APPS))
def test_every_write_looks_its_key_up_before_it_waits_for_a_connection(service: str) -> None:
    """A writer without a valid key must not queue for a connection (or SQLite's write turn),
    and a valid one must not hold either while its key is looked up."""
    late: list[str] = []
    checked = 0
    for context in iter_route_contexts(APPS[service]().routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        methods = route.methods or set()
        if not methods & {m.upper() for m in WRITES}:
            continue
        order = list(_resolution_order(route.dependant))
        if get_session in order:
            checked += 1
            # A key, or the signed link that is the unsubscribe route's credential.
            credential = signed_recipient if signed_recipient in order else optional_principal
            assert credential in order, route.path
            if order.index(credential) > order.index(get_session):
                late.append(f"{sorted(methods)} {route.path}")
    assert checked and late == []
