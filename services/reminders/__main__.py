"""`python -m services.reminders [run|migrate|seed|setup|prestart|serve] [--port N]`;
`python -m services.reminders scheduler`, the process that syncs, plans and delivers; and
`python -m services.reminders scheduler-health`, its liveness probe."""

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from fastapi import FastAPI

from services.common.server import ServiceCommands, main
from services.common.settings import ServiceSettings
from services.reminders import scheduler
from services.reminders.main import create_app
from services.reminders.seed import seed
from services.reminders.settings import RemindersSettings


def _create_app(settings: ServiceSettings) -> FastAPI:
    return create_app(cast(RemindersSettings, settings))


COMMANDS = ServiceCommands(
    name="reminders",
    settings=RemindersSettings,
    migrations=Path(__file__).with_name("migrations"),
    seed=seed,
    create_app=_create_app,
)


# The scheduler's own commands, beside the shared ones of every service.
SCHEDULER_COMMANDS = ("scheduler", "scheduler-health")


def run(argv: Sequence[str]) -> int:
    """Run the scheduler, or the shared service commands."""
    if argv[:1] and argv[0] in SCHEDULER_COMMANDS:
        return scheduler.main(argv[0], argv[1:])
    return main(COMMANDS, argv)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
