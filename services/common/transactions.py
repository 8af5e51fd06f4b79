"""Write transactions that wait for nothing outside themselves.

A transaction that writes holds locks: on SQLite the whole database's write turn, on PostgreSQL
the rows it touched. Whatever it waits for while open, every other writer waits for too. So
inside one, nothing may call another service or the network (it can take seconds, or never
answer), and nothing may open a second database session (on SQLite it waits for the very turn
this transaction holds, for the busy timeout, then fails). Both are refused here, loudly: the
request's or the job's write transaction is registered, and any network call or other
connection begun in the same context while it is open raises `NestedWork`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session


class NestedWork(RuntimeError):
    """Something would wait on the network or on a second session inside a write transaction."""


@dataclass(eq=False)
class WriteTransaction:
    """The one write session of a request or a job, and the connection its transaction holds."""

    session: Session
    connection: Any = None

    @property
    def open(self) -> bool:
        """Whether the session's transaction has begun and not yet ended."""
        return self.connection is not None and self.session.in_transaction()


_current: ContextVar[WriteTransaction | None] = ContextVar("write_transaction", default=None)


@contextmanager
def registered(session: Session) -> Iterator[WriteTransaction]:
    """Make `session` the write session of the current context for the block."""
    transaction = WriteTransaction(session)
    token = _current.set(transaction)
    try:
        yield transaction
    finally:
        _current.reset(token)


@event.listens_for(Session, "after_begin")
def _remember_the_connection(session: Session, _transaction: Any, connection: Any) -> None:
    transaction = _current.get()
    if transaction is not None and transaction.session is session:
        transaction.connection = connection


def ensure_outside_write_transaction(what: str) -> None:
    """Raise NestedWork when `what` (a network call) would run inside a write transaction."""
    transaction = _current.get()
    if transaction is not None and transaction.open:
        raise NestedWork(f"{what} inside a write transaction: do it before the session opens")


@event.listens_for(Engine, "begin")
def _refuse_a_second_connection(connection: Any) -> None:
    transaction = _current.get()
    if transaction is None or not transaction.open or connection is transaction.connection:
        return
    raise NestedWork(
        "a second database connection begun inside a write transaction: it would wait for the "
        "locks this transaction holds"
    )
