"""The OpenAPI document as other tools read it: errors as Problems, conditional requests declared.

FastAPI documents what a route's signature says. What the shared plumbing adds to every route —
problem+json errors, `If-Match` on updates, `ETag`/`If-None-Match`/304 on conditional reads,
`Retry-After`, `Location` — lives in middleware and helpers that FastAPI cannot see, so this module
completes the generated document from the same conventions (docs/problems.md), once for the three
services. A route declares that it answers conditionally by listing
`services.common.routes.CONDITIONAL` (its 304).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from services.common.errors import PROBLEM_MEDIA_TYPE

Document = dict[str, Any]

_STRING = {"type": "string"}
_ETAG = {
    "description": "The representation's entity tag: send it back in `If-None-Match` to "
    "revalidate, in `If-Match` to update",
    "schema": {**_STRING, "examples": ['"3f1c2a9b0d4e5f67"']},
}
_RETRY_AFTER = {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}
_LOCATION = {"description": "Where the created resource is read", "schema": _STRING}
_IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "An `ETag` this client holds: answered 304 without a body while it is current",
    "schema": _STRING,
}
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "The `ETag` of the version this update is based on (428 without it, 412 "
    "when another write came first: read again, reapply, retry)",
    "schema": _STRING,
}

PROBLEM_SCHEMAS: Document = {
    "Problem": {
        "title": "Problem",
        "description": "An error, as RFC 9457 problem details (docs/problems.md)",
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {
                "type": "string",
                "format": "uri-reference",
                "description": "Names the kind of problem; GET it for a page describing it",
                "examples": ["/problems/precondition-failed"],
            },
            "title": {"type": "string", "description": "The kind of problem, in words"},
            "status": {"type": "integer", "description": "The HTTP status"},
            "detail": {"type": "string", "description": "What went wrong with this request"},
            "instance": {"type": "string", "description": "The path of the request"},
        },
    },
    "FieldError": {
        "title": "FieldError",
        "type": "object",
        "required": ["loc", "msg", "type"],
        "properties": {
            "loc": {
                "type": "array",
                "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                "description": "Where in the request: body, query, path or header, then the field",
            },
            "msg": {"type": "string", "description": "What is wrong with it"},
            "type": {"type": "string", "description": "The kind of error, e.g. missing"},
        },
    },
    "ValidationProblem": {
        "title": "ValidationProblem",
        "description": "A request that does not validate: a Problem listing every error",
        "allOf": [
            {"$ref": "#/components/schemas/Problem"},
            {
                "type": "object",
                "required": ["errors"],
                "properties": {
                    "errors": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/FieldError"},
                    }
                },
            },
        ],
    },
}


# What each group of operations is about (the documents' global `tags`, in this order).
TAGS = {
    "plans": "The action plans the States Parties adopted, with their text",
    "sections": "The sections of a plan and their paragraphs",
    "actions": "The actions of a plan, verbatim, and whom each binds",
    "assessments": "The Coordinating Committee's assessments of the actions",
    "indicators": "Baseline figures, with their sources",
    "states": "The 195 states and their membership of the Convention",
    "obligations": "What each State Party owes and reports (Articles 3, 4, 5, 9, victim "
    "assistance)",
    "deadlines": "The treaty deadlines of each State Party, derived from its records",
    "commitments": "Each State Party's commitments on the actions that bind it",
    "transparency": "Article 7 transparency reports",
    "extensions": "Article 5 extension requests, their analysis and decision",
    "summary": "The four aims, counted from the records or recorded with their sources",
    "changes": "What changed in the records since a day",
    "coverage": "From which day each kind of record is complete",
    "events": "Meetings, important dates and deadlines",
    "rules": "How long before each kind of event reminders go out",
    "reminders": "The outbox and the deliveries",
    "recipients": "Contact points and committee members who receive reminders",
    "calendar": "iCalendar feeds to subscribe to",
    "operations": "Health, readiness and the problem types",
}


def operation_id(route: APIRoute) -> str:
    """A route's operationId: its function's name (`update_commitment`), unique per service."""
    return route.name


def complete_openapi(app: FastAPI) -> None:
    """Make `app.openapi()` return the completed document (built once, as FastAPI caches it)."""
    build = app.openapi

    def openapi() -> Document:
        if app.openapi_schema is None:
            app.openapi_schema = complete(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(document: Document) -> Document:
    """The document with the conventions every operation follows written into it."""
    used = {tag for ops in document.get("paths", {}).values() for op in ops.values()
            for tag in op.get("tags", [])}  # fmt: skip
    document["tags"] = [
        {"name": name, "description": TAGS.get(name, name)}
        for name in [*(t for t in TAGS if t in used), *sorted(used - set(TAGS))]
    ]
    document.setdefault("servers", [{"url": "/", "description": "This service"}])
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(PROBLEM_SCHEMAS)
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            _complete_operation(method, operation)
    return document


def _complete_operation(method: str, operation: Document) -> None:
    responses: Document = operation["responses"]
    if "requestBody" in operation:
        # FastAPI answers 400 to a body it cannot read at all (not UTF-8, say).
        responses.setdefault("400", {"description": "The body could not be read"})
    conditional_read = method == "get" and "304" in responses
    if conditional_read:
        _add_parameter(operation, _IF_NONE_MATCH)
        responses["304"] = {**responses["304"], "headers": {"ETag": _ETAG}}
    if method == "put":
        _add_parameter(operation, _IF_MATCH)
    for status, response in responses.items():
        _complete_response(status, response, etag=conditional_read or method == "put")


def _complete_response(status: str, response: Document, *, etag: bool) -> None:
    code = int(status) if status.isdigit() else 0
    headers = response.setdefault("headers", {})
    if code >= 400:
        schema = "ValidationProblem" if code == 422 else "Problem"
        reference = {"schema": {"$ref": f"#/components/schemas/{schema}"}}
        response["content"] = {PROBLEM_MEDIA_TYPE: reference}
    if code in (429, 503):
        headers["Retry-After"] = _RETRY_AFTER
    if code == 201:
        headers["Location"] = _LOCATION
    if etag and code in (200, 201):
        headers["ETag"] = _ETAG
    if not headers:
        del response["headers"]


def _add_parameter(operation: Document, parameter: Document) -> None:
    parameters: list[Document] = operation.setdefault("parameters", [])
    if not any(p.get("in") == "header" and p["name"] == parameter["name"] for p in parameters):
        parameters.append(parameter)
