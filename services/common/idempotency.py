"""`Idempotency-Key` on requests that create something: a retried POST creates nothing twice.

A client that did not get an answer (a timeout, a dropped connection) sends the same request
again with the same key. Per API key:
- same key, same request, already done → the first answer again (`Idempotent-Replayed: true`);
- same key, another request → 422, nothing done;
- same key while the first is still being processed (PostgreSQL) → 409, nothing done.

The key's record is written in the request's own transaction, with what it creates: either both
are there or neither. On SQLite writes are serialized, so a duplicate always finds the first one
finished. Keys are kept for `RETENTION`; after that the same key starts afresh.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common.audit import JSON_DOCUMENT
from services.common.auth import CurrentPrincipal
from services.common.db import SessionDep
from services.common.errors import Conflict, Unprocessable
from services.common.types import as_utc

Created = TypeVar("Created", bound=BaseModel)
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
RETENTION = timedelta(hours=24)
# Printable ASCII without spaces, as clients make them (UUIDs, ULIDs, random tokens).
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
# Headers worth replaying: where the created thing is and its version.
_REPLAYED_HEADERS = ("Location", "ETag")


def idempotency_table(metadata: MetaData) -> Table:
    """Declare the `idempotency_keys` table in a service's metadata."""
    return Table(
        "idempotency_keys",
        metadata,
        Column("key_id", String(64), primary_key=True),
        Column("idempotency_key", String(255), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("status_code", Integer, nullable=True),
        Column("response_body", Text, nullable=True),
        Column("response_headers", JSON_DOCUMENT, nullable=True),
    )


@dataclass(frozen=True)
class IdempotentRequest:
    """A creating request that carries an Idempotency-Key."""

    key_id: str
    key: str
    fingerprint: str


async def idempotent_request(
    request: Request,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            description="Any unique string (a UUID, say): a retry with the same key and body "
            "gets the first answer instead of creating a second record.",
        ),
    ] = None,
) -> IdempotentRequest | None:
    """Read the Idempotency-Key of a creating request, if it has one."""
    if idempotency_key is None:
        return None
    if not _VALID_KEY.match(idempotency_key):
        raise Unprocessable(f"{HEADER} must be 1 to 255 printable ASCII characters, no spaces.")
    body = await request.body()
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.url.path.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return IdempotentRequest(principal.key_id, idempotency_key, digest.hexdigest())


IdempotencyDep = Annotated[IdempotentRequest | None, Depends(idempotent_request)]


@dataclass(frozen=True)
class CreateOnce:
    """`once`, bound to one request: its session, its Idempotency-Key (if any), its response,
    and the service's table of kept answers (`app.state.idempotency_keys`)."""

    session: Session
    table: Table
    claim: IdempotentRequest | None
    now: datetime
    response: Response

    def __call__(self, create: Callable[[], Created], status_code: int = 201) -> Created | Response:
        return once(
            self.session,
            self.table,
            self.claim,
            now=self.now,
            response=self.response,
            create=create,
            status_code=status_code,
        )


async def create_once(
    request: Request, response: Response, session: SessionDep, claim: IdempotencyDep
) -> CreateOnce:
    """The request's `CreateOnce` (`async` only so that FastAPI keeps it off its threadpool)."""
    table: Table | None = request.app.state.idempotency_keys
    assert table is not None, "create_service_app(idempotency_keys=...) names the service's table"
    return CreateOnce(session, table, claim, request.app.state.clock.now(), response)


CreateOnceDep = Annotated[CreateOnce, Depends(create_once)]


def replay_or_claim(
    session: Session, table: Table, claim: IdempotentRequest | None, *, now: datetime
) -> Response | None:
    """Return the stored answer for a repeated request, or claim the key for this one.

    Call first thing in the request's transaction; if it returns None, do the work, then call
    `remember`.
    """
    if claim is None:
        return None
    mine = (table.c.key_id == claim.key_id) & (table.c.idempotency_key == claim.key)
    stored = session.execute(select(table).where(mine)).mappings().first()
    if stored is not None and as_utc(stored["created_at"]) < now - RETENTION:
        session.execute(delete(table).where(mine))
        stored = None
    if stored is not None:
        return _replay(stored, claim)
    try:
        with session.begin_nested():
            session.execute(
                insert(table).values(
                    key_id=claim.key_id,
                    idempotency_key=claim.key,
                    fingerprint=claim.fingerprint,
                    created_at=now,
                )
            )
    except IntegrityError as exc:
        # Another request with this key committed in between (PostgreSQL): it may still be
        # running its work when this one started, so it cannot be replayed here.
        raise Conflict(
            f"A request with this {HEADER} is being processed; send it again for its answer."
        ) from exc
    return None


def remember(
    session: Session,
    table: Table,
    claim: IdempotentRequest | None,
    *,
    status_code: int,
    body: BaseModel,
    headers: dict[str, str],
) -> None:
    """Store the answer to a claimed request, in its transaction, for any repetition."""
    if claim is None:
        return
    session.execute(
        update(table)
        .where((table.c.key_id == claim.key_id) & (table.c.idempotency_key == claim.key))
        .values(
            status_code=status_code,
            response_body=body.model_dump_json(),
            response_headers=_replayable(headers),
        )
    )


def once(
    session: Session,
    table: Table,
    claim: IdempotentRequest | None,
    *,
    now: datetime,
    response: Response,
    create: Callable[[], Created],
    status_code: int = 201,
) -> Created | Response:
    """Run `create` once per Idempotency-Key: a repetition gets the first answer back.

    `create` does the work, sets the response's headers, and returns the body.
    """
    replay = replay_or_claim(session, table, claim, now=now)
    if replay is not None:
        return replay
    created = create()
    remember(
        session,
        table,
        claim,
        status_code=status_code,
        body=created,
        headers=dict(response.headers),
    )
    return created


def _replayable(headers: dict[str, str]) -> dict[str, str]:
    lowered = {name.lower(): value for name, value in headers.items()}
    return {name: lowered[name.lower()] for name in _REPLAYED_HEADERS if name.lower() in lowered}


def _replay(stored: Any, claim: IdempotentRequest) -> Response:
    if stored["fingerprint"] != claim.fingerprint:
        raise Unprocessable(
            f"This {HEADER} was used for a different request; use a new key for a new request."
        )
    if stored["status_code"] is None:  # claimed, but the route kept no answer: never replay
        raise Conflict(f"The request with this {HEADER} left no answer to repeat.")
    headers = {**(stored["response_headers"] or {}), REPLAYED_HEADER: "true"}
    return Response(
        content=stored["response_body"],
        status_code=stored["status_code"],
        headers=headers,
        media_type="application/json",
    )
