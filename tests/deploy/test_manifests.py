"""docker-compose.yml and the Kubernetes manifests validate offline; a broken one fails."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.common.settings import PROJECT_ROOT

COMPOSE = str(Path(sys.executable).with_name("docker-compose"))
VALIDATE = str(Path(sys.executable).with_name("kubernetes-validate"))
KUBECTL = shutil.which("kubectl")
APP_SERVICES = ("actions", "parties", "reminders", "scheduler", "dashboard")
needs_kubectl = pytest.mark.skipif(
    KUBECTL is None,
    reason="kustomize builds through kubectl (Debian/Google apt: kubectl); .ci/run installs it",
)


def compose_config(compose_file: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            COMPOSE,
            "--env-file",
            str(PROJECT_ROOT / ".env.example"),
            "-f",
            str(compose_file),
            "config",
            *extra,
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def compose_errors(compose_file: Path) -> str:
    """What `docker compose config -q` finds wrong (this binary reports some only on stderr)."""
    result = compose_config(compose_file, "-q")
    return result.stderr.strip() or ("" if result.returncode == 0 else f"exit {result.returncode}")


def test_the_compose_file_is_valid() -> None:
    assert compose_errors(PROJECT_ROOT / "docker-compose.yml") == ""


@pytest.mark.parametrize(
    ("good", "bad"),
    [("healthcheck:", "healthchek:"), ("condition: service_healthy", "condition: service_ready")],
)
def test_a_broken_compose_file_fails(tmp_path: Path, good: str, bad: str) -> None:
    path = tmp_path / "docker-compose.yml"
    path.write_text((PROJECT_ROOT / "docker-compose.yml").read_text().replace(good, bad, 1))
    assert compose_errors(path) != ""


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    result = compose_config(PROJECT_ROOT / "docker-compose.yml", "--format", "json")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_every_process_is_healthchecked_and_waits_for_what_it_needs(compose: dict) -> None:
    services = compose["services"]
    assert set(APP_SERVICES) | {"postgres", "migrate"} == set(services)
    for name in APP_SERVICES:
        assert services[name]["healthcheck"]["test"], name
        conditions = {
            dependency: dep["condition"] for dependency, dep in services[name]["depends_on"].items()
        }
        if name != "dashboard":  # the dashboard reads the APIs, never a database
            assert conditions.pop("migrate") == "service_completed_successfully", name
        assert set(conditions.values()) == {"service_healthy"}, name
    assert "/_stcore/health" in " ".join(services["dashboard"]["healthcheck"]["test"])
    raw = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    assert raw["services"]["mailpit"]["profiles"] == ["mail"]


def database_settings(environment: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in environment.items() if "_DATABASE_" in name}


def test_only_migrate_connects_as_the_owner_and_grants_the_runtime_role(compose: dict) -> None:
    services = compose["services"]
    for name in ("actions", "parties", "reminders", "scheduler"):
        databases = database_settings(services[name]["environment"])
        assert len(databases) == 4, name
        assert all(url.startswith("postgresql://monitor_app:") for url in databases.values()), name
    migrate = database_settings(services["migrate"]["environment"])
    urls = {name: value for name, value in migrate.items() if name.endswith("_URL")}
    roles = {name: value for name, value in migrate.items() if name.endswith("_RUNTIME_ROLE")}
    assert all(url.startswith("postgresql://monitor:") for url in urls.values())
    assert roles == {url.replace("_URL", "_RUNTIME_ROLE"): "monitor_app" for url in urls}
    assert services["postgres"]["environment"]["POSTGRES_APP_USER"] == "monitor_app"


def test_no_secret_is_baked_into_the_compose_file() -> None:
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    for line in text.splitlines():
        if re.search(r"(PASSWORD|SECRET)[A-Z_]*:", line):
            assert "${" in line, line


def test_the_image_runs_as_a_user_from_the_lock() -> None:
    dockerfile = (PROJECT_ROOT / "deploy" / "Dockerfile").read_text()
    assert "USER monitor" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "python:3.11-slim" in dockerfile


def kustomize(directory: Path) -> str:
    assert KUBECTL is not None
    result = subprocess.run(
        [KUBECTL, "kustomize", str(directory)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def validate(manifests: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "manifests.yaml"
    path.write_text(manifests)
    return subprocess.run(
        [VALIDATE, "--strict", str(path)], capture_output=True, text=True, timeout=300, check=False
    )


@needs_kubectl
@pytest.mark.parametrize("directory", ["base", "overlays/production"])
def test_the_kubernetes_manifests_are_valid(directory: str, tmp_path: Path) -> None:
    result = validate(kustomize(PROJECT_ROOT / "deploy" / "k8s" / directory), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_kubectl
def test_a_broken_manifest_fails(tmp_path: Path) -> None:
    manifests = kustomize(PROJECT_ROOT / "deploy" / "k8s" / "overlays" / "production")
    broken = manifests.replace("containerPort: 8001", "containerPort: eight-thousand-one", 1)
    assert validate(broken, tmp_path).returncode != 0


@needs_kubectl
def test_the_scheduler_runs_alone_and_every_container_is_bounded() -> None:
    documents = [
        d
        for d in yaml.safe_load_all(
            kustomize(PROJECT_ROOT / "deploy" / "k8s" / "overlays" / "production")
        )
        if d
    ]
    deployments = {d["metadata"]["name"]: d for d in documents if d["kind"] == "Deployment"}
    assert set(deployments) == set(APP_SERVICES)
    scheduler = deployments["scheduler"]["spec"]
    assert (scheduler["replicas"], scheduler["strategy"]["type"]) == (1, "Recreate")
    for name, deployment in deployments.items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["resources"]["requests"] and container["resources"]["limits"], name
        assert "livenessProbe" in container, name
        if name != "scheduler":
            assert "readinessProbe" in container, name
        assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    kinds = {d["kind"] for d in documents}
    assert {"Job", "Ingress", "ConfigMap", "Service", "Namespace"} <= kinds


@needs_kubectl
def test_only_the_migrate_job_connects_as_the_databases_owner() -> None:
    documents = yaml.safe_load_all(
        kustomize(PROJECT_ROOT / "deploy" / "k8s" / "overlays" / "production")
    )
    for document in documents:
        if not document or document["kind"] not in ("Job", "Deployment"):
            continue
        pod = document["spec"]["template"]["spec"]
        for container in pod["containers"] + pod.get("initContainers", []):
            secrets = {
                env["valueFrom"]["secretKeyRef"]["key"]
                for env in container.get("env", [])
                if "secretKeyRef" in env.get("valueFrom", {})
            }
            databases = {key for key in secrets if key.endswith("database-url")}
            owner = {key for key in databases if key.endswith("-migration-database-url")}
            expected = databases if document["kind"] == "Job" else set()
            assert owner == expected, (document["metadata"]["name"], container["name"])


@needs_kubectl
def test_metrics_are_scraped_from_the_pods_and_never_published_by_the_ingress() -> None:
    documents = [
        d
        for d in yaml.safe_load_all(
            kustomize(PROJECT_ROOT / "deploy" / "k8s" / "overlays" / "production")
        )
        if d
    ]
    config = next(d for d in documents if d["kind"] == "ConfigMap")["data"]
    for name in ("actions", "parties", "reminders", "scheduler"):
        deployment = next(
            d for d in documents if d["kind"] == "Deployment" and d["metadata"]["name"] == name
        )
        template = deployment["spec"]["template"]
        annotations = template["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true", name
        port = int(annotations["prometheus.io/port"])
        container = template["spec"]["containers"][0]
        assert {"name": "metrics", "containerPort": port} in container["ports"], name
        variable = (
            "REMINDERS_SCHEDULER_PORT" if name == "scheduler" else f"{name.upper()}_METRICS_PORT"
        )
        assert int(config[variable]) == port, name
    # The Services the ingress routes to publish the API port only.
    for service in (d for d in documents if d["kind"] == "Service"):
        assert [p["name"] for p in service["spec"]["ports"]] == ["http"], service["metadata"]
