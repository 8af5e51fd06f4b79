"""Every error is RFC 9457 problem+json, with no stack trace and no partial write."""

from __future__ import annotations

import json

from tests.common.conftest import NotesApi

PROBLEM_FIELDS = {"type", "title", "status", "detail"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body.keys() >= PROBLEM_FIELDS
    assert body["status"] == status
    assert "Traceback" not in response.text
    return body


def test_unknown_route_is_404_problem(notes: NotesApi) -> None:
    body = assert_problem(notes.client.get("/no/such/thing"), 404)
    assert body["type"] == "/problems/not-found"


def test_unknown_record_is_404_not_422(notes: NotesApi) -> None:
    body = assert_problem(notes.client.get("/notes/12345"), 404)
    assert "12345" in body["detail"]


def test_wrong_method_is_405_problem(notes: NotesApi) -> None:
    assert_problem(notes.client.patch("/notes"), 405)


def test_malformed_json_is_422_problem(notes: NotesApi) -> None:
    response = notes.client.post(
        "/notes",
        content=b'{"state": "NIC", "text": ',
        headers={**notes.nicaragua, "content-type": "application/json"},
    )
    body = assert_problem(response, 422)
    assert body["errors"][0]["type"] == "json_invalid"


def test_wrong_type_is_422_with_errors(notes: NotesApi) -> None:
    response = notes.client.post("/notes", json={"state": 5, "text": []}, headers=notes.nicaragua)
    body = assert_problem(response, 422)
    locations = {tuple(error["loc"]) for error in body["errors"]}
    assert ("body", "state") in locations
    assert ("body", "text") in locations


def test_unknown_field_is_422(notes: NotesApi) -> None:
    response = notes.client.post(
        "/notes", json={"state": "NIC", "text": "x", "version": 7}, headers=notes.nicaragua
    )
    body = assert_problem(response, 422)
    assert body["errors"][0]["type"] == "extra_forbidden"
    assert notes.client.get("/notes").json()["total"] == 0


def test_validation_errors_do_not_echo_input(notes: NotesApi) -> None:
    secret = "s3cret-value-that-must-not-come-back"
    response = notes.client.post(
        "/notes", json={"state": "NIC", "text": "x", secret: 1}, headers=notes.nicaragua
    )
    assert_problem(response, 422)
    assert "input" not in response.json()["errors"][0]


def test_nul_byte_is_422_on_every_backend(notes: NotesApi) -> None:
    response = notes.client.post(
        "/notes", json={"state": "NIC", "text": "a\x00b"}, headers=notes.nicaragua
    )
    assert_problem(response, 422)
    assert notes.client.get("/notes").json()["total"] == 0


def test_unexpected_error_is_500_problem_without_details(notes: NotesApi) -> None:
    response = notes.client.get("/boom")
    body = assert_problem(response, 500)
    assert "secret internal detail" not in response.text
    assert "/etc/passwd" not in response.text
    assert body["type"] == "/problems/internal-error"


def test_declared_oversized_body_is_413(notes: NotesApi) -> None:
    big = json.dumps({"state": "NIC", "text": "x" * (1024 * 1024)}).encode()
    response = notes.client.post(
        "/notes", content=big, headers={**notes.nicaragua, "content-type": "application/json"}
    )
    assert_problem(response, 413)
    assert notes.client.get("/notes").json()["total"] == 0


def test_streamed_oversized_body_is_413(notes: NotesApi) -> None:
    def chunks():
        yield b'{"state": "NIC", "text": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"}'

    response = notes.client.post(
        "/notes", content=chunks(), headers={**notes.nicaragua, "content-type": "application/json"}
    )
    assert_problem(response, 413)
    assert notes.client.get("/notes").json()["total"] == 0


def test_body_within_limit_is_accepted(notes: NotesApi) -> None:
    response = notes.client.post(
        "/notes", json={"state": "NIC", "text": "y" * 50}, headers=notes.nicaragua
    )
    assert response.status_code == 201, response.text


def test_an_unknown_query_parameter_is_422_naming_it(notes: NotesApi) -> None:
    body = assert_problem(notes.client.get("/notes?limit=5&stauts=party"), 422)

    assert body["errors"] == [
        {
            "loc": ["query", "stauts"],
            "msg": "not a parameter of this route",
            "type": "extra_forbidden",
        }
    ]


def test_query_parameters_of_shared_dependencies_are_known(notes: NotesApi) -> None:
    # `limit` and `offset` belong to the pagination dependency, not to the route itself.
    assert notes.client.get("/notes?limit=5&offset=0").status_code == 200


def test_a_body_that_is_not_utf8_is_400_problem(notes: NotesApi) -> None:
    response = notes.client.post(
        "/notes",
        content=b'{"state": "NIC", "text": "\xff\xfe"}',
        headers={**notes.nicaragua, "Content-Type": "application/json"},
    )

    assert_problem(response, 400)
    assert notes.client.get("/notes").json()["total"] == 0
