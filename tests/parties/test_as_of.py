"""`as_of` replays the records: different, correct summaries before and after a change."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from services.common.auth import Role
from tests.factories import bearer, create_key
from tests.parties.conftest import open_api, prepare_database


def test_summary_before_and_after_a_recorded_change(
    database_url: str, actions_client: TestClient
) -> None:
    prepare_database(database_url)
    ukraine = bearer(create_key(database_url, Role.STATE, "UKR"))
    nicaragua = bearer(create_key(database_url, Role.STATE, "NIC"))
    # On 2 July 2010 Ukraine reports its stockpile destroyed and Nicaragua a commitment.
    with open_api(database_url, actions_client, today=date(2010, 7, 2)) as client:
        etag = client.get("/parties/UKR/obligations").headers["etag"]
        response = client.put(
            "/parties/UKR/obligations",
            json={"article4_completed_on": "2010-07-01"},
            headers={**ukraine, "If-Match": etag},
        )
        assert response.status_code == 200, response.text
        etag = client.get("/parties/NIC/commitments/1").headers["etag"]
        client.put(
            "/parties/NIC/commitments/1",
            json={"status": "completed"},
            headers={**nicaragua, "If-Match": etag},
        )
    with open_api(database_url, actions_client, today=date(2010, 12, 1)) as client:
        before = client.get("/summary", params={"as_of": "2010-07-01"}).json()
        after = client.get("/summary", params={"as_of": "2010-07-02"}).json()
        now = client.get("/summary").json()
        old_progress = client.get("/actions/1/progress", params={"as_of": "2010-07-01"}).json()
        new_progress = client.get("/actions/1/progress", params={"as_of": "2010-07-02"}).json()
        old_ukraine = client.get("/states/UKR", params={"as_of": "2010-06-30"}).json()
    assert before["stockpile_destruction"]["still_destroying"]["value"] == 4
    assert after["stockpile_destruction"]["still_destroying"]["value"] == 3
    assert now["stockpile_destruction"]["still_destroying"]["value"] == 3
    assert before["commitments"]["by_status"] == {}
    assert after["commitments"]["by_status"] == {"completed": 1}
    assert old_progress["by_status"]["completed"] == 0
    assert new_progress["by_status"]["completed"] == 1
    assert old_ukraine["obligations"]["article4_status"] == "destroying"
    assert "article4_in_progress" in old_ukraine["groups"]
