"""The reminders service's client of the parties service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from pydantic import BaseModel, Field

from services.common.errors import UpstreamError
from services.common.http_client import ServiceClient
from services.reminders.settings import RemindersSettings


@dataclass(frozen=True)
class PartyDeadline:
    """One treaty deadline of a party, as the parties service reports it."""

    kind: str
    due: date
    status: str
    source: str
    covers_year: int | None
    unverified_because: str | None = None  # the parties service's reason, when unverified


@dataclass(frozen=True)
class PartyDeadlines:
    """A State Party's name and deadlines."""

    iso3: str
    name: str
    deadlines: tuple[PartyDeadline, ...]


class PartiesClient(ServiceClient):
    service_name = "parties"

    def all_deadlines(self) -> list[PartyDeadlines]:
        """Return every State Party's deadlines (`GET /deadlines`, page after page)."""
        rows, _ = self._deadline_pages()
        return _by_party(rows)

    def all_deadlines_if_changed(
        self, etag: str | None
    ) -> tuple[list[PartyDeadlines], str | None] | None:
        """Every party's deadlines and their tag, unless they still have `etag` (None then).

        The tag is the page tags, space-separated (an entity tag holds no space). Every page
        carries the list's total, so any change, a deadline added or moved, changes a page's tag.
        """
        if etag is not None and self._pages_unchanged(etag.split(" ")):
            return None
        rows, etags = self._deadline_pages()
        return _by_party(rows), " ".join(etags)

    def _pages_unchanged(self, etags: list[str]) -> bool:
        for index, etag in enumerate(etags):
            window = {"limit": DEADLINES_PAGE, "offset": index * DEADLINES_PAGE}
            if self.get_json_if_changed("/deadlines", etag=etag, params=window) is not None:
                return False
        return True

    def _deadline_pages(self) -> tuple[list[dict[str, Any]], list[str]]:
        rows: list[dict[str, Any]] = []
        etags: list[str] = []
        while True:
            window = {"limit": DEADLINES_PAGE, "offset": len(rows)}
            found = self.get_json_if_changed("/deadlines", etag=None, params=window)
            assert found is not None  # an unconditional GET is never 304
            page, etag = found
            with _expected_shape("/deadlines"):
                items, total = list(page["items"]), int(page["total"])
            rows.extend(items)
            etags.append(etag or "")
            if len(rows) >= total or not items:
                return rows, etags

    def state_codes(self) -> frozenset[str]:
        """Return the ISO-3 codes of every state the parties service lists (party or not)."""
        codes: set[str] = set()
        while True:
            page = self.get_model(
                "/states", _StatesPage, params={"limit": STATES_PAGE, "offset": len(codes)}
            )
            codes.update(state.iso3 for state in page.items)
            if len(codes) >= page.total or not page.items:
                return frozenset(codes)


STATES_PAGE = 500
DEADLINES_PAGE = 500


class _State(BaseModel):
    iso3: str = Field(pattern=r"^[A-Z]{3}$")


class _StatesPage(BaseModel):
    """The part of a `GET /states` page this service reads."""

    items: list[_State]
    total: int = Field(ge=0)


def _by_party(rows: list[dict[str, Any]]) -> list[PartyDeadlines]:
    grouped: dict[str, PartyDeadlines] = {}
    with _expected_shape("/deadlines"):
        for row in rows:
            iso3 = str(row["iso3"])
            party = grouped.get(iso3) or PartyDeadlines(iso3, str(row["name"]), ())
            grouped[iso3] = PartyDeadlines(iso3, party.name, (*party.deadlines, _deadline(row)))
    return list(grouped.values())


@contextmanager
def _expected_shape(path: str) -> Iterator[None]:
    """Turn a document of an unexpected shape into an upstream error."""
    try:
        yield
    except (KeyError, TypeError, ValueError) as exc:
        raise UpstreamError(
            f"The parties service answered {path} with an unexpected document ({exc!r})."
        ) from exc


def _deadline(item: dict[str, Any]) -> PartyDeadline:
    year = item.get("covers_year")
    return PartyDeadline(
        kind=str(item["kind"]),
        due=date.fromisoformat(item["due"]),
        status=str(item["status"]),
        source=str(item["source"]),
        covers_year=int(year) if year is not None else None,
        unverified_because=item.get("unverified_because"),
    )


def parties_client(
    settings: RemindersSettings,
    *,
    transport: httpx.BaseTransport | None = None,
    attempts: int = 3,
) -> PartiesClient:
    """Return a client of the parties service with the configured timeout."""
    timeout = httpx.Timeout(
        settings.parties_timeout_seconds, connect=min(2.0, settings.parties_timeout_seconds)
    )
    return PartiesClient(
        settings.parties_url, transport=transport, timeout=timeout, attempts=attempts
    )
