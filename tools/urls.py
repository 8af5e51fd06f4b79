"""Print where `make run` serves each process (from the same settings the processes read)."""

from __future__ import annotations

from services.actions.settings import ActionsSettings


def main() -> None:
    """Print one line per service."""
    actions = ActionsSettings()
    print("Cartagena Monitor is starting:")
    print(f"  actions API  http://{actions.host}:{actions.port}/actions   (docs: /docs)")
    print("Press Ctrl-C to stop everything.")


if __name__ == "__main__":
    main()
