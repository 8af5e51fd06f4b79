"""Writing from the browser (Chromium): a State Party's officer and a committee member sign in
with their keys and write through the dashboard, against services of this module's own (these
tests change the records)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.dashboard.conftest import dashboard_process, needs_chromium
from tests.factories import bearer, create_key
from tests.served import Services, start_services

pytestmark = needs_chromium
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def own_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    with ExitStack() as stack:
        yield start_services(stack, tmp_path_factory.mktemp("written"), ("actions", "parties"))


@pytest.fixture(scope="module")
def keys(own_services: Services) -> dict[str, str]:
    url = own_services.env["KEYS_DATABASE_URL"]
    return {
        "NIC": create_key(url, "state", "NIC", label="Nicaragua"),
        "committee": create_key(url, "committee", label="Coordinating Committee"),
    }


@pytest.fixture(scope="module")
def dashboard(own_services: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with dashboard_process(own_services.urls, tmp_path_factory.mktemp("dashboard")) as url:
        yield url


@pytest.fixture
def api(own_services: Services) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=own_services.urls["parties"], timeout=10) as client:
        yield client


def signed_in(browser: object, dashboard: str, key: str):
    """A fresh browser session on the Record page, signed in with `key`."""
    context = browser.new_context(viewport={"width": 1400, "height": 1200})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{dashboard}/record", wait_until="domcontentloaded")
    page.get_by_label("API key", exact=True).fill(key)
    page.get_by_role("button", name="Sign in to record").click()
    page.wait_for_selector("text=Signed in:")
    return context, page


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit select box labelled `label` (typed in: a long list draws
    only the options in view)."""
    page.locator('[data-testid="stSelectbox"]', has_text=label).first.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).first.click()
    settled(page)


def settled(page) -> None:
    """Wait until the page's script has run to its end (a choice reruns it)."""
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def commitment(api: httpx.Client, number: int) -> httpx.Response:
    return api.get(f"/parties/NIC/commitments/{number}")


def test_a_state_officer_updates_a_commitment_in_the_form(
    browser: object, dashboard: str, keys: dict[str, str], api: httpx.Client
) -> None:
    context, page = signed_in(browser, dashboard, keys["NIC"])
    page.wait_for_selector("text=Nicaragua (State Party)")
    # The key is in no address and no field once signed in.
    assert keys["NIC"] not in page.url and keys["NIC"] not in page.content()
    # A state key is offered its own State only.
    page.locator('[data-testid="stSelectbox"]', has_text="State").first.click()
    assert page.get_by_role("option").all_inner_texts() == ["Nicaragua"]
    page.keyboard.press("Escape")
    choose(page, "Action", "#1 —")
    choose(page, "Status", "in progress")
    page.get_by_label("Narrative").fill("Universalization démarches planned with three States.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=Saved: version 1.")
    saved = commitment(api, 1).json()
    assert saved["status"] == "in_progress"
    assert saved["narrative"] == "Universalization démarches planned with three States."
    assert saved["version"] == 1 and saved["updated_by"]
    context.close()


def test_a_stale_version_is_shown_beside_the_current_one_and_nothing_is_lost(
    browser: object, dashboard: str, keys: dict[str, str], api: httpx.Client
) -> None:
    context, page = signed_in(browser, dashboard, keys["NIC"])
    choose(page, "Action", "#2 —")
    page.get_by_label("Narrative").wait_for()
    # A colleague saves the same commitment with curl after the officer opened the form.
    opened = commitment(api, 2)
    theirs = {"status": "completed", "target_date": None, "narrative": "Done by a colleague."}
    headers = {**bearer(keys["NIC"]), "If-Match": opened.headers["etag"]}
    assert api.put("/parties/NIC/commitments/2", json=theirs, headers=headers).status_code == 200
    choose(page, "Status", "in progress")
    page.get_by_label("Narrative").fill("My own account of action #2.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=Not saved: this commitment was changed since you opened it")
    versions = page.locator('[data-testid="stDataFrame"]').last
    versions.wait_for()
    # What the officer typed is still in the form; the colleague's version is recorded.
    assert page.get_by_label("Narrative").input_value() == "My own account of action #2."
    assert commitment(api, 2).json()["narrative"] == "Done by a colleague."
    page.get_by_role("button", name="Save my version over version 1").click()
    page.wait_for_selector("text=Saved: version 2.")
    assert commitment(api, 2).json()["narrative"] == "My own account of action #2."
    history = api.get("/parties/NIC/commitments/2/history").json()
    assert [entry["after"]["narrative"] for entry in history][-2:] == [
        "Done by a colleague.",
        "My own account of action #2.",
    ]
    context.close()


def test_a_state_officer_uploads_the_commitments_file(
    browser: object,
    dashboard: str,
    keys: dict[str, str],
    api: httpx.Client,
    tmp_path: Path,
) -> None:
    exported = api.get("/parties/NIC/commitments.csv").text
    rows = list(csv.DictReader(io.StringIO(exported)))
    row = next(r for r in rows if r["action"] == "5")
    row.update(status="in_progress", narrative="Uploaded from the party's spreadsheet.")
    changed = io.StringIO()
    writer = csv.DictWriter(changed, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    upload = tmp_path / "commitments-NIC.csv"
    upload.write_text(changed.getvalue(), encoding="utf-8")
    context, page = signed_in(browser, dashboard, keys["NIC"])
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
    page.get_by_role("button", name="Import the file").click()
    page.wait_for_selector("text=Imported: 1 commitment changed.")
    assert commitment(api, 5).json()["narrative"] == "Uploaded from the party's spreadsheet."
    # The same file again carries a stale version now: refused whole, in the service's words.
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
    page.get_by_role("button", name="Import the file").click()
    page.wait_for_selector("text=carry a stale version; nothing was applied")
    context.close()


def test_a_committee_member_records_an_assessment(
    browser: object, dashboard: str, keys: dict[str, str], own_services: Services
) -> None:
    context, page = signed_in(browser, dashboard, keys["committee"])
    page.wait_for_selector("text=the Coordinating Committee")
    # A committee key writes no party's commitments: no such form is offered.
    assert page.get_by_role("button", name="Import the file").count() == 0
    choose(page, "Action", "Action #42")
    choose(page, "Assessment", "some progress")
    page.get_by_label("Period assessed").fill("2010")
    page.get_by_label("The committee's observations").fill("Two requests analysed on time.")
    page.get_by_role("button", name="Record the assessment").click()
    page.wait_for_selector("text=Recorded: the assessment of action #42.")
    recorded = httpx.get(f"{own_services.urls['actions']}/actions/42/assessments").json()
    assert [(a["status"], a["narrative"]) for a in recorded["items"]] == [
        ("some_progress", "Two requests analysed on time.")
    ]
    context.close()


def test_a_refused_write_says_why_field_by_field(
    browser: object, dashboard: str, keys: dict[str, str]
) -> None:
    context, page = signed_in(browser, dashboard, keys["NIC"])
    choose(page, "Action", "#3 —")
    page.get_by_label("Evidence (web address)").fill("not a web address")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=evidence_url:")
    assert page.get_by_label("Evidence (web address)").input_value() == "not a web address"
    context.close()


def test_a_wrong_key_signs_nobody_in(browser: object, dashboard: str) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{dashboard}/record", wait_until="domcontentloaded")
    page.get_by_label("API key", exact=True).fill("cm_000000000000_" + "x" * 43)
    page.get_by_role("button", name="Sign in to record").click()
    page.wait_for_selector("text=The API key is unknown or revoked.")
    assert page.locator("text=Signed in:").count() == 0
    context.close()


def test_a_state_officer_declares_its_state_in_a_position_to_assist(
    browser: object, dashboard: str, keys: dict[str, str], api: httpx.Client
) -> None:
    before = api.get("/parties/NIC/obligations").json()
    context, page = signed_in(browser, dashboard, keys["NIC"])
    group = page.locator('[data-testid="stRadio"]', has_text="Declares itself in a position")
    group.get_by_text("yes", exact=True).click()
    page.get_by_role("button", name="Save the declarations").click()
    page.wait_for_selector("text=Saved: the declarations of NIC.")
    after = api.get("/parties/NIC/obligations").json()
    assert after["in_a_position_to_assist"] is True
    # Everything else the party reported is sent back as recorded.
    unchanged = {
        k: v
        for k, v in after.items()
        if k not in ("in_a_position_to_assist", "updated_at", "version", "updated_by")
    }
    assert unchanged == {k: v for k, v in before.items() if k in unchanged}
    assert "in_a_position_to_assist" in api.get("/states/NIC").json()["groups"]
    context.close()
