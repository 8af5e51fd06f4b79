"""The commands docker-compose.yml, the Dockerfile and the Kubernetes manifests run, read from
the files themselves, and what the project's command line does with each of them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from services.common import server
from services.common.settings import PROJECT_ROOT
from services.reminders.__main__ import SCHEDULER_COMMANDS

COMPOSE = str(Path(sys.executable).with_name("docker-compose"))
KUBECTL = shutil.which("kubectl")
DOCKERFILE = PROJECT_ROOT / "deploy" / "Dockerfile"
SERVICE_PACKAGES = ("actions", "parties", "reminders")


class UnknownCommand(ValueError):
    """The command line would refuse this command."""


@dataclass(frozen=True)
class Container:
    """One process a manifest starts: where it is declared, its argv, and the role it runs as."""

    where: str
    argv: tuple[str, ...]
    # "owner" (connects as the databases' owner), "runtime" (as the runtime role), or "none".
    role: str


def image_entrypoint(dockerfile: Path = DOCKERFILE) -> tuple[str, ...]:
    """The image's ENTRYPOINT, in its exec form."""
    match = re.search(r"^ENTRYPOINT (\[.*\])$", dockerfile.read_text(), re.MULTILINE)
    assert match is not None, "the Dockerfile has no ENTRYPOINT in exec form"
    return tuple(json.loads(match.group(1)))


def image_default_command(dockerfile: Path = DOCKERFILE) -> tuple[str, ...]:
    """The image's CMD, in its exec form."""
    match = re.search(r"^CMD (\[.*\])$", dockerfile.read_text(), re.MULTILINE)
    assert match is not None, "the Dockerfile has no CMD in exec form"
    return tuple(json.loads(match.group(1)))


def rendered_compose(compose_file: Path) -> dict[str, Any]:
    """`docker compose config` of a compose file, with the example environment filled in."""
    result = subprocess.run(
        [
            COMPOSE,
            "--env-file",
            str(PROJECT_ROOT / ".env.example"),
            "-f",
            str(compose_file),
            "config",
            "--format",
            "json",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = yaml.safe_load(result.stdout)
    return document


def _compose_role(environment: dict[str, str]) -> str:
    users = {
        value.partition("://")[2].partition(":")[0]
        for name, value in environment.items()
        if name.endswith("_DATABASE_URL")
    }
    if not users:
        return "none"
    assert len(users) == 1, f"one container connects as several roles: {sorted(users)}"
    return "owner" if users == {"monitor"} else "runtime"


def compose_containers(compose: dict[str, Any]) -> list[Container]:
    """Every command of docker-compose.yml: each container's, and each python healthcheck's."""
    found = []
    for name, service in compose["services"].items():
        if "build" not in service and "cartagena-monitor" not in service.get("image", ""):
            continue  # postgres, mailpit: not our image
        role = _compose_role(service.get("environment", {}))
        entrypoint = tuple(service.get("entrypoint") or image_entrypoint())
        command = tuple(service.get("command") or image_default_command())
        found.append(Container(f"compose {name}", entrypoint + command, role))
        probe = service.get("healthcheck", {}).get("test", [])
        if probe[:1] == ["CMD"] and probe[1:3] == ["python", "-m"]:
            found.append(Container(f"compose {name} healthcheck", tuple(probe[1:]), role))
    return found


def kustomized(directory: Path) -> list[dict[str, Any]]:
    """The manifests `kubectl kustomize` builds from a directory."""
    assert KUBECTL is not None
    result = subprocess.run(
        [KUBECTL, "kustomize", str(directory)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]


def _k8s_role(container: dict[str, Any]) -> str:
    keys = {
        env["valueFrom"]["secretKeyRef"]["key"]
        for env in container.get("env", [])
        if "secretKeyRef" in env.get("valueFrom", {})
    }
    databases = {key for key in keys if key.endswith("database-url")}
    if not databases:
        return "none"
    owners = {key for key in databases if key.endswith("-migration-database-url")}
    assert owners in (set(), databases), f"a container mixes roles: {sorted(databases)}"
    return "owner" if owners else "runtime"


def k8s_containers(documents: list[dict[str, Any]]) -> list[Container]:
    """Every command of the Kubernetes manifests: each container's, and each exec probe's."""
    found = []
    for document in documents:
        if document["kind"] not in ("Deployment", "Job", "CronJob", "StatefulSet"):
            continue
        pod = document["spec"]["template"]["spec"]
        for container in pod.get("initContainers", []) + pod["containers"]:
            where = f"{document['kind']} {document['metadata']['name']}/{container['name']}"
            role = _k8s_role(container)
            entrypoint = tuple(container.get("command") or image_entrypoint())
            args = tuple(container.get("args") or image_default_command())
            found.append(Container(where, entrypoint + args, role))
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                command = container.get(probe, {}).get("exec", {}).get("command")
                if command:
                    found.append(Container(f"{where} {probe}", tuple(command), role))
    return found


def _parsed(parser: Any, args: list[str]) -> Any:
    try:
        return parser.parse_args(args)
    except SystemExit as refused:
        raise UnknownCommand(" ".join(args)) from refused


def steps_of(argv: tuple[str, ...]) -> tuple[str, ...]:
    """What the project's command line does with `python -m <module> <args>`, step by step."""
    if argv[:2] != ("python", "-m") or len(argv) < 3:
        raise UnknownCommand(f"not `python -m <module> …`: {' '.join(argv)}")
    module, args = argv[2], list(argv[3:])
    if module == "services":
        from services.__main__ import IN_ORDER

        if args != ["prestart"]:
            raise UnknownCommand(" ".join(argv))
        return server.STEPS["prestart"] * len(IN_ORDER)
    if module.removeprefix("services.") in SERVICE_PACKAGES:
        name = module.removeprefix("services.")
        if name == "reminders" and args[:1] and args[0] in SCHEDULER_COMMANDS:
            if args[1:]:
                raise UnknownCommand(" ".join(argv))
            return (args[0],)
        return server.STEPS[_parsed(server.parser(name), args).command]
    if module == "dashboard" and not args:
        return ("dashboard",)
    raise UnknownCommand(f"no such command line: python -m {module}")
