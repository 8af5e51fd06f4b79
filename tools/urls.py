"""Print where `make run` serves each process (from the same settings the processes read)."""

from __future__ import annotations

from dashboard.settings import DashboardSettings
from services.actions.settings import ActionsSettings
from services.parties.settings import PartiesSettings
from services.reminders.settings import RemindersSettings


def main() -> None:
    """Print one line per service."""
    actions, parties, dashboard = ActionsSettings(), PartiesSettings(), DashboardSettings()
    reminders = RemindersSettings()
    print("Cartagena Monitor is starting:")
    print(f"  actions API  http://{actions.host}:{actions.port}/actions   (docs: /docs)")
    print(f"  parties API  http://{parties.host}:{parties.port}/states    (docs: /docs)")
    print(
        f"  reminders    http://{reminders.host}:{reminders.port}/events    (docs: /docs, "
        "calendar: /calendar.ics)"
    )
    print(
        f"  scheduler    http://{reminders.host}:{reminders.scheduler_port}/healthz   (metrics: "
        "/metrics; syncs deadlines, plans and sends reminders)"
    )
    print(f"  dashboard    http://{dashboard.host}:{dashboard.port}/")
    print("Press Ctrl-C to stop everything.")


if __name__ == "__main__":
    main()
