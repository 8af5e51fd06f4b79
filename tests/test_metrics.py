"""What an operator scrapes: every service's /metrics passes promtool's lint and carries the
process, Python and business families the alerts in deploy/ use."""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import ExitStack

import httpx
import pytest

from services.common.settings import PROJECT_ROOT
from tests.served import Services, start_services
from tools.processes import free_port

PROMTOOL = shutil.which("promtool")
# CI installs Debian's prometheus package; elsewhere the lint runs where promtool is present.
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None and os.environ.get("CI", "").lower() != "true",
    reason="promtool (Debian's prometheus package) is not installed",
)


def promtool(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None, "CI installs Debian's prometheus package (.ci/run)"
    return subprocess.run(
        [PROMTOOL, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


@needs_promtool
@pytest.mark.parametrize("service", ["actions", "parties", "reminders"])
def test_metrics_pass_promtools_lint(services: Services, service: str) -> None:
    exposition = httpx.get(f"{services.urls[service]}/metrics").text
    checked = promtool("check", "metrics", stdin=exposition)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_service_reports_its_process_and_python(services: Services) -> None:
    for url in services.urls.values():
        exposition = httpx.get(f"{url}/metrics").text
        for family in (
            "process_resident_memory_bytes",
            "process_cpu_seconds_total",
            "python_gc_collections_total",
            "python_info",
            "cm_rate_limit_refusals_total",
            "cm_overload_refusals_total",
        ):
            assert f"# TYPE {family.removesuffix('_total')}" in exposition, (url, family)


def test_the_reminders_service_reports_its_outbox_sync_and_lease(services: Services) -> None:
    exposition = httpx.get(f"{services.urls['reminders']}/metrics").text
    assert "cm_reminders_metrics_up 1.0" in exposition
    for family in (
        "cm_reminders",
        "cm_deliveries",
        "cm_notices",
        "cm_delivery_attempts",
        "cm_reminders_delivery_lag_seconds",
        "cm_deadline_sync_runs",
        "cm_deadline_sync_age_seconds",
        "cm_scheduler_lease_token",
        "cm_scheduler_lease_holder",
    ):
        assert f"# TYPE {family} gauge" in exposition, family


def test_the_parties_service_counts_its_cache_hits(services: Services) -> None:
    parties = services.urls["parties"]
    for _ in range(2):
        httpx.get(f"{parties}/summary", params={"as_of": "2010-03-01"})
    exposition = httpx.get(f"{parties}/metrics").text
    assert 'cm_cache_lookups_total{cache="replays",result="hit"}' in exposition


@needs_promtool
def test_the_alert_rules_shipped_are_valid() -> None:
    rules = PROJECT_ROOT / "deploy" / "prometheus" / "alerts.yml"
    checked = promtool("check", "rules", str(rules))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = promtool(
        "test", "rules", str(PROJECT_ROOT / "deploy" / "prometheus" / "alerts_test.yml")
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_with_a_metrics_port_the_scrape_is_not_on_the_apis_port(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    scrape_port = free_port()
    with ExitStack() as stack:
        served = start_services(
            stack,
            tmp_path_factory.mktemp("scrape"),
            ("actions",),
            extra_env={"ACTIONS_METRICS_PORT": str(scrape_port)},
        )
        assert httpx.get(f"{served.urls['actions']}/metrics").status_code == 404
        httpx.get(f"{served.urls['actions']}/actions/42")
        scraped = httpx.get(f"http://127.0.0.1:{scrape_port}/metrics")
    assert scraped.status_code == 200
    assert 'handler="/actions/{number}"' in scraped.text
    assert "process_resident_memory_bytes" in scraped.text
