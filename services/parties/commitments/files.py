"""Commitments as CSV and Excel: the export, and the import validated whole before anything
applies. Both formats have the same columns and go through the same row validation; only the
reading of the file differs (`services.common.spreadsheets` reads a workbook as text)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from services.common.errors import Unprocessable
from services.common.spreadsheets import Sheet, Table, read_table, workbook
from services.parties.actions_client import ActionInfo
from services.parties.schemas import COMMITMENT_FIELDS, CommitmentPublic, CommitmentUpdate

# Derived from the commitment's one field list: a new field is a new column, in and out.
CSV_COLUMNS = ["iso3", "action", "applies_to", *COMMITMENT_FIELDS, "version", "updated_at"]
IMPORT_COLUMNS = {"action", *COMMITMENT_FIELDS, "version"}
FORMULA_PREFIXES = ("=", "+", "-", "@")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A leading = + - @ would run as a formula in a spreadsheet: quote it, as OWASP advises.
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


def _values(row: CommitmentPublic) -> list[object]:
    written = (getattr(row, name) for name in COMMITMENT_FIELDS)
    return [row.iso3, row.action_number, row.applies_to, *written, row.version, row.updated_at]


def commitments_csv(rows: Iterable[CommitmentPublic]) -> str:
    """Render commitments as CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(_plain(v)) for v in _values(row)])
    return buffer.getvalue()


def commitments_sheet(rows: Iterable[CommitmentPublic]) -> Sheet:
    """Commitments as a workbook's sheet: the CSV's columns, cells typed (text stays text)."""
    return Sheet("Commitments", CSV_COLUMNS, [[_plain(v) for v in _values(row)] for row in rows])


def commitments_xlsx(rows: Iterable[CommitmentPublic]) -> bytes:
    """Render commitments as an Excel workbook of one sheet."""
    return workbook([commitments_sheet(rows)])


def _plain(value: object) -> object:
    # An enum's value, not its name: the import reads back what the export wrote.
    return getattr(value, "value", value)


@dataclass(frozen=True)
class ImportRow:
    line: int
    action: ActionInfo
    update: CommitmentUpdate
    version: int


def parse_csv(text: str, *, applicable: dict[int, ActionInfo]) -> list[ImportRow]:
    """Validate a whole CSV upload; raise 422 listing every bad row, or return every row."""
    reader = csv.DictReader(io.StringIO(text))
    rows = [
        (line, {key: _csv_text(value) for key, value in raw.items()})
        for line, raw in enumerate(reader, start=2)
    ]
    table = Table(list(reader.fieldnames or []), rows)
    return parse_import(table, applicable=applicable, what="CSV", quoted=True)


def _csv_text(value: str | list[str] | None) -> str:
    if isinstance(value, list):  # the cells past the header's end
        return ",".join(value)
    return value or ""


def parse_xlsx(data: bytes, *, applicable: dict[int, ActionInfo]) -> list[ImportRow]:
    """Validate a whole .xlsx upload (its first sheet) exactly as a CSV one."""
    table = read_table(data, what="workbook")
    return parse_import(table, applicable=applicable, what="workbook", quoted=False)


def parse_import(
    table: Table, *, applicable: dict[int, ActionInfo], what: str, quoted: bool
) -> list[ImportRow]:
    """Validate every row of an upload; raise 422 listing every bad row, or return every row.
    `quoted`: cells may carry the quote the CSV export puts before a formula-like text."""
    _check_header(table.columns, what)
    rows: list[ImportRow] = []
    errors: list[dict[str, Any]] = []
    seen: set[int] = set()
    for line, raw in table.rows:
        row, row_errors = _import_row(line, raw, applicable, seen, quoted)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    if errors:
        raise Unprocessable(
            f"{len(errors)} problem(s) in the {what}; nothing was applied.",
            extra={"errors": errors},
        )
    if not table.rows:
        raise Unprocessable(f"The {what} has no rows.")
    return rows


def _check_header(columns: Sequence[str], what: str) -> None:
    missing = {"action", "status", "version"} - set(columns)
    unknown = set(columns) - IMPORT_COLUMNS - {"iso3", "applies_to", "updated_at"}
    if missing or unknown:
        raise Unprocessable(
            f"The {what}'s header must have action, status and version; missing "
            f"{sorted(missing)}, unknown {sorted(unknown)}."
        )


def _import_row(
    line: int,
    raw: dict[str | None, str],
    applicable: dict[int, ActionInfo],
    seen: set[int],
    quoted: bool,
) -> tuple[ImportRow | None, list[dict[str, Any]]]:
    def error(field: str, message: str) -> list[dict[str, Any]]:
        return [{"row": line, "field": field, "msg": message}]

    if None in raw:
        return None, error("", "the row has more cells than the header")
    number_text, version_text = raw.get("action", "").strip(), raw.get("version", "").strip()
    if not number_text.isdigit() or int(number_text) not in applicable:
        return None, error("action", f"{number_text!r} is not an action that binds this party")
    if int(number_text) in seen:
        return None, error("action", f"action {number_text} appears twice")
    seen.add(int(number_text))
    if not version_text.isdigit():
        return None, error("version", "must be the version you read (0 for a new commitment)")
    # An empty cell is an absent field: its default applies, or a required one is missing.
    unquote = _uncell if quoted else str
    cells = {name: unquote(raw.get(name, "")).strip() for name in COMMITMENT_FIELDS}
    if int(version_text) == 0 and not any(cells.values()):
        return None, []  # a commitment never written, left blank as exported: nothing to record
    try:
        update = CommitmentUpdate.model_validate(
            {name: text for name, text in cells.items() if text}
        )
    except ValidationError as exc:
        return None, [
            {"row": line, "field": ".".join(str(p) for p in e["loc"]), "msg": e["msg"]}
            for e in exc.errors()
        ]
    return ImportRow(line, applicable[int(number_text)], update, int(version_text)), []
