"""The parties service's client of the actions service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.common.http_client import ServiceClient

PAGE = 500


@dataclass(frozen=True)
class ActionInfo:
    """What the parties service needs to know of an action: its number and whom it binds."""

    number: int
    applies_to: str
    section: str


class ActionsClient(ServiceClient):
    service_name = "actions"

    def fetch_catalogue(self) -> list[ActionInfo]:
        """Return every action of the current plan."""
        actions: list[ActionInfo] = []
        offset = 0
        while True:
            page: dict[str, Any] = self.get_json(
                "/actions", params={"limit": PAGE, "offset": offset}
            )
            actions.extend(_action(item) for item in page["items"])
            offset += PAGE
            if offset >= page["total"]:
                return actions


def _action(item: dict[str, Any]) -> ActionInfo:
    return ActionInfo(
        number=int(item["number"]),
        applies_to=str(item["actor_group"]["applies_to"]),
        section=str(item["section"]["number"]),
    )
