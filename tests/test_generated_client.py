"""A State Party's own system, as it would be built: a Python client generated from the parties
service's OpenAPI document by openapi-python-client, running a state's whole workflow against the
live service on loopback — no hand-written HTTP."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from services.common.auth import Role
from tests.factories import create_key
from tests.served import Services, start_services

GENERATOR = str(Path(sys.executable).with_name("openapi-python-client"))
GENERATE = ("--path", "openapi.json", "--config", "config.yml", "--meta", "none")
GENERATOR = str(Path(sys.executable).with_name("openapi-python-client"))
GENERATE = ("--path", "openapi.json", "--config", "config.yml", "--meta", "none")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The three services, writable, for this module only."""
    with ExitStack() as stack:
        yield start_services(stack, tmp_path_factory.mktemp("client"))


@contextmanager
def client_of(served: Services, service: str, folder: Path) -> Iterator[ModuleType]:
    """The client package generated from a live service's document into `folder`."""
    package = f"{service}_client"
    (folder / "openapi.json").write_bytes(httpx.get(f"{served.urls[service]}/openapi.json").content)
    (folder / "config.yml").write_text(
        f"package_name_override: {package}\nproject_name_override: {service}-client\n"
        "post_hooks: []\n"
    )
    result = subprocess.run(
        [GENERATOR, "generate", *GENERATE],
        cwd=folder, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout  # every operation and schema generated
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == package or n.startswith(f"{package}.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def generated(served: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with client_of(served, "parties", tmp_path_factory.mktemp("parties")) as package:
        yield package


def _module(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


def test_a_state_reads_revalidates_updates_and_is_told_of_a_stale_version(
    served: Services, generated: ModuleType
) -> None:
    parties = served
    read_commitment = _module(generated, "api.commitments.read_commitment")
    update_commitment = _module(generated, "api.commitments.update_commitment")
    models = _module(generated, "models")
    key = create_key(parties.env["KEYS_DATABASE_URL"], Role.STATE, "NIC")
    client = generated.AuthenticatedClient(
        base_url=parties.urls["parties"], token=key, raise_on_unexpected_status=True
    )
    with client as nicaragua:
        first = read_commitment.sync_detailed(iso3="NIC", action=23, client=nicaragua)
        assert first.status_code == 200
        assert isinstance(first.parsed, models.CommitmentPublic)
        etag = first.headers["etag"]

        # The copy it holds is current: 304, declared, so no UnexpectedStatus.
        same = read_commitment.sync_detailed(
            iso3="NIC", action=23, client=nicaragua, if_none_match=etag
        )
        assert (same.status_code, same.parsed) == (304, None)

        update = models.CommitmentUpdate(
            status=models.CommitmentStatus.IN_PROGRESS,
            narrative="National plan for mine victims drafted with survivors' organisations.",
        )
        written = update_commitment.sync_detailed(
            iso3="NIC", action=23, client=nicaragua, body=update, if_match=etag
        )
        assert written.status_code == 200
        assert written.parsed.status == models.CommitmentStatus.IN_PROGRESS
        assert written.headers["etag"] != etag

        # A second write from the version it started from: refused, and the Problem is typed.
        stale = update_commitment.sync_detailed(
            iso3="NIC", action=23, client=nicaragua, body=update, if_match=etag
        )
        assert stale.status_code == 412
        assert isinstance(stale.parsed, models.Problem)
        assert (stale.parsed.status, stale.parsed.type_) == (412, "/problems/precondition-failed")
        assert stale.parsed.detail

        # A body that does not validate: a ValidationProblem listing the field at fault.
        too_long = models.CommitmentUpdate(
            status=models.CommitmentStatus.IN_PROGRESS, narrative="x" * 20_001
        )
        refused = update_commitment.sync_detailed(
            iso3="NIC", action=23, client=nicaragua, body=too_long, if_match=written.headers["etag"]
        )
        assert refused.status_code == 422
        assert isinstance(refused.parsed, models.ValidationProblem)
        assert refused.parsed.errors[0].loc[-1] == "narrative"


@pytest.mark.parametrize(
    ("service", "module", "call"),
    [
        ("actions", "api.actions.read_action", {"number": 42}),
        ("reminders", "api.events.read_event", {"event_id": 1}),
    ],
)
def test_a_client_is_generated_from_each_document_and_revalidates(
    served: Services, tmp_path: Path, service: str, module: str, call: dict[str, Any]
) -> None:
    with client_of(served, service, tmp_path) as package:
        read = _module(package, module)
        with package.Client(base_url=served.urls[service], raise_on_unexpected_status=True) as c:
            first = read.sync_detailed(client=c, **call)
            assert first.status_code == 200 and first.parsed is not None
            again = read.sync_detailed(client=c, if_none_match=first.headers["etag"], **call)
            assert (again.status_code, again.parsed) == (304, None)
