"""HTTP routes of the parties service: validate, check the key, delegate, shape the response."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from fastapi.responses import PlainTextResponse
from sqlmodel import Session

from services.common.auth import AdminPrincipal, CurrentPrincipal, ensure_may_write_state
from services.common.db import SessionDep
from services.common.errors import NotFound, Unprocessable
from services.common.etag import (
    json_with_etag,
    require_if_match,
    serialized_with_etag,
    version_etag,
)
from services.common.idempotency import IdempotencyDep, once
from services.common.pagination import Page, PageDep
from services.common.types import IsoDate
from services.parties import repository, service
from services.parties.current import CurrentView, Derived
from services.parties.deadlines import DeadlineKind, DeadlineStatus
from services.parties.models import State, idempotency_keys
from services.parties.replays import Replays
from services.parties.schemas import (
    ActionProgress,
    ActionProgressCounts,
    Article7ReportCreate,
    Article7ReportPublic,
    Change,
    CommitmentPublic,
    CommitmentUpdate,
    DeadlinesPublic,
    ExtensionAnalysis,
    ExtensionDecision,
    ExtensionPublic,
    ExtensionRequestCreate,
    ExtensionRequestPublic,
    HistoryEntry,
    Membership,
    MembershipStatus,
    MembershipUpdate,
    ObligationsPublic,
    ObligationsUpdate,
    PartyDeadline,
    StateDetail,
    StateSummary,
)
from services.parties.service import Context
from services.parties.snapshot import Snapshot
from services.parties.summary import summarize
from services.parties.views import (
    deadline_public,
    deadlines_of,
    groups_for,
    obligations_public,
    state_matches,
    state_summary,
)

router = APIRouter()

Responses = dict[int | str, dict[str, Any]]
READ: Responses = {
    404: {"description": "Unknown state, party or action (problem+json)"},
    503: {"description": "The actions service's catalogue is unavailable"},
}
WRITE: Responses = {
    **READ,
    401: {"description": "No valid API key"},
    403: {"description": "This key may not change this state's data"},
    409: {"description": "Conflicts with recorded data"},
    412: {"description": "If-Match names a stale ETag"},
    428: {"description": "If-Match is required"},
}

Iso3 = Annotated[str, Path(pattern=r"^[A-Za-z]{3}$", description="ISO 3166 alpha-3 code, e.g. NIC")]
ActionNumber = Annotated[int, Path(ge=1, le=10_000)]
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
    """After a write's response (and so after its commit), have reads rebuild the current view."""
    yield
    request.app.state.current.invalidate()


WRITES = Depends(invalidates)


async def answer(
    request: Request,
    ctx: Context,
    as_of: date | None,
    key: Hashable,
    current: Callable[[Derived], object],
    replayed: Callable[[Snapshot], object] | None = None,
    *,
    replayed_with_session: Callable[[Session, Snapshot], object] | None = None,
) -> Response:
    """Answer a read from the in-memory current view, or by replaying the records to `as_of`.

    A replay of a day before today never changes: it is cached under its key (`replays`).
    """
    view: CurrentView = request.app.state.current
    if as_of is None:
        derived = await view.get()
        body, etag = await derived.document(key, lambda: current(derived))
        return serialized_with_etag(request, body, etag)
    service.check_as_of(ctx, as_of)
    await view.get()  # keeps the history's epoch up to date (from memory, mostly)

    def replay() -> object:
        with Session(request.app.state.engine) as session:
            snapshot_ = service.view(session, ctx, as_of)
            if replayed_with_session is not None:
                return replayed_with_session(session, snapshot_)
            assert replayed is not None
            return replayed(snapshot_)

    past = (key, as_of, view.history_epoch) if as_of < ctx.today else None
    replays: Replays = request.app.state.replays
    body, etag = await replays.document(past, replay)
    return serialized_with_etag(request, body, etag)


# ---------------------------------------------------------------- states


@router.get("/states", response_model=Page[StateSummary], responses=READ, tags=["states"])
async def list_states(
    request: Request,
    ctx: ContextDep,
    page: PageDep,
    status: MembershipStatus | None = None,
    region: Annotated[
        str | None,
        Query(
            max_length=64,
            description=(
                "UN M49 region or sub-region (e.g. Americas, Western Asia), or sub-saharan-africa, "
                "european-union, cis"
            ),
        ),
    ] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="Part of a name, or an ISO-3 code")
    ] = None,
    as_of: AsOf = None,
) -> Response:
    """List the 195 states, filtered by membership, region or name."""

    def build(view: Snapshot) -> Page[StateSummary]:
        code = (q or "").strip().upper()
        # By name, except that a state whose ISO-3 code is the query comes first.
        chosen = [
            s
            for s in sorted(view.states.values(), key=lambda s: (s.iso3 != code, s.name))
            if state_matches(s, status=status.value if status else None, region=region, q=q)
        ]
        window = chosen[page.offset : page.offset + page.limit]
        return Page.of([state_summary(s) for s in window], total=len(chosen), params=page)

    key = ("states", status, region, q, page.limit, page.offset)
    return await answer(request, ctx, as_of, key, lambda derived: build(derived.snapshot), build)


@router.get("/states/{iso3}", response_model=StateDetail, responses=READ, tags=["states"])
async def read_state(request: Request, ctx: ContextDep, iso3: Iso3, as_of: AsOf = None) -> Response:
    """Read one state: membership, regions, obligations, deadlines with statuses, groups."""
    code = iso3.upper()

    def build(view: Snapshot) -> StateDetail:
        state = view.states.get(code)
        if state is None:
            raise NotFound(f"There is no state with ISO 3166 alpha-3 code {code!r}.")
        obligations = view.obligations.get(state.iso3)
        return StateDetail(
            **state_summary(state).model_dump(),
            obligations=obligations_public(obligations) if obligations else None,
            deadlines=[deadline_public(d) for d in deadlines_of(view, state, ctx.rules)],
            groups=sorted(groups_for(view, state, ctx.rules)),
        )

    return await answer(request, ctx, as_of, ("state", code), lambda d: build(d.snapshot), build)


@router.get("/states/{iso3}/membership", response_model=Membership, responses=READ, tags=["states"])
def read_membership(request: Request, session: SessionDep, iso3: Iso3) -> Response:
    """Read a state's membership (the ETag to send when changing it)."""
    state = repository.get_state(session, iso3=iso3)
    return json_with_etag(request, state_summary(state).membership, etag=_state_etag(state))


@router.put(
    "/states/{iso3}/membership",
    dependencies=[WRITES],
    response_model=Membership,
    responses=WRITE,
    tags=["states"],
)
def update_membership(
    request: Request,
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    body: MembershipUpdate,
) -> Membership:
    """Record an accession or correct a membership (admin key, If-Match)."""
    state = repository.get_state(session, iso3=iso3)
    require_if_match(request, _state_etag(state))
    service.update_membership(session, state=state, update=body, actor=principal.actor, at=ctx.now)
    response.headers["ETag"] = _state_etag(state)
    return state_summary(state).membership


def _state_etag(state: Any) -> str:
    return version_etag("state", state.iso3, state.version)


# ---------------------------------------------------------------- deadlines and obligations


@router.get(
    "/parties/{iso3}/deadlines", response_model=DeadlinesPublic, responses=READ, tags=["deadlines"]
)
async def read_deadlines(
    request: Request, ctx: ContextDep, iso3: Iso3, as_of: AsOf = None
) -> Response:
    """List a party's treaty deadlines (Articles 4, 5, 7) with their status on the day."""
    code = iso3.upper()

    def build(view: Snapshot) -> DeadlinesPublic:
        state = _party_in(view, code)
        items = [deadline_public(d) for d in deadlines_of(view, state, ctx.rules)]
        return DeadlinesPublic(iso3=state.iso3, today=view.day, items=items)

    return await answer(
        request, ctx, as_of, ("deadlines", code), lambda d: build(d.snapshot), build
    )


def _party_in(view: Snapshot, code: str) -> State:
    state = view.states.get(code)
    if state is None:
        raise NotFound(f"There is no state with ISO 3166 alpha-3 code {code!r}.")
    if state.status != "party":
        raise NotFound(f"{state.name} ({state.iso3}) is not a State Party.")
    return state


@router.get(
    "/parties/{iso3}/obligations",
    response_model=ObligationsPublic,
    responses=READ,
    tags=["obligations"],
)
def read_obligations(request: Request, session: SessionDep, iso3: Iso3) -> Response:
    """Read a party's obligations and reported progress."""
    party = repository.get_party(session, iso3=iso3)
    obligations = repository.get_obligations(session, iso3=party.iso3)
    return json_with_etag(
        request,
        obligations_public(obligations),
        etag=version_etag("obligations", party.iso3, obligations.version),
    )


@router.put(
    "/parties/{iso3}/obligations",
    dependencies=[WRITES],
    response_model=ObligationsPublic,
    responses=WRITE,
    tags=["obligations"],
)
def update_obligations(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    body: ObligationsUpdate,
) -> ObligationsPublic:
    """Report progress on the party's own obligations (its state key, or admin; If-Match)."""
    party = repository.get_party(session, iso3=iso3)
    ensure_may_write_state(principal, party.iso3)
    obligations = repository.get_obligations(session, iso3=party.iso3)
    require_if_match(request, version_etag("obligations", party.iso3, obligations.version))
    service.update_obligations(
        session, iso3=party.iso3, update=body, actor=principal.actor, at=ctx.now
    )
    response.headers["ETag"] = version_etag("obligations", party.iso3, obligations.version)
    return obligations_public(obligations)


# ---------------------------------------------------------------- commitments


def _commitment_etag(iso3: str, number: int, version: int) -> str:
    return version_etag("commitment", f"{iso3}:{number}", version)


@router.get(
    "/parties/{iso3}/commitments",
    response_model=Page[CommitmentPublic],
    responses=READ,
    tags=["commitments"],
)
async def list_commitments(
    request: Request, ctx: ContextDep, page: PageDep, iso3: Iso3, as_of: AsOf = None
) -> Response:
    """List a party's commitments on every action that binds it."""
    code = iso3.upper()

    def window(items: list[CommitmentPublic]) -> Page[CommitmentPublic]:
        return Page.of(items[page.offset : page.offset + page.limit], total=len(items), params=page)

    def current(derived: Derived) -> Page[CommitmentPublic]:
        _party_in(derived.snapshot, code)
        stored = {n: c for (owner, n), c in derived.commitments.items() if owner == code}
        actions = ctx.catalogue.actions()
        return window(service.party_commitments(code, derived.groups[code], actions, stored))

    def replayed(session: Session, view: Snapshot) -> Page[CommitmentPublic]:
        state = _party_in(view, code)
        return window(service.commitments_of(session, view, state, ctx, as_of))

    key = ("commitments", code, page.limit, page.offset, ctx.catalogue.generation)
    return await answer(request, ctx, as_of, key, current, replayed_with_session=replayed)


@router.get(
    "/parties/{iso3}/commitments.csv",
    response_class=PlainTextResponse,
    responses=READ,
    tags=["commitments"],
)
def export_party_commitments(session: SessionDep, ctx: ContextDep, iso3: Iso3) -> Response:
    """Download a party's commitments as CSV (the shape the import takes back)."""
    repository.get_party(session, iso3=iso3)
    view = service.view(session, ctx, None)
    rows = service.commitments_of(session, view, view.states[iso3.upper()], ctx, None)
    return _csv(service.commitments_csv(rows), f"commitments-{iso3.upper()}.csv")


@router.post(
    "/parties/{iso3}/commitments.csv",
    dependencies=[WRITES],
    response_model=list[CommitmentPublic],
    responses=WRITE,
    tags=["commitments"],
)
def import_party_commitments(
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    upload: Annotated[
        bytes,
        Body(
            media_type="text/csv",
            description=(
                "CSV with the columns action, status, target_date, narrative, evidence_url, version"
            ),
        ),
    ],
) -> list[CommitmentPublic]:
    """Upload a party's commitments as CSV: every row applies, or none (row-by-row report)."""
    party = repository.get_party(session, iso3=iso3)
    ensure_may_write_state(principal, party.iso3)
    try:
        text = upload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unprocessable("The CSV must be encoded in UTF-8.") from exc
    view = service.view(session, ctx, None)
    applicable = {
        a.number: a for a in service.applicable_actions(view, view.states[party.iso3], ctx)
    }
    rows = service.parse_import(text, applicable=applicable)
    return service.import_commitments(
        session, iso3=party.iso3, rows=rows, actor=principal.actor, at=ctx.now
    )


@router.get(
    "/commitments.csv", response_class=PlainTextResponse, tags=["commitments"], responses=READ
)
def export_all_commitments(session: SessionDep, ctx: ContextDep) -> Response:
    """Download every party's commitments as one CSV."""
    view = service.view(session, ctx, None)
    rows = [
        row
        for state in view.parties()
        for row in service.commitments_of(session, view, state, ctx, None)
    ]
    return _csv(service.commitments_csv(rows), "commitments.csv")


def _csv(text: str, filename: str) -> Response:
    return Response(
        content=text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/parties/{iso3}/commitments/{action}",
    response_model=CommitmentPublic,
    responses=READ,
    tags=["commitments"],
)
def read_commitment(
    request: Request, session: SessionDep, ctx: ContextDep, iso3: Iso3, action: ActionNumber
) -> Response:
    """Read one commitment, with the ETag to send when updating it."""
    party = repository.get_party(session, iso3=iso3)
    view = service.view(session, ctx, None)
    info = service.applicable_action(view, view.states[party.iso3], ctx, action)
    stored = repository.get_commitment(session, iso3=party.iso3, action_number=action)
    body = service.commitment_public(party.iso3, info, stored)
    return json_with_etag(request, body, etag=_commitment_etag(party.iso3, action, body.version))


@router.put(
    "/parties/{iso3}/commitments/{action}",
    dependencies=[WRITES],
    response_model=CommitmentPublic,
    responses=WRITE,
    tags=["commitments"],
)
def update_commitment(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    action: ActionNumber,
    body: CommitmentUpdate,
) -> CommitmentPublic:
    """Update the party's commitment on an action (its state key, or admin; If-Match)."""
    # Whom the action binds comes from the view as last loaded (groups change only with a
    # party's obligations), read before this request's transaction begins: loading the view
    # takes a connection of its own, which a writer holding the write lock must never wait for.
    groups = request.app.state.current.latest().groups.get(iso3.upper(), frozenset())
    party = repository.get_party(session, iso3=iso3)
    ensure_may_write_state(principal, party.iso3)
    info = service.binding_action(party.iso3, groups, ctx.catalogue, action)
    stored = repository.get_commitment(session, iso3=party.iso3, action_number=action)
    version = stored.version if stored is not None else 0
    require_if_match(request, _commitment_etag(party.iso3, action, version))
    saved = service.save_commitment(
        session,
        iso3=party.iso3,
        action=info,
        update=body,
        expected_version=version,
        actor=principal.actor,
        at=ctx.now,
    )
    response.headers["ETag"] = _commitment_etag(party.iso3, action, saved.version)
    return saved


@router.get(
    "/parties/{iso3}/commitments/{action}/history",
    response_model=list[HistoryEntry],
    responses=READ,
    tags=["commitments"],
)
def read_commitment_history(
    session: SessionDep, iso3: Iso3, action: ActionNumber
) -> list[HistoryEntry]:
    """List every change of a commitment (who, when, before, after), oldest first."""
    party = repository.get_party(session, iso3=iso3)
    return service.commitment_history(session, iso3=party.iso3, action_number=action)


# ---------------------------------------------------------------- Article 7 reports


@router.get(
    "/parties/{iso3}/article7-reports",
    response_model=list[Article7ReportPublic],
    responses=READ,
    tags=["transparency"],
)
def list_reports(session: SessionDep, iso3: Iso3) -> list[Article7ReportPublic]:
    """List the transparency reports recorded for a party."""
    party = repository.get_party(session, iso3=iso3)
    return [
        Article7ReportPublic.model_validate(r)
        for r in repository.reports_of(session, iso3=party.iso3)
    ]


@router.post(
    "/parties/{iso3}/article7-reports",
    dependencies=[WRITES],
    response_model=Article7ReportPublic,
    status_code=201,
    responses=WRITE,
    tags=["transparency"],
)
def create_report(
    response: Response,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    idempotency: IdempotencyDep,
    iso3: Iso3,
    body: Article7ReportCreate,
) -> Article7ReportPublic | Response:
    """Record that the party submitted a transparency report (its state key, or admin)."""
    party = repository.get_party(session, iso3=iso3)
    ensure_may_write_state(principal, party.iso3)

    def create() -> Article7ReportPublic:
        report = service.record_report(
            session, iso3=party.iso3, body=body, actor=principal.actor, at=ctx.now, today=ctx.today
        )
        return Article7ReportPublic.model_validate(report)

    return once(
        session, idempotency_keys, idempotency, now=ctx.now, response=response, create=create
    )


# ---------------------------------------------------------------- Article 5 extensions


@router.get(
    "/parties/{iso3}/extensions",
    response_model=list[ExtensionPublic],
    responses=READ,
    tags=["extensions"],
)
def list_extensions(session: SessionDep, iso3: Iso3) -> list[ExtensionPublic]:
    """List the Article 5 extensions granted to a party."""
    party = repository.get_party(session, iso3=iso3)
    return [
        ExtensionPublic.model_validate(e)
        for e in repository.extensions_of(session, iso3=party.iso3)
    ]


@router.get(
    "/parties/{iso3}/extension-requests",
    response_model=list[ExtensionRequestPublic],
    responses=READ,
    tags=["extensions"],
)
def list_extension_requests(session: SessionDep, iso3: Iso3) -> list[ExtensionRequestPublic]:
    """List a party's extension requests, newest first."""
    party = repository.get_party(session, iso3=iso3)
    return [
        ExtensionRequestPublic.model_validate(r)
        for r in repository.list_requests(session, iso3=party.iso3)
    ]


@router.post(
    "/parties/{iso3}/extension-requests",
    dependencies=[WRITES],
    response_model=ExtensionRequestPublic,
    status_code=201,
    responses=WRITE,
    tags=["extensions"],
)
def create_extension_request(
    response: Response,
    principal: CurrentPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    idempotency: IdempotencyDep,
    iso3: Iso3,
    body: ExtensionRequestCreate,
) -> ExtensionRequestPublic | Response:
    """Submit an Article 5 extension request with the content Article 5.4 asks for."""
    party = repository.get_party(session, iso3=iso3)
    ensure_may_write_state(principal, party.iso3)

    def create() -> ExtensionRequestPublic:
        request = service.submit_request(
            session, state=party, body=body, actor=principal.actor, at=ctx.now
        )
        response.headers["Location"] = f"/parties/{party.iso3}/extension-requests/{request.id}"
        response.headers["ETag"] = _request_etag(request)
        return ExtensionRequestPublic.model_validate(request)

    return once(
        session, idempotency_keys, idempotency, now=ctx.now, response=response, create=create
    )


def _request_etag(request: Any) -> str:
    return version_etag("extension_request", request.id, request.version)


@router.get(
    "/parties/{iso3}/extension-requests/{request_id}",
    response_model=ExtensionRequestPublic,
    responses=READ,
    tags=["extensions"],
)
def read_extension_request(
    request: Request,
    session: SessionDep,
    iso3: Iso3,
    request_id: Annotated[int, Path(ge=1, le=2**62)],
) -> Response:
    """Read one extension request."""
    party = repository.get_party(session, iso3=iso3)
    row = repository.get_request(session, iso3=party.iso3, request_id=request_id)
    return json_with_etag(
        request, ExtensionRequestPublic.model_validate(row), etag=_request_etag(row)
    )


@router.put(
    "/parties/{iso3}/extension-requests/{request_id}/analysis",
    dependencies=[WRITES],
    response_model=ExtensionRequestPublic,
    responses=WRITE,
    tags=["extensions"],
)
def analyse_extension_request(
    request: Request,
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    request_id: Annotated[int, Path(ge=1, le=2**62)],
    body: ExtensionAnalysis,
) -> ExtensionRequestPublic:
    """Record the analysis of a request (admin key, If-Match)."""
    party = repository.get_party(session, iso3=iso3)
    row = repository.get_request(session, iso3=party.iso3, request_id=request_id)
    require_if_match(request, _request_etag(row))
    service.analyse_request(session, request=row, body=body, actor=principal.actor, at=ctx.now)
    response.headers["ETag"] = _request_etag(row)
    return ExtensionRequestPublic.model_validate(row)


@router.put(
    "/parties/{iso3}/extension-requests/{request_id}/decision",
    dependencies=[WRITES],
    response_model=ExtensionRequestPublic,
    responses=WRITE,
    tags=["extensions"],
)
def decide_extension_request(
    request: Request,
    response: Response,
    principal: AdminPrincipal,
    session: SessionDep,
    ctx: ContextDep,
    iso3: Iso3,
    request_id: Annotated[int, Path(ge=1, le=2**62)],
    body: ExtensionDecision,
) -> ExtensionRequestPublic:
    """Record the meeting's decision; a grant moves the Article 5 deadline (admin key, If-Match)."""
    party = repository.get_party(session, iso3=iso3)
    row = repository.get_request(session, iso3=party.iso3, request_id=request_id)
    require_if_match(request, _request_etag(row))
    service.decide_request(
        session, request=row, state=party, body=body, actor=principal.actor, at=ctx.now
    )
    response.headers["ETag"] = _request_etag(row)
    return ExtensionRequestPublic.model_validate(row)


# ---------------------------------------------------------------- summaries and changes


@router.get("/summary", responses=READ, tags=["summary"])
async def read_summary(request: Request, ctx: ContextDep, as_of: AsOf = None) -> Response:
    """The four aims and cooperation, transparency, compliance — now or as of a day."""

    def current(derived: Derived) -> dict[str, Any]:
        counts = Counter(c.status for c in derived.commitments.values())
        return summarize(derived.snapshot, ctx.rules, dict(counts), derived.deadlines)

    def replayed(session: Session, view: Snapshot) -> dict[str, Any]:
        return summarize(view, ctx.rules, service.commitment_counts(session, as_of))

    return await answer(request, ctx, as_of, ("summary",), current, replayed_with_session=replayed)


@router.get(
    "/actions/{action}/progress",
    response_model=ActionProgress,
    responses=READ,
    tags=["commitments"],
)
async def read_action_progress(
    request: Request, ctx: ContextDep, action: ActionNumber, as_of: AsOf = None
) -> Response:
    """For one action: the parties it binds, how many commitments are in each status, and who."""

    def current(derived: Derived) -> ActionProgress:
        stored = {iso3: c for (iso3, number), c in derived.commitments.items() if number == action}
        return service.progress_of_action(derived.snapshot, ctx, action, stored)

    def replayed(session: Session, view: Snapshot) -> ActionProgress:
        return service.action_progress(session, view, ctx, action, as_of)

    key = ("action-progress", action, ctx.catalogue.generation)
    return await answer(request, ctx, as_of, key, current, replayed_with_session=replayed)


@router.get(
    "/progress", response_model=list[ActionProgressCounts], responses=READ, tags=["commitments"]
)
async def list_progress(request: Request, ctx: ContextDep, as_of: AsOf = None) -> Response:
    """For every action: how many parties it binds and how many commitments are in each status."""

    def current(derived: Derived) -> list[ActionProgressCounts]:
        statuses = {key: c.status for key, c in derived.commitments.items()}
        return service.progress_counts(derived.groups, statuses, ctx.catalogue.actions())

    def replayed(session: Session, view: Snapshot) -> list[ActionProgressCounts]:
        return service.all_progress(session, view, ctx, as_of)

    key = ("progress", ctx.catalogue.generation)
    return await answer(request, ctx, as_of, key, current, replayed_with_session=replayed)


@router.get("/deadlines", response_model=list[PartyDeadline], responses=READ, tags=["deadlines"])
async def list_deadlines(
    request: Request,
    ctx: ContextDep,
    kind: DeadlineKind | None = None,
    status: DeadlineStatus | None = None,
    as_of: AsOf = None,
) -> Response:
    """Every party's deadlines, filtered by kind and status, by due date."""
    wanted = {"kind": kind.value if kind else None, "status": status.value if status else None}

    def current(derived: Derived) -> list[PartyDeadline]:
        return service.deadline_rows(derived.snapshot, derived.deadlines, **wanted)

    def replayed(view: Snapshot) -> list[PartyDeadline]:
        return service.all_deadlines(view, ctx.rules, **wanted)

    return await answer(request, ctx, as_of, ("deadlines", kind, status), current, replayed)


@router.get("/changes", response_model=Page[Change], tags=["changes"])
def list_changes(
    session: SessionDep,
    page: PageDep,
    since: Annotated[IsoDate, Query(description="From the start of this day (YYYY-MM-DD)")],
    until: Annotated[IsoDate | None, Query(description="To the end of this day")] = None,
    include_seed: Annotated[bool, Query(description="Include the seeded records")] = False,
    iso3: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{3}$", description="Only what concerns this state")
    ] = None,
) -> Page[Change]:
    """List what changed since a day (e.g. since the last meeting), oldest first."""
    items, total = service.changes_since(
        session,
        since=since,
        until=until,
        include_seed=include_seed,
        iso3=iso3.upper() if iso3 else None,
        limit=page.limit,
        offset=page.offset,
    )
    return Page.of(items, total=total, params=page)
