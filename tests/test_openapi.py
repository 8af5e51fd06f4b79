"""The three OpenAPI documents as independent tools read them, checked against the live services:
valid OpenAPI 3.1, every error a Problem, every conditional read and update declared as it
behaves on the wire, clean operationIds and media types."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from services.common.auth import Role
from services.common.settings import PROJECT_ROOT
from services.common.spreadsheets import XLSX
from tests.factories import bearer, create_key
from tests.served import Services

PROBLEM = "application/problem+json"
# A value for every path parameter: Nicaragua's records, the first row of every table.
SAMPLES = {
    "iso3": "NIC", "action": "23", "number": "14", "plan_id": "cartagena-2010-2014",
    "indicator_id": "stockpile-destruction-no-stockpiles", "kind": "deadline", "event_id": "1",
    "request_id": "1", "assessment_id": "1", "contact_id": "1", "member_id": "1",
    "delivery_id": "1", "slug": "precondition-failed", "recipient_id": "1", "token": "A" * 43,
}  # fmt: skip


@pytest.fixture(scope="module")
def documents(services: Services) -> dict[str, dict[str, Any]]:
    return {name: httpx.get(f"{url}/openapi.json").json() for name, url in services.urls.items()}


@pytest.fixture(scope="module")
def admin(services: Services) -> dict[str, str]:
    return bearer(create_key(services.env["KEYS_DATABASE_URL"], Role.ADMIN))


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def _filled(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLES[m.group(1)], path)


def test_the_documents_are_valid_openapi(documents: dict[str, dict[str, Any]]) -> None:
    for document in documents.values():
        validate(document)


def test_operation_ids_are_the_functions_names(documents: dict[str, dict[str, Any]]) -> None:
    for name, document in documents.items():
        ids = [operation["operationId"] for _, _, operation in _operations(document)]
        assert len(ids) == len(set(ids)), name
        assert all(re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", i) for i in ids), ids
        assert not [i for i in ids if i.endswith(("_get", "_put", "_post", "_delete"))], ids
    parties = {op["operationId"] for _, _, op in _operations(documents["parties"])}
    assert {"update_commitment", "read_commitment", "list_states"} <= parties


def test_every_error_is_a_problem(documents: dict[str, dict[str, Any]]) -> None:
    for document in documents.values():
        for path, method, operation in _operations(document):
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                schema = response["content"][PROBLEM]["schema"]["$ref"]
                wanted = "ValidationProblem" if status == "422" else "Problem"
                assert schema.endswith(f"/{wanted}"), f"{method} {path} {status}"
        assert "HTTPValidationError" not in document["components"]["schemas"]


def test_every_update_requires_if_match_and_answers_its_etag(
    documents: dict[str, dict[str, Any]],
) -> None:
    for document in documents.values():
        for path, method, operation in _operations(document):
            if method != "put":
                continue
            headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
            assert headers["If-Match"]["required"] is True, path
            assert "ETag" in operation["responses"]["200"]["headers"], path


def test_conditional_reads_are_declared_exactly_as_they_behave(
    services: Services, documents: dict[str, dict[str, Any]], admin: dict[str, str]
) -> None:
    """Every GET that answers an ETag declares If-None-Match, its ETag and its 304, and answers
    304 to its own tag; every GET that declares them does so."""
    undeclared, unkept = [], []
    for name, document in documents.items():
        for path, method, operation in _operations(document):
            required = [p for p in operation.get("parameters", []) if p.get("required")]
            if method != "get" or any(p["in"] == "query" for p in required):
                continue
            url = f"{services.urls[name]}{_filled(path)}"
            answer = httpx.get(url, headers=admin)
            if answer.status_code != 200:
                continue
            declared = "304" in operation["responses"]
            etag = answer.headers.get("etag")
            if etag and not declared:
                undeclared.append(f"{name} GET {path}")
            if declared:
                again = httpx.get(url, headers={**admin, "If-None-Match": etag or '"none"'})
                if not etag or again.status_code != 304:
                    unkept.append(f"{name} GET {path}")
                headers = operation["responses"]["200"].get("headers", {})
                params = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
                assert "ETag" in headers and "If-None-Match" in params, path
    assert (undeclared, unkept) == ([], [])


def test_media_types_are_what_the_routes_serve(documents: dict[str, dict[str, Any]]) -> None:
    parties = documents["parties"]["paths"]
    for path in ("/commitments.csv", "/parties/{iso3}/commitments.csv"):
        assert list(parties[path]["get"]["responses"]["200"]["content"]) == ["text/csv"]
    body = parties["/parties/{iso3}/commitments.csv"]["post"]["requestBody"]
    assert list(body["content"]) == ["text/csv"]
    for path in ("/commitments.xlsx", "/parties/{iso3}/commitments.xlsx"):
        assert list(parties[path]["get"]["responses"]["200"]["content"]) == [XLSX]
    body = parties["/parties/{iso3}/commitments.xlsx"]["post"]["requestBody"]
    assert list(body["content"]) == [XLSX]
    reminders = documents["reminders"]["paths"]
    assert list(reminders["/calendar.ics"]["get"]["responses"]["200"]["content"]) == [
        "text/calendar"
    ]


def test_health_and_readiness_are_typed(documents: dict[str, dict[str, Any]]) -> None:
    for document in documents.values():
        for path in ("/healthz", "/readyz"):
            content = document["paths"][path]["get"]["responses"]["200"]["content"]
            assert "$ref" in content["application/json"]["schema"], path


def test_the_documents_pass_the_house_lint(documents: dict[str, dict[str, Any]]) -> None:
    """What a linter (Spectral's, Redocly's recommended rules) asks of each operation: a
    description, a tag, described parameters, a success answer with its content."""
    problems = []
    for name, document in documents.items():
        for path, method, operation in _operations(document):
            where = f"{name} {method.upper()} {path}"
            if not (operation.get("description") or operation.get("summary")):
                problems.append(f"{where}: no description")
            if not operation.get("tags"):
                problems.append(f"{where}: no tag")
            for parameter in operation.get("parameters", []):
                if not parameter.get("description"):
                    problems.append(f"{where}: parameter {parameter['name']} undescribed")
            successes = [s for s in operation["responses"] if s.startswith("2")]
            if not successes:
                problems.append(f"{where}: no success answer")
            for status in successes:
                if status != "204" and not operation["responses"][status].get("content"):
                    problems.append(f"{where}: {status} has no content")
    assert problems == []


def test_every_field_a_client_writes_is_described_with_an_example(
    documents: dict[str, dict[str, Any]],
) -> None:
    undocumented = []
    for name, document in documents.items():
        schemas = document["components"]["schemas"]
        for path, method, operation in _operations(document):
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            schema = schemas[body["schema"]["$ref"].rsplit("/", 1)[-1]]
            for field, spec in schema.get("properties", {}).items():
                if not (spec.get("description") and spec.get("examples")):
                    undocumented.append(f"{name} {method.upper()} {path}: {field}")
    assert undocumented == []


def test_a_problems_type_resolves_to_a_page_describing_it(services: Services) -> None:
    parties = services.urls["parties"]
    problem = httpx.put(f"{parties}/parties/NIC/commitments/1", json={}).json()
    page = httpx.get(f"{parties}{problem['type']}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Authentication required</h1>" in page.text
    assert httpx.get(f"{parties}/problems/no-such-problem").status_code == 404


def test_every_problem_type_the_services_use_has_a_page_and_a_row_in_the_docs() -> None:
    from services.common import errors
    from services.common.problem_pages import PROBLEMS

    used = {cls.slug for cls in vars(errors).values() if isinstance(cls, type)
            and issubclass(cls, errors.DomainError)}  # fmt: skip
    used |= {slug for slug, _ in errors._HTTP_PROBLEMS.values()} | {"http-error", "internal-error"}
    assert used <= set(PROBLEMS)
    documented = set(
        re.findall(r"`/problems/([a-z-]+)`", (PROJECT_ROOT / "docs/problems.md").read_text())
    )
    assert documented == set(PROBLEMS)


def test_head_answers_wherever_get_does_and_405_names_every_method(services: Services) -> None:
    parties = services.urls["parties"]
    get = httpx.get(f"{parties}/states/NIC")
    head = httpx.head(f"{parties}/states/NIC")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["etag"] == get.headers["etag"]
    refused = httpx.delete(f"{parties}/parties/NIC/commitments/1")
    assert refused.status_code == 405
    assert refused.headers["content-type"] == PROBLEM
    assert refused.headers["allow"] == "GET, HEAD, PUT"


def test_docs_and_redoc_draw_from_assets_the_service_serves(services: Services) -> None:
    for url in services.urls.values():
        for page in ("/docs", "/redoc"):
            html = httpx.get(f"{url}{page}").text
            scripts = re.findall(r'src="([^"]+)"', html)
            assert scripts and all(src.startswith("/static-offline-docs/") for src in scripts)
            assert "cdn." not in html and "googleapis" not in html
            for src in scripts:
                asset = httpx.get(f"{url}{src}")
                assert asset.status_code == 200 and len(asset.content) > 10_000, src


SPECTRAL = shutil.which("spectral")


@pytest.mark.skipif(
    SPECTRAL is None and os.environ.get("CI", "").lower() != "true",
    reason="Spectral (npm @stoplight/spectral-cli) is not installed; .ci/run installs it",
)
def test_spectral_finds_nothing_in_the_documents(
    documents: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    assert SPECTRAL is not None, "CI installs @stoplight/spectral-cli (.ci/run)"
    for name, document in documents.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(document))
        linted = subprocess.run(
            [SPECTRAL, "lint", "-r", str(PROJECT_ROOT / ".spectral.yaml"), "--fail-severity=warn",
             str(path)],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert linted.returncode == 0, name + linted.stdout + linted.stderr
