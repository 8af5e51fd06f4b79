"""Concurrent writers with If-Match lose no update; history is complete."""

from __future__ import annotations

import threading

from fastapi import FastAPI

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


def test_if_match_star_is_refused_so_concurrent_writers_cannot_all_win(
    writable: PartiesApi,
) -> None:
    """`If-Match: *` matches whatever is there: twenty writers sending it would all overwrite
    each other. Each is refused (428) and says why; nothing is written."""
    path = "/parties/NIC/commitments/2"
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def writer(worker: int) -> None:
        response = writable.client.put(
            path,
            json={"status": "completed", "narrative": f"writer {worker}"},
            headers={**writable.nicaragua, "If-Match": "*"},
        )
        with lock:
            answers.append((response.status_code, response.json()["detail"]))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {status for status, _ in answers} == {428}
    assert all("If-Match: *" in detail for _, detail in answers)
    assert len(answers) == 20
    assert writable.client.get(path).json()["version"] == 0
    assert writable.client.get(f"{path}/history").json() == []


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


def test_writers_without_a_valid_key_are_refused_while_the_write_turn_is_taken(
    writable: PartiesApi,
) -> None:
    """On SQLite writers queue for one write turn; a caller without a valid key must not queue
    with them (and a valid one is looked up before it queues): it is answered at once."""
    path = "/parties/NIC/commitments/1"
    callers = {
        "no key": {},
        "unknown key": {"Authorization": "Bearer cm_unknown_0000000000000000"},
    }
    answers: dict[str, int] = {}

    def write_as(caller: str) -> None:
        body = {"status": "in_progress", "narrative": caller}
        headers = {**callers[caller], "If-Match": '"any"'}
        answers[caller] = writable.client.put(path, json=body, headers=headers).status_code

    app = writable.client.app
    assert isinstance(app, FastAPI)
    assert writable.client.portal is not None
    with writable.client.portal.wrap_async_context_manager(app.state.write_turn):
        threads = [threading.Thread(target=write_as, args=(c,)) for c in callers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        waiting = [c for c, thread in zip(callers, threads, strict=True) if thread.is_alive()]
        assert waiting == []
    assert answers == {"no key": 401, "unknown key": 401}
