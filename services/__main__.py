"""`python -m services prestart`: prepare every service's database, in the order they depend on
each other (actions, parties, reminders): wait for it, migrate, seed, grant the runtime role.

The one-shot step of a deployment, run as the databases' owner before the services start
(docker-compose.yml's `migrate`). Each service reads its own settings, as its API would.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from services.actions.__main__ import COMMANDS as ACTIONS
from services.common.server import ServiceCommands
from services.common.server import main as run_service
from services.parties.__main__ import COMMANDS as PARTIES
from services.reminders.__main__ import COMMANDS as REMINDERS

# Parties reads the actions catalogue and reminders the parties' deadlines, once they serve.
IN_ORDER: tuple[ServiceCommands, ...] = (ACTIONS, PARTIES, REMINDERS)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `prestart` for every service in order; stop at the first that fails."""
    parser = argparse.ArgumentParser(
        prog="python -m services",
        description="prestart: wait for, migrate, seed and grant every service's database.",
    )
    parser.add_argument("command", choices=["prestart"])
    parser.parse_args(argv)
    for service in IN_ORDER:
        status = run_service(service, ["prestart"])
        if status != 0:
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main())
