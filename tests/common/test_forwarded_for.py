"""The failed-key limit counts per client address, on a real server: `X-Forwarded-For` names
the client only when the peer is one of FORWARDED_ALLOW_IPS, so nobody else can forge it to
guess keys without end."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import httpx

from services.common.auth import Role
from tests.factories import bearer, create_key
from tests.served import start_services

LIMIT = 3
WRITE = "/actions/1/assessments"  # any route that needs a key


def _guess(base: str, forwarded_for: str) -> int:
    headers = {**bearer("cm_guess_0000000000000000"), "X-Forwarded-For": forwarded_for}
    return httpx.post(f"{base}{WRITE}", json={}, headers=headers, timeout=30).status_code


def _actions_server(stack: ExitStack, workdir: Path, forwarded_allow_ips: str) -> str:
    env = {"ACTIONS_RATE_LIMIT_FAILED_AUTH": f"{LIMIT}/minute"}
    if forwarded_allow_ips:
        env["FORWARDED_ALLOW_IPS"] = forwarded_allow_ips
    served = start_services(stack, workdir, names=("actions",), extra_env=env)
    return served.urls["actions"]


def test_a_forged_forwarded_for_does_not_escape_the_failed_key_limit(tmp_path: Path) -> None:
    with ExitStack() as stack:
        base = _actions_server(stack, tmp_path, forwarded_allow_ips="")
        answers = [_guess(base, f"198.51.100.{n}") for n in range(LIMIT + 1)]
        good = bearer(create_key(f"sqlite:///{tmp_path / 'keys.db'}", Role.ADMIN))
        valid = httpx.post(f"{base}{WRITE}", json={}, headers=good, timeout=30).status_code
    # Every guess came from 127.0.0.1, whatever the header claimed: the 4th is refused.
    assert answers == [401] * LIMIT + [429]
    assert valid == 422  # admitted, and its empty body refused


def test_a_trusted_proxy_s_forwarded_for_names_the_client(tmp_path: Path) -> None:
    with ExitStack() as stack:
        base = _actions_server(stack, tmp_path, forwarded_allow_ips="127.0.0.1")
        guesser = [_guess(base, "203.0.113.7") for _ in range(LIMIT + 1)]
        neighbour = _guess(base, "203.0.113.8")
    assert guesser == [401] * LIMIT + [429]
    # Another client behind the same proxy has its own count.
    assert neighbour == 401
