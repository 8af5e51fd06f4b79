"""A table of the dashboard as a file to download: CSV, or an Excel workbook.

The dashboard imports no service code, so it writes its workbooks here with openpyxl itself;
like the services' exports, every text cell is written as text, so a state's narrative that
begins with "=" never runs as a formula on a committee member's machine.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_LENGTH = 31  # Excel's limit


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Render rows (all with the same keys) as CSV text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def to_xlsx(rows: list[dict[str, Any]], title: str) -> bytes:
    """Render rows (all with the same keys) as a workbook of one sheet, its header bold and
    frozen."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(title))
    sheet.freeze_panes = "A2"
    header = [WriteOnlyCell(sheet, value=str(name)) for name in rows[0]]
    for cell in header:
        cell.font = Font(bold=True)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row.values()])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in a sheet's name.
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return cleaned[:SHEET_TITLE_LENGTH] or "Table"


def _cell(sheet: WriteOnlyWorksheet, value: object) -> Cell | object:
    if isinstance(value, datetime):
        value = value.isoformat()  # Excel has no time zones: an instant is written as text
    elif value is None or isinstance(value, int | float | date):
        return value  # numbers, booleans and dates are what Excel takes them for
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"  # never a formula
    return cell
