"""A stop (SIGTERM, SIGINT) that arrives while the scheduler is taking the lease, before any
job runs, is honoured: the scheduler gives the lease back and ends instead of running on."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.reminders import scheduler
from tests.reminders.conftest import prepare_database, settings_for


@pytest.fixture
def own_signal_handlers() -> Iterator[None]:
    """`scheduler.run` installs its handlers in this process: put pytest's back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@pytest.mark.timeout(60)
@pytest.mark.usefixtures("own_signal_handlers")
def test_a_stop_while_the_lease_is_being_taken_ends_the_scheduler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'reminders.db'}"
    prepare_database(url)
    settings = settings_for(url, parties_url="http://127.0.0.1:9")
    take = scheduler.Runtime.wait_for_lease

    def taken_as_the_signal_arrives(runtime: scheduler.Runtime) -> bool:
        held = take(runtime)
        runtime.stop.set()  # what the SIGTERM handler does, the scheduler not yet running
        return held

    monkeypatch.setattr(scheduler.Runtime, "wait_for_lease", taken_as_the_signal_arrives)
    # Before the fix this never returned: the scheduler started and ran until killed.
    assert scheduler.run(settings) == 0
    assert scheduler.health(settings) == 1  # the lease was given back
