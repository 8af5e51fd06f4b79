"""Why a process cannot start, told in one line that names the setting to fix.

An operator starting a service with a wrong setting needs the variable and what is wrong with
it, not a traceback: every known way of failing to start (a setting that does not validate, a
database that does not answer) becomes a `StartupError`, printed as one line on stderr, exit
code 2. With `<PREFIX>LOG_LEVEL=DEBUG` the traceback follows the line.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError
from sqlalchemy.engine import make_url

from services.common.settings import ServiceSettings

logger = logging.getLogger(__name__)

EXIT_CODE = 2
Settings = TypeVar("Settings", bound=ServiceSettings)


class StartupError(Exception):
    """What keeps a process from starting, worded for the operator."""


def load_settings(factory: type[Settings]) -> Settings:
    """Read the settings from the environment; a setting that does not validate is named."""
    try:
        return factory()
    except ValidationError as exc:
        raise StartupError("; ".join(_described(factory, error) for error in exc.errors())) from exc


def _described(factory: type[ServiceSettings], error: object) -> str:
    assert isinstance(error, dict)
    message = str(error["msg"]).removeprefix("Value error, ")
    location = error.get("loc") or ()
    if not location:  # a rule across settings: its message names them
        return message
    return f"{factory.variable(str(location[0]))}: {message}"


def run_guarded(program: str, prefix: str, body: Callable[[], int]) -> int:
    """Run a command's body; a `StartupError` is one line on stderr and exit code 2."""
    try:
        return body()
    except StartupError as exc:
        print(f"{program}: cannot start: {exc}", file=sys.stderr)
        if os.environ.get(f"{prefix}LOG_LEVEL", "").upper() == "DEBUG":
            traceback.print_exc()
        return EXIT_CODE


def prepare_sqlite_folders(settings: ServiceSettings) -> None:
    """Make the folder of each SQLite database that has none yet, saying so in the log.

    SQLite would otherwise stop with "unable to open database file", naming neither the file
    nor the setting. Production refuses SQLite altogether (`production_problems`).
    """
    for field in ("database_url", "keys_database_url"):
        url = make_url(getattr(settings, field))
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            continue
        folder = Path(str(url.database)).parent
        if not folder.is_dir():
            logger.warning(
                "%s names a file in %s, a folder that does not exist: creating it",
                settings.variable(field),
                folder,
            )
            folder.mkdir(parents=True, exist_ok=True)
