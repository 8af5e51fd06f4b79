"""`python -m dashboard`: run the Streamlit dashboard with the settings' host and port."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dashboard.settings import DashboardSettings


def main() -> None:
    """Replace this process with `streamlit run dashboard/app.py`."""
    settings = DashboardSettings()
    app = Path(__file__).with_name("app.py")
    arguments = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        settings.host,
        "--server.port",
        str(settings.port),
        "--server.headless",
        "true",
        "--server.enableStaticServing",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.showErrorDetails",
        "none",
        "--client.toolbarMode",
        "minimal",
    ]
    os.execv(sys.executable, arguments)  # noqa: S606 - our own interpreter and app


if __name__ == "__main__":
    main()
