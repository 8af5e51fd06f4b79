"""A small app built from services.common alone, to test the shared pieces on their own."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Annotated

import httpx
from fastapi import APIRouter, FastAPI, Header, Request, Response
from sqlmodel import Field, Session, SQLModel, col, func, select

from services.common.app import create_service_app
from services.common.audit import audit_table, record_change
from services.common.auth import (
    AdminPrincipal,
    CurrentPrincipal,
    OptionalPrincipal,
    ensure_may_write_state,
)
from services.common.db import SessionDep, new_registry
from services.common.errors import Conflict, NotFound
from services.common.etag import json_with_etag, require_if_match, version_etag
from services.common.http_client import ServiceClient
from services.common.pagination import Page, PageDep
from services.common.settings import ServiceSettings
from services.common.types import Label

registry = new_registry()
metadata = registry.metadata
audit_log = audit_table(metadata)


class Table(SQLModel, registry=registry):
    pass


class Note(Table, table=True):
    __tablename__ = "notes"

    id: int | None = Field(default=None, primary_key=True)
    state: str = Field(max_length=3)
    text: str
    version: int = 1


class NoteIn(SQLModel):
    model_config = {"extra": "forbid"}

    state: str = Field(min_length=3, max_length=3)
    text: Label


class NoteUpdate(SQLModel):
    model_config = {"extra": "forbid"}

    text: Label


class NoteOut(SQLModel):
    id: int
    state: str
    text: str
    version: int


router = APIRouter()


def _get(session: Session, note_id: int) -> Note:
    note = session.get(Note, note_id)
    if note is None:
        raise NotFound(f"There is no note {note_id}.")
    return note


def _out(note: Note) -> NoteOut:
    assert note.id is not None
    return NoteOut(id=note.id, state=note.state, text=note.text, version=note.version)


def _etag(note: Note) -> str:
    return version_etag("note", note.id or 0, note.version)


@router.get("/notes", response_model=Page[NoteOut])
def list_notes(session: SessionDep, page: PageDep) -> Page[NoteOut]:
    total = session.exec(select(func.count()).select_from(Note)).one()
    notes = session.exec(
        select(Note).order_by(col(Note.id)).offset(page.offset).limit(page.limit)
    ).all()
    return Page.of([_out(n) for n in notes], total=total, params=page)


@router.get("/notes/{note_id}")
def read_note(request: Request, session: SessionDep, note_id: int) -> Response:
    note = _get(session, note_id)
    return json_with_etag(request, _out(note), etag=_etag(note))


@router.post("/notes", status_code=201, response_model=NoteOut)
def create_note(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    body: NoteIn,
    fail_after_write: Annotated[bool, Header()] = False,
) -> NoteOut:
    ensure_may_write_state(principal, body.state)
    note = Note(state=body.state.upper(), text=body.text)
    session.add(note)
    session.flush()
    record_change(
        session,
        audit_log,
        actor=principal.actor,
        at=request.app.state.clock.now(),
        entity="note",
        entity_id=str(note.id),
        operation="create",
        version=1,
        before=None,
        after=note.model_dump(mode="json"),
    )
    if fail_after_write:
        # Both the note and its audit row were written: the error must undo both.
        raise Conflict("Asked to fail after writing.")
    return _out(note)


@router.put("/notes/{note_id}", response_model=NoteOut)
def update_note(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    note_id: int,
    body: NoteUpdate,
) -> NoteOut:
    note = _get(session, note_id)
    ensure_may_write_state(principal, note.state)
    require_if_match(request, _etag(note))
    before = note.model_dump(mode="json")
    note.text = body.text
    note.version += 1
    session.flush()
    record_change(
        session,
        audit_log,
        actor=principal.actor,
        at=request.app.state.clock.now(),
        entity="note",
        entity_id=str(note.id),
        operation="update",
        version=note.version,
        before=before,
        after=note.model_dump(mode="json"),
    )
    response.headers["ETag"] = _etag(note)
    return _out(note)


@router.put("/notes/{note_id}/checked")
def check_note(
    request: Request,
    session: SessionDep,
    principal: AdminPrincipal,
    note_id: int,
    check_with: Annotated[str, Header()],
    check_first: Annotated[bool, Header()] = False,
) -> dict[str, bool]:
    """Ask another service or a second session about a note: before the transaction begins
    (`check-first`), or inside it, which the write-transaction guard refuses."""
    if check_first:
        _check(request, check_with)
    note = _get(session, note_id)
    note.text += " (checked)"
    session.flush()
    if not check_first:
        _check(request, check_with)
    return {"checked": True}


def _check(request: Request, how: str) -> None:
    if how == "network":
        transport = httpx.MockTransport(lambda r: httpx.Response(200, json={"ok": True}))
        with ServiceClient("http://elsewhere.test", transport=transport) as client:
            client.get_json("/ok")
    else:
        with Session(request.app.state.engine) as other:
            other.exec(select(func.count()).select_from(Note)).one()


@router.get("/principal")
def whoami(principal: OptionalPrincipal) -> dict[str, str | None]:
    if principal is None:
        return {"role": None, "state": None}
    return {"role": principal.role.value, "state": principal.state}


@router.delete("/notes", status_code=204)
def delete_all(session: SessionDep, principal: AdminPrincipal) -> None:
    for note in session.exec(select(Note)).all():
        session.delete(note)


@router.get("/today")
def today(request: Request) -> dict[str, str]:
    return {"today": request.app.state.clock.today().isoformat()}


# Set by a test to end a stall before its `times` are up (cleared by the next stall).
STOP_STALLING = threading.Event()


@router.post("/stall")
async def stall(seconds: float = 0.2, times: int = 1) -> dict[str, float]:
    """Hold the event loop (on purpose: what a standing queue does to it), `times` times over or
    until `STOP_STALLING` is set, letting it run what is ready in between."""
    STOP_STALLING.clear()
    done = 0
    while done < times and not STOP_STALLING.is_set():
        time.sleep(seconds)
        done += 1
        await asyncio.sleep(0)
    return {"stalled": seconds * done}


@router.get("/boom")
def boom() -> None:
    raise RuntimeError("secret internal detail /etc/passwd")


def create_app(settings: ServiceSettings) -> FastAPI:
    return create_service_app(
        settings=settings, title="test", description="test", version="0", routers=[router]
    )
