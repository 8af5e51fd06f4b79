"""Every command docker-compose.yml, the Dockerfile and the Kubernetes manifests run is one the
command line knows, and none that runs as the runtime role would migrate, seed or grant."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from services.common.server import OWNER_STEPS
from services.common.settings import PROJECT_ROOT
from tests.deploy.commands import (
    KUBECTL,
    Container,
    UnknownCommand,
    compose_containers,
    image_default_command,
    image_entrypoint,
    k8s_containers,
    kustomized,
    rendered_compose,
    steps_of,
)

K8S = PROJECT_ROOT / "deploy" / "k8s"
needs_kubectl = pytest.mark.skipif(
    KUBECTL is None,
    reason="kustomize builds through kubectl (Debian/Google apt: kubectl); .ci/run installs it",
)


def problems(containers: list[Container]) -> list[str]:
    """What is wrong with the commands of a set of manifests (nothing, when all is well)."""
    found = []
    for container in containers:
        try:
            steps = set(steps_of(container.argv))
        except UnknownCommand as refused:
            found.append(f"{container.where}: the command line does not know `{refused}`")
            continue
        if container.role != "owner" and steps & OWNER_STEPS:
            found.append(
                f"{container.where} would {', '.join(sorted(steps & OWNER_STEPS))} "
                f"connected as {container.role!r}, not as the databases' owner"
            )
        if container.role == "owner" and "migrate" not in steps:
            found.append(f"{container.where} connects as the owner but migrates nothing")
    if not any(container.role == "owner" for container in containers):
        found.append("no container migrates the databases as their owner")
    return found


def test_the_image_serves_by_default() -> None:
    argv = image_entrypoint() + image_default_command()
    assert argv == ("python", "-m", "services.actions", "serve")
    assert steps_of(argv) == ("serve",)


def test_every_compose_command_is_known_and_runs_as_its_role() -> None:
    containers = compose_containers(rendered_compose(PROJECT_ROOT / "docker-compose.yml"))
    assert {c.where for c in containers} >= {
        "compose migrate",
        "compose actions",
        "compose parties",
        "compose reminders",
        "compose scheduler",
        "compose scheduler healthcheck",
        "compose dashboard",
    }
    assert problems(containers) == []


@pytest.mark.parametrize(
    ("good", "bad", "complaint"),
    [
        ('["services.parties", "serve"]', '["services.parties", "serv"]', "does not know"),
        ('["services.parties", "serve"]', '["services.parties", "run"]', "would grant, migrate"),
        ('["services", "prestart"]', '["services.actions", "serve"]', "migrates nothing"),
        ('"scheduler-health"]', '"scheduler-healthz"]', "does not know"),
    ],
)
def test_a_compose_command_that_would_fail_or_migrate_as_the_runtime_role_is_found(
    tmp_path: Path, good: str, bad: str, complaint: str
) -> None:
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    assert good in text
    path = tmp_path / "docker-compose.yml"
    path.write_text(text.replace(good, bad, 1))
    found = problems(compose_containers(rendered_compose(path)))
    assert any(complaint in problem for problem in found), found


@needs_kubectl
@pytest.mark.parametrize("directory", ["base", "overlays/production"])
def test_every_kubernetes_command_is_known_and_runs_as_its_role(directory: str) -> None:
    containers = k8s_containers(kustomized(K8S / directory))
    assert {c.where for c in containers} >= {
        "Job migrate/actions",
        "Job migrate/parties",
        "Job migrate/reminders",
        "Deployment scheduler/scheduler livenessProbe",
    }
    assert problems(containers) == []


@needs_kubectl
def test_a_kubernetes_command_that_would_migrate_as_the_runtime_role_is_found() -> None:
    documents = kustomized(K8S / "overlays" / "production")
    broken = copy.deepcopy(documents)
    for document in broken:
        if document["kind"] == "Deployment" and document["metadata"]["name"] == "reminders":
            document["spec"]["template"]["spec"]["containers"][0]["args"] = ["services.reminders"]
    found = problems(k8s_containers(broken))
    assert found == [
        "Deployment reminders/reminders would grant, migrate, seed connected as 'runtime', "
        "not as the databases' owner"
    ]
