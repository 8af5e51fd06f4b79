"""Commitments as CSV: the export, and the import validated whole before anything applies."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import Response
from pydantic import ValidationError

from services.common.errors import Unprocessable
from services.parties.actions_client import ActionInfo
from services.parties.schemas import COMMITMENT_FIELDS, CommitmentPublic, CommitmentUpdate

# Derived from the commitment's one field list: a new field is a new column, in and out.
CSV_COLUMNS = ["iso3", "action", "applies_to", *COMMITMENT_FIELDS, "version", "updated_at"]
IMPORT_COLUMNS = {"action", *COMMITMENT_FIELDS, "version"}
FORMULA_PREFIXES = ("=", "+", "-", "@")


class CsvResponse(Response):
    """A CSV download: its media type in the OpenAPI document, and in the answer."""

    media_type = "text/csv"
    charset = "utf-8"


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A leading = + - @ would run as a formula in a spreadsheet: quote it, as OWASP advises.
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


def commitments_csv(rows: Iterable[CommitmentPublic]) -> str:
    """Render commitments as CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        written = (getattr(row, name) for name in COMMITMENT_FIELDS)
        values = (
            row.iso3,
            row.action_number,
            row.applies_to,
            *written,
            row.version,
            row.updated_at,
        )
        writer.writerow([_cell(v) for v in values])
    return buffer.getvalue()


@dataclass(frozen=True)
class ImportRow:
    line: int
    action: ActionInfo
    update: CommitmentUpdate
    version: int


def parse_import(text: str, *, applicable: dict[int, ActionInfo]) -> list[ImportRow]:
    """Validate a whole CSV upload; raise 422 listing every bad row, or return every row."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"action", "status", "version"} - set(reader.fieldnames or [])
    unknown = set(reader.fieldnames or []) - IMPORT_COLUMNS - {"iso3", "applies_to", "updated_at"}
    if missing or unknown:
        raise Unprocessable(
            f"The CSV header must have action, status and version; missing {sorted(missing)}, "
            f"unknown {sorted(unknown)}."
        )
    rows: list[ImportRow] = []
    errors: list[dict[str, Any]] = []
    seen: set[int] = set()
    lines = 0
    for line, raw in enumerate(reader, start=2):
        lines += 1
        row, row_errors = _import_row(line, raw, applicable, seen)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    if errors:
        raise Unprocessable(
            f"{len(errors)} problem(s) in the CSV; nothing was applied.", extra={"errors": errors}
        )
    if not lines:
        raise Unprocessable("The CSV has no rows.")
    return rows


def _import_row(
    line: int, raw: dict[str, str | None], applicable: dict[int, ActionInfo], seen: set[int]
) -> tuple[ImportRow | None, list[dict[str, Any]]]:
    def error(field: str, message: str) -> list[dict[str, Any]]:
        return [{"row": line, "field": field, "msg": message}]

    if None in raw:
        return None, error("", "the row has more cells than the header")
    number_text, version_text = (
        (raw.get("action") or "").strip(),
        (raw.get("version") or "").strip(),
    )
    if not number_text.isdigit() or int(number_text) not in applicable:
        return None, error("action", f"{number_text!r} is not an action that binds this party")
    if int(number_text) in seen:
        return None, error("action", f"action {number_text} appears twice")
    seen.add(int(number_text))
    if not version_text.isdigit():
        return None, error("version", "must be the version you read (0 for a new commitment)")
    # An empty cell is an absent field: its default applies, or a required one is missing.
    cells = {name: _uncell(raw.get(name) or "").strip() for name in COMMITMENT_FIELDS}
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
