"""Operations of the parties service: what each route does, between repository and views."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, or_
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from services.common.audit import Actor
from services.common.errors import Conflict, NotFound, Unprocessable
from services.parties import repository, snapshot
from services.parties.catalogue import ActionCatalogue
from services.parties.clients import ActionInfo
from services.parties.deadlines import Deadline, Extension, article5_deadline
from services.parties.models import (
    Article5Extension,
    Article7Report,
    Commitment,
    CommitmentVersion,
    ExtensionRequest,
    Obligations,
    State,
    audit_log,
)
from services.parties.schemas import (
    ActionProgress,
    ActionProgressCounts,
    ActionProgressParty,
    Article7ReportCreate,
    Change,
    CommitmentPublic,
    CommitmentStatus,
    CommitmentUpdate,
    ExtensionAnalysis,
    ExtensionDecision,
    ExtensionRequestCreate,
    HistoryEntry,
    MembershipUpdate,
    ObligationsUpdate,
    PartyDeadline,
)
from services.parties.snapshot import Snapshot, end_of, start_of
from services.parties.views import Rules, deadlines_of, groups_for

MAX_EXTENSION_YEARS = 10  # Article 5.3: "a period of up to ten years"


@dataclass(frozen=True)
class Context:
    """What an operation needs besides the session: the day, the rules, the catalogue."""

    today: date
    now: datetime
    rules: Rules
    catalogue: ActionCatalogue


def check_as_of(context: Context, as_of: date) -> None:
    """Refuse (422) a day the records cannot be replayed to."""
    if as_of < context.rules.records_begin:
        raise Unprocessable(
            f"as_of ({as_of}) is before the records begin ({context.rules.records_begin})."
        )
    if as_of > context.today:
        raise Unprocessable(f"as_of ({as_of}) is after today ({context.today}).")


def view(session: Session, context: Context, as_of: date | None) -> Snapshot:
    """Return the records now, or replayed to the end of `as_of`."""
    if as_of is None:
        return snapshot.current(session, today=context.today)
    check_as_of(context, as_of)
    return snapshot.as_of(session, day=as_of)


# ---------------------------------------------------------------- commitments


def applicable_actions(view_: Snapshot, state: State, context: Context) -> list[ActionInfo]:
    """Return the actions that bind a party on the view's day, by number."""
    groups = groups_for(view_, state, context.rules)
    actions = context.catalogue.actions()
    return [actions[n] for n in sorted(actions) if actions[n].applies_to in groups]


def applicable_action(view_: Snapshot, state: State, context: Context, number: int) -> ActionInfo:
    """Return one action that binds the party, or raise NotFound."""
    groups = groups_for(view_, state, context.rules)
    return binding_action(state.iso3, groups, context.catalogue, number)


def binding_action(
    iso3: str, groups: frozenset[str], catalogue: ActionCatalogue, number: int
) -> ActionInfo:
    """Return the action if its group holds the party (given the party's groups), else 404."""
    action = catalogue.action(number)
    if action.applies_to not in groups:
        raise NotFound(
            f"Action #{number} binds {action.applies_to}, which does not include {iso3}."
        )
    return action


def commitment_public(
    iso3: str, action: ActionInfo, row: Commitment | CommitmentVersion | None
) -> CommitmentPublic:
    """Shape a commitment; one never written is `not_started` at version 0."""
    if row is None:
        return CommitmentPublic(
            iso3=iso3,
            action_number=action.number,
            applies_to=action.applies_to,
            status=CommitmentStatus.NOT_STARTED,
            target_date=None,
            narrative="",
            evidence_url=None,
            version=0,
            updated_at=None,
            updated_by=None,
        )
    updated_at = row.updated_at if isinstance(row, Commitment) else row.recorded_at
    updated_by = row.updated_by if isinstance(row, Commitment) else row.recorded_by
    return CommitmentPublic(
        iso3=iso3,
        action_number=action.number,
        applies_to=action.applies_to,
        status=CommitmentStatus(row.status),
        target_date=row.target_date,
        narrative=row.narrative,
        evidence_url=row.evidence_url,
        version=row.version,
        updated_at=updated_at,
        updated_by=updated_by,
    )


def commitments_of(
    session: Session, view_: Snapshot, state: State, context: Context, as_of: date | None
) -> list[CommitmentPublic]:
    """Return a party's commitments on every action that binds it."""
    stored = _stored_commitments(session, iso3=state.iso3, as_of=as_of)
    return party_commitments(
        state.iso3, groups_for(view_, state, context.rules), context.catalogue.actions(), stored
    )


def party_commitments(
    iso3: str, groups: frozenset[str], actions: dict[int, ActionInfo], stored: dict[int, Any]
) -> list[CommitmentPublic]:
    """A party's commitment on every action whose group it belongs to, by action number."""
    return [
        commitment_public(iso3, actions[n], stored.get(n))
        for n in sorted(actions)
        if actions[n].applies_to in groups
    ]


def _stored_commitments(session: Session, *, iso3: str, as_of: date | None) -> dict[int, Any]:
    if as_of is None:
        return repository.commitments_of(session, iso3=iso3)
    rows = _versions_as_of(session, as_of=as_of, where=[CommitmentVersion.iso3 == iso3])
    return {row.action_number: row for row in rows}


def _versions_as_of(session: Session, *, as_of: date, where: list[Any]) -> list[CommitmentVersion]:
    """The latest version of each commitment recorded by the end of `as_of`."""
    latest = (
        select(
            CommitmentVersion.iso3,
            CommitmentVersion.action_number,
            func.max(CommitmentVersion.version).label("version"),
        )
        .where(col(CommitmentVersion.recorded_at) < end_of(as_of), *where)
        .group_by(col(CommitmentVersion.iso3), col(CommitmentVersion.action_number))
        .subquery()
    )
    return list(
        session.exec(
            select(CommitmentVersion).join(
                latest,
                (col(CommitmentVersion.iso3) == latest.c.iso3)
                & (col(CommitmentVersion.action_number) == latest.c.action_number)
                & (col(CommitmentVersion.version) == latest.c.version),
            )
        ).all()
    )


def commitment_values(update: CommitmentUpdate) -> dict[str, Any]:
    """The stored fields of a commitment update."""
    return {
        "status": update.status.value,
        "target_date": update.target_date,
        "narrative": update.narrative,
        "evidence_url": str(update.evidence_url) if update.evidence_url else None,
    }


def save_commitment(
    session: Session,
    *,
    iso3: str,
    action: ActionInfo,
    update: CommitmentUpdate,
    expected_version: int,
    actor: Actor,
    at: datetime,
) -> CommitmentPublic:
    """Write a commitment (the caller checked the key and the precondition)."""
    row = repository.save_commitment(
        session,
        iso3=iso3,
        action_number=action.number,
        values=commitment_values(update),
        expected_version=expected_version,
        actor=actor,
        at=at,
    )
    return commitment_public(iso3, action, row)


def commitment_history(session: Session, *, iso3: str, action_number: int) -> list[HistoryEntry]:
    """Return every change of a commitment, oldest first."""
    rows = (
        session.execute(
            core_select(audit_log)
            .where(
                audit_log.c.entity == "commitment",
                audit_log.c.entity_id == f"{iso3}:{action_number}",
            )
            .order_by(audit_log.c.id)
        )
        .mappings()
        .all()
    )
    return [
        HistoryEntry(
            version=r["version"],
            operation=r["operation"],
            occurred_at=r["occurred_at"],
            actor=r["actor"],
            actor_role=r["actor_role"],
            before=r["before"],
            after=r["after"],
        )
        for r in rows
    ]


# ---------------------------------------------------------------- CSV


CSV_COLUMNS = [
    "iso3",
    "action",
    "applies_to",
    "status",
    "target_date",
    "narrative",
    "evidence_url",
    "version",
    "updated_at",
]
IMPORT_COLUMNS = {"action", "status", "target_date", "narrative", "evidence_url", "version"}
FORMULA_PREFIXES = ("=", "+", "-", "@")


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
        writer.writerow(
            [
                _cell(v)
                for v in (
                    row.iso3,
                    row.action_number,
                    row.applies_to,
                    row.status.value,
                    row.target_date,
                    row.narrative,
                    row.evidence_url,
                    row.version,
                    row.updated_at,
                )
            ]
        )
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
    for line, raw in enumerate(reader, start=2):
        row, row_errors = _import_row(line, raw, applicable, seen)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    if errors:
        raise Unprocessable(
            f"{len(errors)} problem(s) in the CSV; nothing was applied.", extra={"errors": errors}
        )
    if not rows:
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
    try:
        update = CommitmentUpdate(
            status=(raw.get("status") or "").strip(),
            target_date=(raw.get("target_date") or "").strip() or None,
            narrative=_uncell(raw.get("narrative") or ""),
            evidence_url=(raw.get("evidence_url") or "").strip() or None,
        )
    except ValidationError as exc:
        return None, [
            {"row": line, "field": ".".join(str(p) for p in e["loc"]), "msg": e["msg"]}
            for e in exc.errors()
        ]
    return ImportRow(line, applicable[int(number_text)], update, int(version_text)), []


def import_commitments(
    session: Session, *, iso3: str, rows: list[ImportRow], actor: Actor, at: datetime
) -> list[CommitmentPublic]:
    """Apply validated rows in the request's transaction; a stale version fails the whole import."""
    stored = repository.commitments_of(session, iso3=iso3)
    current = {number: row.version for number, row in stored.items()}
    stale = [
        {
            "row": r.line,
            "field": "version",
            "msg": f"version {r.version} is stale (current {current.get(r.action.number, 0)})",
        }
        for r in rows
        if current.get(r.action.number, 0) != r.version
    ]
    if stale:
        raise Conflict(
            f"{len(stale)} row(s) carry a stale version; nothing was applied.",
            extra={"errors": stale},
        )
    return [
        save_commitment(
            session,
            iso3=iso3,
            action=r.action,
            update=r.update,
            expected_version=r.version,
            actor=actor,
            at=at,
        )
        for r in rows
    ]


# ---------------------------------------------------------------- progress and changes


def action_progress(
    session: Session, view_: Snapshot, context: Context, number: int, as_of: date | None
) -> ActionProgress:
    """For one action: the parties it binds and how far each has got."""
    if as_of is None:
        stored: dict[str, Any] = repository.commitments_for_action(session, action_number=number)
    else:
        versions = _versions_as_of(
            session, as_of=as_of, where=[CommitmentVersion.action_number == number]
        )
        stored = {row.iso3: row for row in versions}
    return progress_of_action(view_, context, number, stored)


def progress_of_action(
    view_: Snapshot, context: Context, number: int, stored: dict[str, Any]
) -> ActionProgress:
    """One action's progress, from its commitments by party (the latest version of each)."""
    action = context.catalogue.action(number)
    bound = [s for s in view_.parties() if action.applies_to in groups_for(view_, s, context.rules)]
    parties = [_progress_party(state, stored.get(state.iso3)) for state in bound]
    counts = Counter(p.status.value for p in parties)
    return ActionProgress(
        action_number=number,
        applies_to=action.applies_to,
        applicable_parties=len(bound),
        by_status={status.value: counts.get(status.value, 0) for status in CommitmentStatus},
        parties=parties,
    )


def all_progress(
    session: Session, view_: Snapshot, context: Context, as_of: date | None
) -> list[ActionProgressCounts]:
    """For every action: how many parties it binds and how many commitments are in each status."""
    groups = {s.iso3: groups_for(view_, s, context.rules) for s in view_.parties()}
    if as_of is None:
        rows: list[Any] = list(session.exec(select(Commitment)).all())
    else:
        rows = _versions_as_of(session, as_of=as_of, where=[])
    statuses = {(row.iso3, row.action_number): row.status for row in rows}
    return progress_counts(groups, statuses, context.catalogue.actions())


def progress_counts(
    groups: dict[str, frozenset[str]],
    statuses: dict[tuple[str, int], str],
    actions: dict[int, ActionInfo],
) -> list[ActionProgressCounts]:
    """Per action: the parties its group holds and how many commitments are in each status."""
    result = []
    for number in sorted(actions):
        action = actions[number]
        bound = [iso3 for iso3, member_of in groups.items() if action.applies_to in member_of]
        counts = Counter(statuses.get((iso3, number), "not_started") for iso3 in bound)
        result.append(
            ActionProgressCounts(
                action_number=number,
                applies_to=action.applies_to,
                applicable_parties=len(bound),
                by_status={s.value: counts.get(s.value, 0) for s in CommitmentStatus},
            )
        )
    return result


def all_deadlines(
    view_: Snapshot, rules: Rules, *, kind: str | None, status: str | None
) -> list[PartyDeadline]:
    """Every party's deadlines of one kind and/or status, by due date."""
    deadlines = {state.iso3: deadlines_of(view_, state, rules) for state in view_.parties()}
    return deadline_rows(view_, deadlines, kind=kind, status=status)


def deadline_rows(
    view_: Snapshot, deadlines: dict[str, list[Deadline]], *, kind: str | None, status: str | None
) -> list[PartyDeadline]:
    """The given deadlines of one kind and/or status, with their parties, by due date."""
    rows = [
        PartyDeadline(
            iso3=state.iso3,
            name=state.name,
            entry_into_force=state.entry_into_force,
            kind=d.kind.value,
            due=d.due,
            status=d.status.value,
            original_due=d.original_due,
            covers_year=d.covers_year,
            met_on=d.met_on,
            source=d.source,
        )
        for state in view_.parties()
        for d in deadlines.get(state.iso3, [])
        if (kind is None or d.kind.value == kind) and (status is None or d.status.value == status)
    ]
    return sorted(rows, key=lambda row: (row.due, row.iso3))


def _progress_party(
    state: State, row: Commitment | CommitmentVersion | None
) -> ActionProgressParty:
    if row is None:
        return ActionProgressParty(
            iso3=state.iso3,
            name=state.name,
            status=CommitmentStatus.NOT_STARTED,
            target_date=None,
            updated_at=None,
        )
    updated_at = row.updated_at if isinstance(row, Commitment) else row.recorded_at
    return ActionProgressParty(
        iso3=state.iso3,
        name=state.name,
        status=CommitmentStatus(row.status),
        target_date=row.target_date,
        updated_at=updated_at,
    )


def commitment_counts(session: Session, as_of: date | None) -> dict[str, int]:
    """How many commitments are in each status (latest versions), now or as of a day."""
    if as_of is None:
        rows = session.exec(
            select(Commitment.status, func.count()).group_by(col(Commitment.status))
        ).all()
        return dict(rows)
    return repository.status_counts_as_of(session, day=as_of)


def changes_since(
    session: Session,
    *,
    since: date,
    until: date | None,
    include_seed: bool,
    iso3: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[Change], int]:
    """Return the changes recorded from the start of `since`, oldest first."""
    conditions = [audit_log.c.occurred_at >= start_of(since)]
    if until is not None:
        conditions.append(audit_log.c.occurred_at < end_of(until))
    if not include_seed:
        conditions.append(audit_log.c.actor != "system")
    if iso3 is not None:
        conditions.append(_concerns(iso3))
    total = session.execute(
        select(func.count()).select_from(audit_log).where(*conditions)
    ).scalar_one()
    rows = (
        session.execute(
            core_select(audit_log)
            .where(*conditions)
            .order_by(audit_log.c.occurred_at, audit_log.c.id)
            .offset(offset)
            .limit(limit)
        )
        .mappings()
        .all()
    )
    return [_change(row) for row in rows], total


def _concerns(iso3: str) -> Any:
    """An audit row about one state: its own rows, its keyed records, its extension requests."""
    return or_(
        audit_log.c.entity_id == iso3,
        audit_log.c.entity_id.startswith(f"{iso3}:", autoescape=True),
        audit_log.c.after["iso3"].as_string() == iso3,
    )


def _change(row: Any) -> Change:
    before, after = row["before"] or {}, row["after"] or {}
    fields = sorted(
        k
        for k in set(before) | set(after)
        if before.get(k) != after.get(k) and k not in ("version", "updated_at", "updated_by")
    )
    return Change(
        occurred_at=row["occurred_at"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        operation=row["operation"],
        version=row["version"],
        actor=row["actor"],
        actor_role=row["actor_role"],
        fields=fields,
    )


# ---------------------------------------------------------------- obligations, membership


def update_obligations(
    session: Session, *, iso3: str, update: ObligationsUpdate, actor: Actor, at: datetime
) -> None:
    """Record a party's own progress report on its obligations."""
    obligations = repository.get_obligations(session, iso3=iso3)
    source = f"reported by {iso3} through the API on {at.date().isoformat()}"
    if update.evidence_url:
        source += f" ({update.evidence_url})"
    values: dict[str, Any] = {
        "mines_retained": update.article3_mines_retained,
        "mines_destroyed": update.article4_mines_destroyed,
        "area_released_m2": update.article5_area_released_m2,
        "article9_status": update.article9_status.value if update.article9_status else None,
        "in_a_position_to_assist": update.in_a_position_to_assist,
        "needs_article5_extension": update.needs_article5_extension,
    }
    values.update(_sources(obligations, values, source))
    values.update(_completions(obligations, update, source))
    repository.update_versioned(
        session,
        obligations,
        entity="obligations",
        entity_id=iso3,
        values=values,
        actor=actor,
        at=at,
    )


def _sources(obligations: Any, values: dict[str, Any], source: str) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    if values["mines_retained"] != obligations.mines_retained:
        changed["mines_retained_source"] = source if values["mines_retained"] is not None else None
    if values["article9_status"] != obligations.article9_status:
        changed["article9_source"] = source if values["article9_status"] is not None else None
    return changed


def _completions(obligations: Any, update: ObligationsUpdate, source: str) -> dict[str, Any]:
    """Completion dates a party reports; a completion, once recorded, is not withdrawn here."""
    values: dict[str, Any] = {}
    if update.article4_completed_on is not None:
        if obligations.article4_status == "no_stockpiles":
            raise Unprocessable("The records say this party holds no stockpiles to complete.")
        values.update(
            article4_status="completed",
            article4_completed_on=update.article4_completed_on,
            article4_source=source,
        )
    if update.article5_completed_on is not None:
        if not obligations.article5_applies:
            raise Unprocessable("The records say this party has no Article 5 obligations.")
        values.update(
            article5_completed=True,
            article5_completed_on=update.article5_completed_on,
            article5_source=source,
        )
    return values


def update_membership(
    session: Session, *, state: State, update: MembershipUpdate, actor: Actor, at: datetime
) -> None:
    """Record a change of membership (an accession, a correction) — admins only."""
    if update.status.value == "party" and update.entry_into_force is None:
        raise Unprocessable("A State Party needs its entry_into_force date.")
    values = {
        "status": update.status.value,
        "deposit_date": update.deposit_date,
        "entry_into_force": update.entry_into_force,
        "membership_source": update.source,
        "membership_verified": True,
    }
    repository.update_versioned(
        session, state, entity="state", entity_id=state.iso3, values=values, actor=actor, at=at
    )
    if update.status.value == "party" and session.get(Obligations, state.iso3) is None:
        _open_obligations(session, iso3=state.iso3, actor=actor, at=at)


def _open_obligations(session: Session, *, iso3: str, actor: Actor, at: datetime) -> None:
    """A new party owes everything; what it holds and reports is not known until it says so."""
    obligations = Obligations(
        iso3=iso3,
        article4_status="not_reported",
        article4_source="a new State Party: its stockpiles are not yet reported",
        article7_initial_submitted=False,
        article7_initial_source="a new State Party: its initial report is not yet recorded",
        updated_at=at,
        updated_by=actor.id,
    )
    session.add(obligations)
    session.flush()
    repository.audit(
        session,
        entity="obligations",
        entity_id=iso3,
        version=obligations.version,
        before=None,
        after=obligations.model_dump(mode="json"),
        actor=actor,
        at=at,
    )


# ---------------------------------------------------------------- Article 7


def record_report(
    session: Session,
    *,
    iso3: str,
    body: Article7ReportCreate,
    actor: Actor,
    at: datetime,
    today: date,
) -> Article7Report:
    """Record a submitted transparency report."""
    if body.submitted_on > today:
        raise Unprocessable(f"submitted_on ({body.submitted_on}) is after today ({today}).")
    if body.period != "initial" and int(body.period) >= body.submitted_on.year:
        raise Unprocessable(f"A report covering {body.period} cannot be submitted before it ends.")
    if repository.get_report(session, iso3=iso3, period=body.period) is not None:
        raise Conflict(f"{iso3}'s report for {body.period} is already recorded.")
    report = Article7Report(
        iso3=iso3,
        period=body.period,
        submitted_on=body.submitted_on,
        link=str(body.link) if body.link else None,
        recorded_at=at,
        recorded_by=actor.id,
    )
    session.add(report)
    session.flush()
    repository.audit(
        session,
        entity="article7_report",
        entity_id=f"{iso3}:{body.period}",
        version=1,
        before=None,
        after=report.model_dump(mode="json"),
        actor=actor,
        at=at,
    )
    return report


# ---------------------------------------------------------------- Article 5 extension requests


def current_article5_deadline(session: Session, state: State) -> date:
    """Return the party's Article 5 deadline now (the latest extension's, else EIF + 10 years)."""
    assert state.entry_into_force is not None
    extensions = [
        Extension(e.extended_deadline, e.granted_on, e.granted_at, e.source)
        for e in repository.extensions_of(session, iso3=state.iso3)
    ]
    return article5_deadline(state.entry_into_force, extensions)


def submit_request(
    session: Session, *, state: State, body: ExtensionRequestCreate, actor: Actor, at: datetime
) -> ExtensionRequest:
    """File an Article 5 extension request."""
    obligations = repository.get_obligations(session, iso3=state.iso3)
    if not obligations.article5_applies or obligations.article5_completed:
        raise Unprocessable(f"{state.iso3} has no Article 5 clearance obligation left to extend.")
    if repository.has_pending_request(session, iso3=state.iso3):
        raise Conflict(f"{state.iso3} already has an extension request awaiting a decision.")
    current = current_article5_deadline(session, state)
    _check_extension(current, body.requested_deadline)
    request = ExtensionRequest(
        iso3=state.iso3,
        current_deadline=current,
        requested_deadline=body.requested_deadline,
        explanation=body.explanation,
        implications=body.implications,
        other_information=body.other_information,
        status="submitted",
        submitted_at=at,
        submitted_by=actor.id,
        updated_at=at,
    )
    session.add(request)
    session.flush()
    repository.audit(
        session,
        entity="extension_request",
        entity_id=str(request.id),
        version=request.version,
        before=None,
        after=request.model_dump(mode="json"),
        actor=actor,
        at=at,
    )
    return request


def _check_extension(current: date, requested: date) -> None:
    if requested <= current:
        raise Unprocessable(
            f"The requested deadline ({requested}) must be after the current one ({current})."
        )
    limit = current.replace(year=current.year + MAX_EXTENSION_YEARS)
    if requested > limit:
        raise Unprocessable(
            f"Article 5.3 allows up to ten years: at most {limit}, not {requested}."
        )


def analyse_request(
    session: Session,
    *,
    request: ExtensionRequest,
    body: ExtensionAnalysis,
    actor: Actor,
    at: datetime,
) -> None:
    """Record the analysis of a request (admins, for the group mandated to analyse it)."""
    if request.status not in repository.PENDING_REQUEST_STATUSES:
        raise Conflict(f"Request {request.id} was already decided ({request.status}).")
    repository.update_versioned(
        session,
        request,
        entity="extension_request",
        entity_id=str(request.id),
        values={"analysis": body.analysis, "status": "under_analysis"},
        actor=actor,
        at=at,
    )


def decide_request(
    session: Session,
    *,
    request: ExtensionRequest,
    state: State,
    body: ExtensionDecision,
    actor: Actor,
    at: datetime,
) -> None:
    """Record the meeting's decision; a grant moves the party's Article 5 deadline."""
    if request.status not in repository.PENDING_REQUEST_STATUSES:
        raise Conflict(f"Request {request.id} was already decided ({request.status}).")
    granted = body.granted_deadline or request.requested_deadline
    values: dict[str, Any] = {
        "status": body.decision.value,
        "decided_at": body.decided_at,
        "decided_on": body.decided_on,
    }
    if body.decision.value == "granted":
        current = current_article5_deadline(session, state)
        _check_extension(current, granted)
        values["granted_deadline"] = granted
        extension = Article5Extension(
            iso3=state.iso3,
            original_deadline=current,
            extended_deadline=granted,
            granted_at=body.decided_at,
            granted_on=body.decided_on,
            source=f"extension request {request.id}, decision recorded through the API",
            verified=True,
            request_id=request.id,
            recorded_at=at,
        )
        session.add(extension)
        session.flush()
        repository.audit(
            session,
            entity="article5_extension",
            entity_id=f"{state.iso3}:{granted}",
            version=1,
            before=None,
            after=extension.model_dump(mode="json"),
            actor=actor,
            at=at,
        )
    repository.update_versioned(
        session,
        request,
        entity="extension_request",
        entity_id=str(request.id),
        values=values,
        actor=actor,
        at=at,
    )
