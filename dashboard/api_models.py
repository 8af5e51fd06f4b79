"""The services' answers as the dashboard reads them (typed; no service code is imported).

Each model names only the fields the dashboard uses: the others are ignored, so a service may add
fields without breaking a page. The names follow the JSON the services send (their `schemas.py`,
the actions service's `models.py`, and the parties service's `/summary` builder, `summary/aims.py`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

CommitmentStatus = Literal["not_started", "in_progress", "completed", "not_applicable"]
MembershipStatus = Literal["party", "non_party"]

M = TypeVar("M")


class ApiModel(BaseModel):
    """Base of every answer: unknown fields are ignored, and an answer is never changed."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Page(ApiModel, Generic[M]):
    """One page of a list, and the size of the whole list."""

    items: list[M]
    total: int


# ---------------------------------------------------------------- figures of the summary


class Seeded(ApiModel):
    """A Convention-wide figure taken from a dated source."""

    value: float
    source: str
    unit: str | None = None
    qualifier: str | None = None
    of: float | None = None
    period: str | None = None


class Counted(ApiModel):
    """A figure counted from the records, with how it was counted (and the seed's, if any)."""

    value: int
    derivation: str
    unit: str | None = None
    seed_figure: Seeded | None = None


class CountedStates(Counted):
    """A count of States, with their ISO-3 codes."""

    states: list[str]


class ReportsOverdue(CountedStates):
    covers_year: int
    not_recorded: int | None = None  # parties no record covers (the records are not complete)


# ---------------------------------------------------------------- sections of the summary


class Region(ApiModel):
    region: str
    states: int
    parties: int
    share: float | None
    non_parties: list[str]


class Statement(ApiModel):
    """One of the seed's "every State in … except …" statements, checked against the records."""

    text: str
    exceptions: list[str]
    holds: bool


class Universalization(ApiModel):
    parties: Counted
    non_parties: CountedStates
    states: Counted
    regions: list[Region]
    statements: list[Statement]


class StockpileState(ApiModel):
    """A State Party still destroying its stockpile, with its Article 4 deadline."""

    iso3: str
    name: str
    deadline: date | None
    status: str | None
    verified: bool | None = None
    unverified_because: str | None = None
    mines_destroyed: int | None


class StillDestroying(Counted):
    states: list[StockpileState]


class StockpileDestruction(ApiModel):
    no_longer_holding: Counted
    still_destroying: StillDestroying
    destroyed_total: Seeded | None = None


class ClearanceDeadline(ApiModel):
    iso3: str
    name: str
    due: date
    status: str
    extended: bool


class Clearance(ApiModel):
    reported_mined_areas: Counted
    completed: CountedStates
    in_progress: Counted
    extensions_granted: CountedStates
    extension_requests_pending: CountedStates
    overdue: list[ClearanceDeadline]


class VictimAssistance(ApiModel):
    significant_survivors: CountedStates
    funding_since_2004: Seeded | None = None


class Transparency(ApiModel):
    initial_reports_missing: CountedStates
    annual_reports_overdue: ReportsOverdue


class Compliance(ApiModel):
    legislation_adopted: Seeded | None = None
    existing_law_sufficient: Seeded | None = None
    legislation_not_indicated: Seeded | None = None


class Cooperation(ApiModel):
    funding_since_2004: Seeded | None = None
    former_producers_bound: Seeded | None = None


class Summary(ApiModel):
    """`GET /summary`: the four aims, then cooperation, transparency and compliance."""

    as_of: date
    universalization: Universalization
    stockpile_destruction: StockpileDestruction
    clearance: Clearance
    victim_assistance: VictimAssistance
    cooperation: Cooperation
    transparency: Transparency
    compliance: Compliance


# ---------------------------------------------------------------- states and their deadlines


class Membership(ApiModel):
    status: MembershipStatus
    deposit_date: date | None
    entry_into_force: date | None
    source: str
    verified: bool


class Regions(ApiModel):
    un_region: str
    un_subregion: str


class State(ApiModel):
    """An item of `GET /states`."""

    iso3: str
    name: str
    membership: Membership
    regions: Regions


class Obligations(ApiModel):
    """What a party owes and reported, less the sources and the version (the page shows the rest).

    The fields keep the service's order: the page lists them in it.
    """

    article3_mines_retained: int | None
    article4_status: str
    article4_completed_on: date | None
    article4_mines_destroyed: int | None
    article5_applies: bool
    article5_completed: bool
    article5_completed_on: date | None
    article5_area_released_m2: int | None
    significant_survivors: bool
    article7_initial_submitted: bool
    article7_initial_submitted_on: date | None
    article9_status: str | None
    in_a_position_to_assist: bool | None
    needs_article5_extension: bool | None


class Deadline(ApiModel):
    """One of a party's treaty deadlines, with its status on the day."""

    kind: str
    due: date
    status: str
    source: str
    original_due: date | None
    covers_year: int | None
    met_on: date | None
    verified: bool
    unverified_because: str | None


class StateDetail(State):
    """`GET /states/{iso3}`."""

    obligations: Obligations | None
    deadlines: list[Deadline]
    groups: list[str]


class PartyDeadline(Deadline):
    """An item of `GET /deadlines`: a deadline with its party."""

    iso3: str
    name: str
    entry_into_force: date | None


# ---------------------------------------------------------------- commitments and progress


class Commitment(ApiModel):
    """An item of `GET /parties/{iso3}/commitments`."""

    action_number: int
    applies_to: str
    status: CommitmentStatus | None  # None: the party has recorded none
    target_date: date | None
    narrative: str
    version: int
    evidence_url: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None


class KeyHolder(ApiModel):
    """`GET /whoami`: whom a signed-in key speaks for."""

    key_id: str
    role: Literal["admin", "committee", "state"]
    state: str | None


class ProgressCounts(ApiModel):
    """An item of `GET /progress`: how many of the parties an action binds are in each status."""

    action_number: int
    applies_to: str
    applicable_parties: int
    membership_not_recorded: int
    by_status: dict[str, int]
    group_figure: GroupFigure | None = None


class GroupFigure(ApiModel):
    """A source's count of a group whose members the records do not name."""

    value: float
    source: str


class PartyProgress(ApiModel):
    iso3: str
    name: str
    status: CommitmentStatus | None  # None: the party has recorded none
    target_date: date | None
    updated_at: datetime | None


class ActionProgress(ProgressCounts):
    """`GET /actions/{number}/progress`: the counts, and each party's status."""

    parties: list[PartyProgress]


class FieldChange(ApiModel):
    """A changed field of a change, before and after."""

    field: str
    before: Any = None
    after: Any = None


class Change(ApiModel):
    """An item of `GET /changes`."""

    occurred_at: datetime
    entity: str
    entity_id: str
    operation: str
    actor_role: str
    fields: list[str]
    values: list[FieldChange] = []
    service: str = "parties"  # which service recorded it: set by the client, not sent


class Changes(Page[Change]):
    """`GET /changes` (a class of its own: Streamlit's cache pickles it)."""


# ---------------------------------------------------------------- the actions service


class SectionRef(ApiModel):
    number: str
    title: str


class ActorGroup(ApiModel):
    text: str
    applies_to: str


class Action(ApiModel):
    """An item of `GET /actions`: the verbatim text, its section, whom it binds."""

    number: int
    section: SectionRef
    actor_group: ActorGroup
    text: str
    source: str


class Assessment(ApiModel):
    """An item of the committee's assessments of an action."""

    action_number: int
    status: str
    narrative: str
    period: str
    assessed_on: date
    source: str | None = None


# ---------------------------------------------------------------- the reminders service


class Event(ApiModel):
    """An item of `GET /events`: a meeting, a date or a deadline."""

    id: int | None = None
    title: str
    kind: str
    start: date
    end: date | None = None
    location: str | None = None
    iso3: str | None = None
    source: str | None = None
    status: str | None = None  # scheduled, met, held, past (on the reminders service's day)
    basis: str | None = None  # recorded (a meeting or date), derived (a party's deadline)


class Reminder(ApiModel):
    """An item of the outbox (`GET /reminders`, a key's): one reminder to one contact point."""

    event_id: int
    offset_days: int
    channel: str
    due_at: datetime
    status: str
    delivered_at: datetime | None = None


class Rule(ApiModel):
    """An item of `GET /rules`: how many days before each kind of date reminders go out."""

    kind: str
    before_days: list[int]
