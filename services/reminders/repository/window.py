"""A window of a listing: one page of rows, and how many rows the whole listing holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

Row = TypeVar("Row", bound=SQLModel)


def window(
    session: Session,
    model: type[Row],
    *,
    where: Sequence[Any],
    order_by: Sequence[Any],
    limit: int,
    offset: int,
) -> tuple[Sequence[Row], int]:
    """Return the rows of `model` that match `where`, in order, from `offset`; and their count."""
    total = session.exec(select(func.count()).select_from(model).where(*where)).one()
    rows = session.exec(
        select(model).where(*where).order_by(*order_by).limit(limit).offset(offset)
    ).all()
    return rows, total
