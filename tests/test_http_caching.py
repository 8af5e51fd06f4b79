"""HTTP as browsers and proxies use it, on the live services: what may be cached and for how long,
keys checked wherever they are sent, and a real CORS preflight."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest

from services.common.auth import Role
from services.common.db import create_engine
from services.common.keys.store import KeyStore
from tests.factories import bearer, create_key
from tests.served import Services, start_services

ORIGIN = "https://committee.example.org"


def test_public_data_is_revalidated_with_its_etag_and_the_304_says_so_too(
    services: Services,
) -> None:
    state = f"{services.urls['parties']}/states/NIC"
    first = httpx.get(state)
    assert first.headers["cache-control"] == "no-cache"
    again = httpx.get(state, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert (again.headers["cache-control"], again.headers["etag"]) == (
        "no-cache",
        first.headers["etag"],
    )


def test_the_plans_text_may_be_kept_a_few_minutes(services: Services) -> None:
    actions = services.urls["actions"]
    for path in ("/actions/42", "/actions?limit=5", "/plans/cartagena-2010-2014"):
        assert httpx.get(f"{actions}{path}").headers["cache-control"] == "public, max-age=300"


def test_what_a_key_reads_is_never_stored_and_varies_with_the_key(services: Services) -> None:
    key = bearer(create_key(services.env["KEYS_DATABASE_URL"], Role.STATE, "NIC"))
    for url in (
        f"{services.urls['reminders']}/parties/NIC/contacts",  # private
        f"{services.urls['parties']}/states/NIC",  # public, but asked with a key
    ):
        answer = httpx.get(url, headers=key)
        assert answer.status_code == 200, answer.text
        assert answer.headers["cache-control"] == "no-store"
        assert "Authorization" in answer.headers["vary"]


def test_errors_and_writes_are_never_stored(services: Services) -> None:
    parties = services.urls["parties"]
    assert httpx.get(f"{parties}/states/XYZ").headers["cache-control"] == "no-store"
    refused = httpx.put(f"{parties}/parties/NIC/commitments/1", json={})
    assert (refused.status_code, refused.headers["cache-control"]) == (401, "no-store")


def test_a_revoked_or_unknown_key_is_401_on_a_public_read(services: Services) -> None:
    url = f"{services.urls['actions']}/actions/42"
    key = create_key(services.env["KEYS_DATABASE_URL"], Role.COMMITTEE)
    assert httpx.get(url, headers=bearer(key)).status_code == 200
    engine = create_engine(services.env["KEYS_DATABASE_URL"])
    try:
        KeyStore(engine).revoke(key.split("_")[1])
    finally:
        engine.dispose()
    revoked = httpx.get(url, headers=bearer(key))
    assert (revoked.status_code, revoked.headers["www-authenticate"]) == (401, "Bearer")
    assert revoked.headers["content-type"] == "application/problem+json"
    unknown = httpx.get(url, headers=bearer("cm_000000000000_unknown"))
    assert unknown.status_code == 401
    assert httpx.get(url).status_code == 200  # without a key, the public read is served


@pytest.fixture(scope="module")
def open_to_a_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The actions service, with one browser origin allowed."""
    with ExitStack() as stack:
        served = start_services(
            stack,
            tmp_path_factory.mktemp("cors"),
            ("actions",),
            extra_env={"ACTIONS_CORS_ORIGINS": f'["{ORIGIN}"]'},
        )
        yield served.urls["actions"]


def test_a_browsers_preflight_for_a_retried_conditional_write_is_allowed(
    open_to_a_browser: str,
) -> None:
    preflight = httpx.options(
        f"{open_to_a_browser}/actions/14/assessments",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key, "
            "if-match, if-none-match",
        },
    )
    assert preflight.status_code == 200, preflight.text
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert {"idempotency-key", "if-match", "if-none-match"} <= {
        h.strip() for h in allowed.split(",")
    }
    read = httpx.get(f"{open_to_a_browser}/actions/42", headers={"Origin": ORIGIN})
    exposed = {h.strip().lower() for h in read.headers["access-control-expose-headers"].split(",")}
    assert {"etag", "retry-after", "idempotent-replayed", "location"} <= exposed
    foreign = httpx.options(
        f"{open_to_a_browser}/actions/14/assessments",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert foreign.status_code == 400
