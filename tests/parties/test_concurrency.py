"""Concurrent writers with If-Match lose no update; history is complete."""

from __future__ import annotations

import threading

from tests.parties.conftest import PartiesApi


def test_concurrent_writers_lose_no_update(writable: PartiesApi) -> None:
    path = "/parties/NIC/commitments/1"
    accepted: list[int] = []
    refused: list[int] = []
    unexpected: list[str] = []
    lock = threading.Lock()

    def writer(worker: int) -> None:
        for attempt in range(15):
            read = writable.client.get(path)
            response = writable.client.put(
                path,
                json={"status": "in_progress", "narrative": f"worker {worker} attempt {attempt}"},
                headers={**writable.nicaragua, "If-Match": read.headers["etag"]},
            )
            with lock:
                if response.status_code == 200:
                    accepted.append(response.json()["version"])
                elif response.status_code == 412:
                    refused.append(worker)
                else:
                    unexpected.append(f"{response.status_code} {response.text}")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert unexpected == []
    final = writable.client.get(path).json()
    # Every accepted write made exactly one version; no two writers got the same one.
    assert sorted(accepted) == list(range(1, len(accepted) + 1))
    assert final["version"] == len(accepted)
    history = writable.client.get(f"{path}/history").json()
    assert [entry["version"] for entry in history] == list(range(1, len(accepted) + 1))
    assert len(accepted) + len(refused) == 60


def test_history_is_complete_after_mixed_writes_and_rejections(writable: PartiesApi) -> None:
    path = "/parties/NIC/commitments/23"
    etag = writable.client.get(path).headers["etag"]
    writes = [
        ({"status": "in_progress"}, writable.nicaragua, etag, 200),
        ({"status": "completed"}, writable.nicaragua, etag, 412),  # stale
        ({"status": "completed"}, writable.ukraine, None, 403),  # foreign key
        ({"status": "completed", "version": 9}, writable.nicaragua, None, 422),  # mass assignment
    ]
    for body, headers, tag, expected in writes:
        tag = tag or writable.client.get(path).headers["etag"]
        response = writable.client.put(path, json=body, headers={**headers, "If-Match": tag})
        assert response.status_code == expected, response.text
    tag = writable.client.get(path).headers["etag"]
    assert (
        writable.client.put(
            path, json={"status": "completed"}, headers={**writable.admin, "If-Match": tag}
        ).status_code
        == 200
    )
    history = writable.client.get(f"{path}/history").json()
    assert [(h["version"], h["after"]["status"]) for h in history] == [
        (1, "in_progress"),
        (2, "completed"),
    ]
