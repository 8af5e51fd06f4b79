"""The soak's users: each a State Party with its own key, reading mostly and updating its own
commitments now and then (`make soak` runs it; see bench/soak.py)."""

from __future__ import annotations

import json
import os
import random
from itertools import count
from pathlib import Path

from locust import HttpUser, between, task

ACTIONS = os.environ["SOAK_ACTIONS_URL"]
PARTIES = os.environ["SOAK_PARTIES_URL"]
REMINDERS = os.environ["SOAK_REMINDERS_URL"]
KEYS: list[dict[str, str]] = json.loads(Path(os.environ["SOAK_KEYS_FILE"]).read_text())
_next_user = count()


class StateParty(HttpUser):
    """One State Party's staff: the dashboard-like reads, and its own commitment updates."""

    host = PARTIES
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        entry = KEYS[next(_next_user) % len(KEYS)]
        self.iso3 = entry["iso3"]
        self.auth = {"Authorization": f"Bearer {entry['key']}"}
        listed = self.client.get(
            f"{PARTIES}/parties/{self.iso3}/commitments?limit=500",
            name="/parties/{iso3}/commitments",
        ).json()
        self.actions = [item["action_number"] for item in listed["items"]] or [1]

    @task(8)
    def read(self) -> None:
        number = random.randint(1, 67)
        url, name = random.choice(
            [
                (f"{ACTIONS}/actions?limit=100", "/actions"),
                (f"{ACTIONS}/actions/{number}", "/actions/{n}"),
                (f"{PARTIES}/states/{self.iso3}", "/states/{iso3}"),
                (f"{PARTIES}/parties/{self.iso3}/deadlines", "/parties/{iso3}/deadlines"),
                (f"{PARTIES}/summary", "/summary"),
                (f"{REMINDERS}/events?limit=100", "/events"),
            ]
        )
        self.client.get(url, name=name)

    @task(2)
    def update_own_commitment(self) -> None:
        number = random.choice(self.actions)
        url = f"{PARTIES}/parties/{self.iso3}/commitments/{number}"
        name = "/parties/{iso3}/commitments/{n}"
        etag = self.client.get(url, name=name).headers.get("etag", "*")
        self.client.put(
            url,
            json={"status": random.choice(["in_progress", "completed"]), "narrative": "Soak."},
            headers={**self.auth, "If-Match": etag},
            name=name,
        )
