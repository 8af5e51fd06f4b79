"""`python -m services.parties [run|migrate|seed|setup|serve] [--port N]`."""

import sys
from pathlib import Path
from typing import cast

from fastapi import FastAPI

from services.common.server import ServiceCommands, main
from services.common.settings import ServiceSettings
from services.parties.main import create_app
from services.parties.seed import seed
from services.parties.settings import PartiesSettings


def _create_app(settings: ServiceSettings) -> FastAPI:
    return create_app(cast(PartiesSettings, settings))


COMMANDS = ServiceCommands(
    name="parties",
    settings=PartiesSettings,
    migrations=Path(__file__).with_name("migrations"),
    seed=seed,
    create_app=_create_app,
)

if __name__ == "__main__":
    sys.exit(main(COMMANDS))
