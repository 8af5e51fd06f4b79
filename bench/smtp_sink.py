"""An SMTP server on loopback that counts what it receives (`python -m bench.smtp_sink PORT FILE`).

A process of its own, so that the sender being measured does not share its interpreter.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from aiosmtpd.controller import Controller


class Tally:
    """Append one line per message to a file."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("a", buffering=1)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 - aiosmtpd's name
        self._file.write("1\n")
        return "250 OK"


def main(port: int, path: Path) -> None:
    """Serve until SIGTERM."""
    controller = Controller(Tally(path), hostname="127.0.0.1", port=port)
    controller.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
