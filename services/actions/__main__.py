"""`python -m services.actions [run|migrate|seed|setup|serve] [--port N]`."""

import sys
from pathlib import Path
from typing import cast

from fastapi import FastAPI

from services.actions.main import create_app
from services.actions.seed import seed
from services.actions.settings import ActionsSettings
from services.common.server import ServiceCommands, main
from services.common.settings import ServiceSettings


def _create_app(settings: ServiceSettings) -> FastAPI:
    return create_app(cast(ActionsSettings, settings))


COMMANDS = ServiceCommands(
    name="actions",
    settings=ActionsSettings,
    migrations=Path(__file__).with_name("migrations"),
    seed=seed,
    create_app=_create_app,
)

if __name__ == "__main__":
    sys.exit(main(COMMANDS))
