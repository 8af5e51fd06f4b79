"""What every routes module of the parties service shares: the declared errors, the `as_of`
parameter, the context, the write marker, and `answer`, the one way to read the records."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request, Response
from sqlmodel import Session

from services.common.errors import NotFound
from services.common.etag import serialized_with_etag
from services.common.routes import (
    AUTHENTICATED,
    CONDITIONAL,
    PRECONDITIONS,
    Iso3,
    Responses,
    not_found,
)
from services.common.types import IsoDate
from services.parties.models import State
from services.parties.records.context import Context, check_as_of, snapshot_on
from services.parties.records.current import CurrentRecords
from services.parties.records.reading import Records, Replayed
from services.parties.records.replays import Replays
from services.parties.records.snapshot import Snapshot

UNCONDITIONAL_READ: Responses = {
    **not_found("Unknown state, party or action"),
    503: {"description": "The actions service's catalogue is unavailable (problem+json)"},
}
READ: Responses = {**UNCONDITIONAL_READ, **CONDITIONAL}  # answers an ETag, and 304 to it
WRITE: Responses = {**UNCONDITIONAL_READ, **AUTHENTICATED, **PRECONDITIONS}

AsOf = Annotated[
    IsoDate | None,
    Query(description="Replay the records to the end of this day (YYYY-MM-DD); default: now"),
]


async def context(request: Request) -> Context:
    """What every operation needs from the app: the day, the rules, the actions catalogue.

    `async` only so that FastAPI does not send it to its threadpool.
    """
    clock = request.app.state.clock
    return Context(
        today=clock.today(),
        now=clock.now(),
        rules=request.app.state.rules,
        catalogue=request.app.state.catalogue,
    )


ContextDep = Annotated[Context, Depends(context)]


def invalidates(request: Request) -> Iterator[None]:
    """After a write's response (and so after its commit), have reads reload the current records."""
    yield
    request.app.state.current.invalidate()


WRITES = Depends(invalidates)


async def party_groups(request: Request, iso3: Iso3) -> frozenset[str]:
    """The groups a party belongs to now, from the current records: whom an action binds.

    A dependency, so that GET and PUT decide "binds" the same way, and so that it runs before
    the request's session: loading the records takes a connection of its own, which a writer
    holding SQLite's write turn must never wait for.
    """
    current: CurrentRecords = request.app.state.current
    derived = await current.get()
    return derived.groups.get(iso3.upper(), frozenset())


PartyGroups = Annotated[frozenset[str], Depends(party_groups)]


async def current_records(request: Request) -> Records:
    """The current records (from memory; reloaded off the event loop when they changed)."""
    current: CurrentRecords = request.app.state.current
    return await current.get()


CurrentRecordsDep = Annotated[Records, Depends(current_records)]


async def answer(
    request: Request,
    ctx: Context,
    as_of: date | None,
    key: Hashable,
    build: Callable[[Records], object],
) -> Response:
    """Answer a read with what `build` makes of the records: now, from memory, or replayed to
    the end of `as_of`. A replay of a day before today never changes: it is cached under its key
    (`replays`)."""
    current: CurrentRecords = request.app.state.current
    if as_of is None:
        derived = await current.get()
        body, etag = await derived.document(key, lambda: build(derived))
        return serialized_with_etag(request, body, etag)
    check_as_of(ctx, as_of)
    await current.get()  # keeps the history's epoch up to date (from memory, mostly)

    def replay() -> object:
        with Session(request.app.state.engine) as session:
            return build(Replayed(session, snapshot_on(session, ctx, as_of), ctx.rules))

    past = (key, as_of, current.history_epoch) if as_of < ctx.today else None
    replays: Replays = request.app.state.replays
    body, etag = await replays.document(past, replay)
    return serialized_with_etag(request, body, etag)


def party_in(snapshot: Snapshot, code: str) -> State:
    """The State Party with this code in the snapshot, or 404 (unknown, or not party)."""
    state = snapshot.states.get(code)
    if state is None:
        raise NotFound(f"There is no state with ISO 3166 alpha-3 code {code!r}.")
    if state.status != "party":
        raise NotFound(f"{state.name} ({state.iso3}) is not a State Party.")
    return state
