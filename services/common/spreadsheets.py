"""Tables as spreadsheets: CSV and Excel (.xlsx) answers, and an uploaded workbook read back as
rows of text, so one import validates both formats alike.

openpyxl writes and reads the workbooks; with defusedxml installed beside it (it is in the lock),
openpyxl parses an uploaded file's XML without entity expansion. A text cell is always written as
text, never as a formula, so a narrative that begins with "=" stays words in Excel.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from fastapi import Response
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from pydantic import BaseModel

from services.common.errors import Unprocessable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An upload is a table a person filled in: far fewer rows and columns than this.
MAX_ROWS = 5000
MAX_COLUMNS = 64
SHEET_TITLE_LENGTH = 31  # Excel's limit


class CsvResponse(Response):
    """A CSV download: its media type in the OpenAPI document, and in the answer."""

    media_type = "text/csv"
    charset = "utf-8"


class XlsxResponse(Response):
    """An Excel workbook download."""

    media_type = XLSX


def attachment(response: Response, filename: str) -> Response:
    """Have browsers save the answer under `filename`."""
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its title, its header and its rows (one value per column)."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence[object]]


def sheet_of_models(title: str, rows: Sequence[BaseModel], model: type[BaseModel]) -> Sheet:
    """A sheet of API answers, one column per field: nested objects flattened into dotted
    columns (`membership.status`), lists joined into one cell."""
    flat = [_flatten(row.model_dump()) for row in rows]
    columns = list(_flatten(_example_shape(model)))
    for row in flat:  # a field whose nested object is absent on every row still gets columns
        columns.extend(name for name in row if name not in columns)
    return Sheet(title, columns, [[row.get(name) for name in columns] for row in flat])


def _example_shape(model: type[BaseModel]) -> dict[str, Any]:
    shape: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        nested = field.annotation
        is_model = isinstance(nested, type) and issubclass(nested, BaseModel)
        shape[name] = _example_shape(nested) if is_model else None  # type: ignore[arg-type]
    return shape


def _flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{name}."))
        elif isinstance(value, list | tuple | set | frozenset):
            flat[prefix + name] = "; ".join(str(item) for item in value)
        else:
            flat[prefix + name] = value
    return flat


def workbook(sheets: Iterable[Sheet]) -> bytes:
    """Write sheets into one .xlsx file: a bold, frozen header row, then the rows."""
    book = Workbook(write_only=True)
    for sheet in sheets:
        page = book.create_sheet(sheet.title[:SHEET_TITLE_LENGTH])
        page.freeze_panes = "A2"
        header = [WriteOnlyCell(page, value=name) for name in sheet.columns]
        for cell in header:
            cell.font = Font(bold=True)
        page.append(header)
        for row in sheet.rows:
            page.append([_cell(page, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(page: WriteOnlyWorksheet, value: object) -> Cell | object:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, datetime):
        # Excel has no time zones: an instant is written as its ISO 8601 text, in UTC.
        return _text(page, value.isoformat())
    if value is None or isinstance(value, int | float | date):
        return value  # numbers, booleans, dates and None are what Excel takes them for
    return _text(page, str(value))  # text, and what reads as text (a URL)


def _text(page: WriteOnlyWorksheet, value: str) -> Cell:
    cell = WriteOnlyCell(page, value=value)
    cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
    return cell


@dataclass(frozen=True)
class Table:
    """The first sheet of an uploaded workbook, as text: its header and its numbered rows (a row
    with more cells than the header has its extra cells under the key None, as `csv` does)."""

    columns: list[str]
    rows: list[tuple[int, dict[str | None, str]]]


def read_table(data: bytes, *, what: str) -> Table:
    """Read the first sheet of an .xlsx upload; 422 when it is not one, or is too large."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Unprocessable(f"The {what} is not an Excel workbook (.xlsx).") from exc
    try:
        if not book.worksheets:
            raise Unprocessable(f"The {what} has no sheet.")
        lines = book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = _header(next(lines, ()))
        rows = list(_rows(lines, header, what))
    finally:
        book.close()
    return Table(header, rows)


def _header(cells: Sequence[Any]) -> list[str]:
    names = [_text_of(cell).strip() for cell in cells]
    while names and not names[-1]:
        names.pop()
    return names


def _rows(
    lines: Iterator[Sequence[Any]], header: list[str], what: str
) -> Iterator[tuple[int, dict[str | None, str]]]:
    for number, cells in enumerate(lines, start=2):
        if number > MAX_ROWS + 1:
            raise Unprocessable(f"The {what} has more than {MAX_ROWS} rows.")
        texts = [_text_of(cell) for cell in cells]
        if not any(text.strip() for text in texts):
            continue  # a blank line in a spreadsheet is no row
        row: dict[str | None, str] = dict(zip(header, texts[: len(header)], strict=False))
        if any(text.strip() for text in texts[len(header) :]):
            row[None] = " ".join(texts[len(header) :])
        yield number, row


def _text_of(value: Any) -> str:
    """A cell's value as the text a CSV would hold: dates ISO 8601, whole numbers without
    a decimal point, empty for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
