"""Commitments as Excel workbooks: the export opens in openpyxl as the CSV's table, and a state's
workbook goes back through the same import as its CSV (validation, stale versions, audit)."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from services.common.spreadsheets import XLSX
from services.parties.commitments.files import CSV_COLUMNS
from tests.factories import workbook_of
from tests.parties.conftest import PartiesApi, etag_of
from tests.parties.test_commitments import UPDATE, audit_count, put

HEADER = ["action", "status", "target_date", "narrative", "evidence_url", "version"]


def sheet_of(content: bytes) -> Worksheet:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def upload(api: PartiesApi, content: bytes, headers: dict[str, str]):
    return api.client.post(
        "/parties/NIC/commitments.xlsx",
        content=content,
        headers={**headers, "content-type": XLSX},
    )


def test_the_export_is_the_csv_s_table_and_comes_back_unchanged(writable: PartiesApi) -> None:
    path = "/parties/NIC/commitments/2"
    put(
        writable,
        path,
        {**UPDATE, "narrative": "=not a formula"},
        writable.nicaragua,
        etag_of(writable.client, path),
    )
    answer = writable.client.get("/parties/NIC/commitments.xlsx")
    assert answer.headers["content-type"] == XLSX
    assert 'filename="commitments-NIC.xlsx"' in answer.headers["content-disposition"]
    sheet = sheet_of(answer.content)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == CSV_COLUMNS
    csv_lines = writable.client.get("/parties/NIC/commitments.csv").text.splitlines()
    assert len(rows) == len(csv_lines)
    written = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == 2)
    by_column = dict(zip(CSV_COLUMNS, written, strict=True))
    # Text stays text: a narrative beginning with "=" is no formula in Excel.
    assert (by_column["narrative"].value, by_column["narrative"].data_type) == (
        "=not a formula",
        "s",
    )
    assert by_column["status"].value == "in_progress"
    assert by_column["version"].value == 1

    before = audit_count(writable.url)
    same = upload(writable, answer.content, writable.nicaragua)
    assert (same.status_code, same.json()) == (200, [])  # the export as it is writes nothing
    assert audit_count(writable.url) == before

    by_column["status"].value = "completed"
    buffer = io.BytesIO()
    assert sheet.parent is not None
    sheet.parent.save(buffer)
    changed = upload(writable, buffer.getvalue(), writable.nicaragua)
    assert changed.status_code == 200, changed.text
    assert [(c["action_number"], c["status"], c["version"]) for c in changed.json()] == [
        (2, "completed", 2)
    ]
    assert audit_count(writable.url) == before + 1
    kept = writable.client.get(path).json()
    assert (kept["narrative"], kept["target_date"]) == ("=not a formula", "2012-12-31")


def test_a_workbook_typed_by_hand_is_read_as_text(writable: PartiesApi) -> None:
    content = workbook_of(
        [HEADER, [2, "in_progress", date(2012, 12, 31), "Plan drafted", None, 0], [None] * 6]
    )
    answer = upload(writable, content, writable.nicaragua)
    assert answer.status_code == 200, answer.text
    recorded = writable.client.get("/parties/NIC/commitments/2").json()
    assert (recorded["target_date"], recorded["version"]) == ("2012-12-31", 1)


def test_a_bad_row_or_a_stale_version_applies_nothing(writable: PartiesApi) -> None:
    before = audit_count(writable.url)
    bad = upload(
        writable,
        workbook_of(
            [
                HEADER,
                [2, "in_progress", None, "ok", None, 0],
                [7, "in_progress", None, "does not bind NIC", None, 0],
                [23, "finished", None, "bad status", None, 0],
            ]
        ),
        writable.nicaragua,
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert [e["row"] for e in bad.json()["errors"]] == [3, 4]

    path = "/parties/NIC/commitments/2"
    put(writable, path, UPDATE, writable.nicaragua, etag_of(writable.client, path))
    written = audit_count(writable.url)
    stale = upload(
        writable,
        workbook_of(
            [
                HEADER,
                [23, "in_progress", None, None, None, 0],
                [2, "completed", None, None, None, 0],
            ]
        ),
        writable.nicaragua,
    )
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["field"] == "version"
    assert writable.client.get("/parties/NIC/commitments/23").json()["version"] == 0
    assert audit_count(writable.url) == written == before + 1


def test_a_file_that_is_not_a_workbook_is_422(writable: PartiesApi) -> None:
    for content in (b"action,status,version\n2,completed,0\n", b"PK\x03\x04 not a zip", b""):
        answer = upload(writable, content, writable.nicaragua)
        assert answer.status_code == 422, (content, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    assert writable.client.get("/parties/NIC/commitments/2").json()["version"] == 0


def test_another_state_s_key_cannot_upload(writable: PartiesApi) -> None:
    content = workbook_of([HEADER, [2, "completed", None, None, None, 0]])
    assert upload(writable, content, writable.ukraine).status_code == 403
    assert upload(writable, content, {}).status_code == 401
    assert writable.client.get("/parties/NIC/commitments/2").json()["version"] == 0


def test_every_party_s_commitments_download_as_one_workbook(writable: PartiesApi) -> None:
    sheet = sheet_of(writable.client.get("/commitments.xlsx").content)
    rows = list(sheet.iter_rows(values_only=True))
    csv_lines = writable.client.get("/commitments.csv").text.splitlines()
    assert len(rows) == len(csv_lines) > 1000
    assert {row[0] for row in rows[1:]} >= {"NIC", "UKR", "AFG"}


def test_the_isu_downloads_the_whole_record_set_as_one_workbook(writable: PartiesApi) -> None:
    answer = writable.client.get("/records.xlsx")
    assert answer.status_code == 200 and answer.headers["content-type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
    assert book.sheetnames == ["States", "Commitments", "Deadlines"]
    states = list(book["States"].iter_rows(values_only=True))
    assert len(states) == 1 + 195
    header = list(states[0])
    assert {"iso3", "name", "membership.status", "regions.un_region"} <= set(header)
    ukraine = dict(zip(header, next(r for r in states if r[0] == "UKR"), strict=True))
    assert ukraine["membership.status"] == "party"
    deadlines = list(book["Deadlines"].iter_rows(values_only=True))
    listed = writable.client.get("/deadlines", params={"limit": 1}).json()["total"]
    assert len(deadlines) == 1 + listed
    commitments = list(book["Commitments"].iter_rows(values_only=True))
    assert len(commitments) == len(writable.client.get("/commitments.csv").text.splitlines())
