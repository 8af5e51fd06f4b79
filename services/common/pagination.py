"""Offset pagination: `limit` (default 100, at most 500) and `offset`, and the page envelope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

DEFAULT_LIMIT = 100
MAX_LIMIT = 500

T = TypeVar("T")


@dataclass(frozen=True)
class PageParams:
    """The window of a list a client asked for."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0


async def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (1–{MAX_LIMIT}).")
    ] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
) -> PageParams:
    """Read `limit` and `offset`; a limit above the maximum is refused (422), not capped.

    `async` only so that FastAPI does not send this arithmetic to its threadpool.
    """
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    """One page of a list and the size of the whole list."""

    items: list[T]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, items: list[T], *, total: int, params: PageParams) -> Page[T]:
        """Wrap a window of items with the list's total."""
        return cls(items=items, total=total, limit=params.limit, offset=params.offset)
