"""Builders the tests share: migrated databases, API keys, auth headers, uploaded workbooks."""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from services.common import migrations
from services.common.auth import Role
from services.common.db import create_engine
from services.common.keys.store import MIGRATIONS as KEYS_MIGRATIONS
from services.common.keys.store import KeyStore


def migrate_keys(url: str) -> None:
    """Create the keys tables in a database."""
    migrations.upgrade(KEYS_MIGRATIONS, url)


def create_key(url: str, role: Role | str, state: str | None = None, label: str = "test") -> str:
    """Create an API key in the keys database at `url`; return its plaintext."""
    engine = create_engine(url)
    try:
        _, plaintext = KeyStore(engine).create(role=Role(role), state=state, label=label)
    finally:
        engine.dispose()
    return plaintext


def bearer(key: str) -> dict[str, str]:
    """Return the Authorization header for a key."""
    return {"Authorization": f"Bearer {key}"}


def workbook_of(rows: Sequence[Sequence[object]]) -> bytes:
    """Return an .xlsx file whose first sheet holds `rows`, as a person would type them."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
