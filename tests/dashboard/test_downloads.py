"""The dashboard's downloads: the Excel file holds the table as shown, text stays text."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl

from dashboard.downloads import to_csv, to_xlsx

ROWS = [
    {"State": "Nicaragua", "Due": date(2010, 5, 1), "Mines": 1004, "Met": True, "Note": None},
    {
        "State": "Ukraine",
        "Due": date(2010, 6, 1),
        "Mines": 6_664_125,
        "Met": False,
        "Note": '=HYPERLINK("http://evil.example")',
        "Recorded": datetime(2010, 4, 1, 9, tzinfo=UTC),
    },
]


def test_the_workbook_holds_the_table_and_no_formula() -> None:
    rows = [{**ROWS[0], "Recorded": None}, ROWS[1]]
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(rows, "Stockpiles: deadlines?"))).active
    assert sheet is not None and sheet.title == "Stockpiles  deadlines"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("State", "Due", "Mines", "Met", "Note", "Recorded")
    assert values[1][:4] == ("Nicaragua", datetime(2010, 5, 1), 1004, True)
    note = sheet["E3"]
    assert (note.value, note.data_type) == ('=HYPERLINK("http://evil.example")', "s")
    assert values[2][5] == "2010-04-01T09:00:00+00:00"


def test_the_csv_holds_the_same_table() -> None:
    rows = [{**ROWS[0], "Recorded": None}, ROWS[1]]
    lines = to_csv(rows).splitlines()
    assert lines[0] == "State,Due,Mines,Met,Note,Recorded"
    assert lines[1] == "Nicaragua,2010-05-01,1004,True,,"
