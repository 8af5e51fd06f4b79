"""The webhook signing secret: `setup` keeps one for development, so webhooks are signed and
sent under `make run` for recipients made before they had secrets of their own (see
test_webhook_secrets.py); production needs its own; a malformed one is refused before anything
starts."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook

from services.common.settings import PROJECT_ROOT
from services.reminders.channels import channels_for
from services.reminders.settings import RemindersSettings
from services.reminders.signing import check_signing_secret
from tests.reminders.conftest import a_digest
from tests.reminders.receivers import webhook_receiver
from tools.processes import python_module


def _setup(tmp_path: Path, secret_file: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m services.reminders setup`, as `make setup` runs it."""
    environment = {
        **os.environ,
        "REMINDERS_DATABASE_URL": f"sqlite:///{tmp_path / 'reminders.db'}",
        "KEYS_DATABASE_URL": f"sqlite:///{tmp_path / 'keys.db'}",
        "REMINDERS_DEVELOPMENT_WEBHOOK_SECRET_FILE": str(secret_file),
        **env,
    }
    environment.pop("REMINDERS_WEBHOOK_SECRET", None)
    return subprocess.run(
        python_module("services.reminders", "setup"),
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.timeout(300)
def test_setup_keeps_a_development_secret_once_and_webhooks_are_signed_with_it(
    tmp_path: Path,
) -> None:
    secret_file = tmp_path / "var" / "webhook-secret"
    first = _setup(tmp_path, secret_file)
    assert first.returncode == 0, first.stderr
    secret = secret_file.read_text().strip()
    check_signing_secret(secret)
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    again = _setup(tmp_path, secret_file)
    assert again.returncode == 0, again.stderr
    assert secret_file.read_text().strip() == secret  # never replaced: receivers trust it

    settings = RemindersSettings(
        database_url=f"sqlite:///{tmp_path / 'reminders.db'}",
        development_webhook_secret_file=secret_file,
    )
    assert settings.webhook_secret is not None
    channel = channels_for(settings)["webhook"]
    with webhook_receiver() as receiver:
        try:
            channel.send(a_digest(webhook_url=receiver.url))
        finally:
            channel.close()
        [received] = receiver.requests()
    Webhook(secret).verify(received.body, received.headers)  # raises if the signature is wrong


def test_production_never_uses_the_development_secret(tmp_path: Path) -> None:
    secret_file = tmp_path / "webhook-secret"
    secret_file.write_text("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n")
    settings = RemindersSettings(
        environment="production", development_webhook_secret_file=secret_file
    )
    assert settings.webhook_secret is None
    assert "REMINDERS_WEBHOOK_SECRET is missing or left at a default value" in (
        settings.production_problems()
    )


@pytest.mark.timeout(300)
def test_setup_outside_development_makes_no_secret(tmp_path: Path) -> None:
    secret_file = tmp_path / "webhook-secret"
    _setup(tmp_path, secret_file, ENVIRONMENT="test")
    assert not secret_file.exists()


@pytest.mark.parametrize(
    "secret",
    ["change-me", "whsec_", "whsec_not base64!", "whsec_c2hvcnQ=", "MfKQ9r8GKYqrTwjUPD8ILPZIo2La"],
)
def test_a_malformed_secret_is_refused(secret: str) -> None:
    with pytest.raises(ValueError, match="whsec_"):
        check_signing_secret(secret)
