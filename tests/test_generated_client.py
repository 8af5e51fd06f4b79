"""A State Party's own system, as it would be built: a Python client generated from the parties
service's OpenAPI document by openapi-python-client, running a state's whole workflow against the
live service on loopback — no hand-written HTTP."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from services.common.auth import Role
from tests.factories import create_key
from tests.served import Services, start_services

GENERATOR = str(Path(sys.executable).with_name("openapi-python-client"))
GENERATOR = str(Path(sys.executable).with_name("openapi-python-client"))
# The generated package's name, and what the generator is told beyond the document.
PACKAGE = "parties_client"
CONFIG = f"""
package_name_override: {PACKAGE}
project_name_override: parties-client
post_hooks: []
"""


@pytest.fixture(scope="module")
def parties(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The actions and parties services of a state's workflow: writable, for this module only."""
    with ExitStack() as stack:
        yield start_services(stack, tmp_path_factory.mktemp("client"), ("actions", "parties"))


@pytest.fixture(scope="module")
def generated(parties: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The client package, generated from the live service's document into a temporary folder."""
    folder = tmp_path_factory.mktemp("generated")
    (folder / "openapi.json").write_bytes(
        httpx.get(f"{parties.urls['parties']}/openapi.json").content
    )
    (folder / "config.yml").write_text(CONFIG)
    result = subprocess.run(
        [
            GENERATOR,
            "generate",
            "--path",
            "openapi.json",
            "--config",
            "config.yml",
            "--meta",
            "none",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout  # every operation and schema generated
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _module(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


def test_a_state_reads_revalidates_updates_and_is_told_of_a_stale_version(
    parties: Services, generated: ModuleType
) -> None:
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
