"""The deadlines sync: every party's deadlines from the parties service become events.

Idempotent: a deadline is found again by its natural key (`deadline:{ISO3}:{kind}[:{year}]`), so a
second run with the same answers changes nothing. A moved due date (an extension granted) moves
the event and, through planning, its reminders; a met deadline cancels them. Everything is fetched
before anything is written: when the parties service fails midway, nothing changes and the run is
recorded as failed, to be tried again at the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from services.common import audit
from services.common.audit import Actor
from services.common.db import write_session
from services.common.errors import DomainError
from services.reminders.clients import PartiesClient, PartyDeadline, PartyDeadlines
from services.reminders.lease import Fence
from services.reminders.models import Event, SyncRun, audit_log
from services.reminders.repository import events as event_repository
from services.reminders.repository import locks
from services.reminders.schemas import EventKind

logger = logging.getLogger(__name__)
SYNC = Actor(id="parties-sync", role="system")
TITLES = {
    "article4_stockpile_destruction": "{name}: deadline to destroy stockpiled anti-personnel mines"
    " (Article 4)",
    "article5_clearance": "{name}: deadline to clear mined areas (Article 5)",
    "article7_initial_report": "{name}: initial transparency report due (Article 7.1)",
    "article7_annual_report": "{name}: transparency report covering {year} due (Article 7.2)",
    "action14_mined_area_perimeters": "{name}: perimeters of mined areas identified and reported"
    " (Cartagena Action Plan, Action #14)",
    "action34_national_plans": "{name}: national plans developed or updated and resources mapped"
    " (Cartagena Action Plan, Action #34)",
}


def deadline_key(iso3: str, kind: str, covers_year: int | None) -> str:
    """Return the natural key of a party's deadline."""
    return f"deadline:{iso3}:{kind}" + (f":{covers_year}" if covers_year is not None else "")


def deadline_title(name: str, deadline: PartyDeadline) -> str:
    """Return how a party's deadline is called in lists, messages and calendars."""
    template = TITLES.get(deadline.kind, "{name}: " + deadline.kind.replace("_", " ") + " deadline")
    return template.format(name=name, year=deadline.covers_year)


def sync_deadlines(
    engine: Engine,
    client: Callable[[], PartiesClient],
    *,
    now: Callable[[], datetime],
    fence: Fence | None = None,
) -> SyncRun:
    """Pull every party's deadlines and store them; a failure keeps what was there."""
    started = now()
    try:
        with client() as parties:
            fetched = parties.all_deadlines()
    except DomainError as exc:
        return _failed(engine, exc, started=started, now=now, fence=fence)
    return _store(engine, fetched, started=started, now=now, fence=fence)


def follow_deadlines(
    engine: Engine,
    client: Callable[[], PartiesClient],
    *,
    now: Callable[[], datetime],
    etag: str | None,
    fence: Fence | None = None,
) -> tuple[SyncRun | None, str | None]:
    """Sync only if the parties' deadlines changed since they had the entity tag `etag` (a
    conditional GET, answered 304 from memory when nothing moved): (None, etag) when they did
    not, else the run and the deadlines' new tag. Cheap enough to run every few seconds."""
    started = now()
    try:
        with client() as parties:
            found = parties.all_deadlines_if_changed(etag)
    except DomainError as exc:
        return _failed(engine, exc, started=started, now=now, fence=fence), etag
    if found is None:
        return None, etag
    fetched, new_etag = found
    return _store(engine, fetched, started=started, now=now, fence=fence), new_etag


def _failed(
    engine: Engine,
    exc: DomainError,
    *,
    started: datetime,
    now: Callable[[], datetime],
    fence: Fence | None,
) -> SyncRun:
    logger.warning("deadlines not synced: %s", exc.detail)
    failed = SyncRun(
        started_at=started, finished_at=now(), outcome="failed", detail=exc.detail[:1000]
    )
    return _record(engine, failed, fence)


def _store(
    engine: Engine,
    fetched: list[PartyDeadlines],
    *,
    started: datetime,
    now: Callable[[], datetime],
    fence: Fence | None,
) -> SyncRun:
    with write_session(engine, expire_on_commit=False) as session:
        if fence is not None:
            fence.check(session)
        changed = apply_deadlines(session, fetched, at=now())
        run = SyncRun(
            started_at=started,
            finished_at=now(),
            outcome="ok",
            parties=len(fetched),
            changed=changed,
        )
        session.add(run)
    logger.info("deadlines synced", extra={"parties": len(fetched), "changed": changed})
    return run


def _record(engine: Engine, run: SyncRun, fence: Fence | None) -> SyncRun:
    with write_session(engine, expire_on_commit=False) as session:
        if fence is not None:
            fence.check(session)
        session.add(run)
    return run


def apply_deadlines(session: Session, fetched: list[PartyDeadlines], *, at: datetime) -> int:
    """Insert new deadlines, update moved or met ones; return how many events changed."""
    locks.lock_sync(session)
    known = event_repository.events_by_key(session, prefix="deadline:")
    changed = 0
    for party in fetched:
        for deadline in party.deadlines:
            key = deadline_key(party.iso3, deadline.kind, deadline.covers_year)
            event = known.get(key)
            if event is None:
                audit.create_versioned(
                    session,
                    audit_log,
                    _new_event(key, party, deadline, at),
                    entity="event",
                    actor=SYNC,
                    at=at,
                )
                changed += 1
            elif _update(session, event, deadline, at):
                changed += 1
    return changed


def _status(deadline: PartyDeadline) -> str:
    return "met" if deadline.status == "met" else "scheduled"


def _source(iso3: str, deadline: PartyDeadline) -> str:
    return f"parties service, deadlines of {iso3}: {deadline.source}"


def _new_event(key: str, party: PartyDeadlines, deadline: PartyDeadline, at: datetime) -> Event:
    return Event(
        key=key,
        title=deadline_title(party.name, deadline),
        kind=EventKind.DEADLINE,
        starts_on=deadline.due,
        ends_on=deadline.due,
        iso3=party.iso3,
        source=_source(party.iso3, deadline),
        origin="parties",
        on_calendar=False,
        status=_status(deadline),
        unverified_because=deadline.unverified_because,
        created_at=at,
        updated_at=at,
        updated_by=SYNC.id,
    )


def _update(session: Session, event: Event, deadline: PartyDeadline, at: datetime) -> bool:
    """Follow a deadline that moved or was met; the title (the seed's, say) stays."""
    values: dict[str, object] = {
        "status": _status(deadline),
        "unverified_because": deadline.unverified_because,
    }
    if event.starts_on != deadline.due:
        assert event.iso3 is not None
        values |= {
            "starts_on": deadline.due,
            "ends_on": deadline.due,
            "source": _source(event.iso3, deadline),
        }
    return audit.update_versioned(
        session,
        audit_log,
        event,
        entity="event",
        entity_id=event.key,
        values=values,
        actor=SYNC,
        at=at,
        unless_unchanged=True,
    )
