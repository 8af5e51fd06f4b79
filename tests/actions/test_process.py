"""The actions service as a real process on loopback: `python -m services.actions`, and honcho."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from services.common.http_client import ServiceClient
from services.common.observability import request_id_var
from tools.processes import free_port, python_module, running


def service_env(tmp_path: Path, port: int) -> dict[str, str]:
    return {
        "ACTIONS_DATABASE_URL": f"sqlite:///{tmp_path / 'actions.db'}",
        "KEYS_DATABASE_URL": f"sqlite:///{tmp_path / 'keys.db'}",
        "ACTIONS_PORT": str(port),
    }


def test_python_m_services_actions_migrates_seeds_and_serves(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "actions.log"
    with running(
        python_module("services.actions"),
        env=service_env(tmp_path, port),
        health_url=f"{base}/readyz",
        log=log,
    ):
        body = httpx.get(f"{base}/actions", params={"limit": 100}, timeout=5).json()
        assert body["total"] == 67
        assert httpx.get(f"{base}/docs", timeout=5).status_code == 200

        class ActionsClient(ServiceClient):
            service_name = "actions"

        token = request_id_var.set("cross-process-7")
        try:
            with ActionsClient(base) as client:
                assert client.get_json("/actions/7")["number"] == 7
        finally:
            request_id_var.reset(token)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    served = [line for line in lines if line.get("path") == "/actions/7"]
    assert served and served[0]["request_id"] == "cross-process-7"


def test_port_option_overrides_the_setting(tmp_path: Path) -> None:
    port = free_port()
    env = service_env(tmp_path, free_port())
    with running(
        python_module("services.actions", "--port", str(port)),
        env=env,
        health_url=f"http://127.0.0.1:{port}/healthz",
        log=tmp_path / "log",
    ):
        assert httpx.get(f"http://127.0.0.1:{port}/actions/1", timeout=5).status_code == 200
