"""Tables of the parties service.

Current state lives in `states`, `obligations`, `commitments` and `extension_requests`; every
change to them is also written to the append-only `audit_log` (who, when, before, after), and
commitments keep typed versions in `commitment_versions` so that progress can be replayed as of
any day. Extensions granted, Article 7 reports and Convention-wide figures are append-only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.common.audit import audit_table
from services.common.db import Versioned, new_registry
from services.common.idempotency import idempotency_table
from services.parties.coverage.schemas import CoverageFields
from services.parties.extensions.schemas import ExtensionFields, ExtensionRequestRecord
from services.parties.reports.schemas import Article7ReportFields
from services.parties.schemas import (
    CommitmentFields,
    MembershipFields,
    ObligationsFields,
    RegionFields,
)

PENDING_REQUEST_STATUSES = ("submitted", "under_analysis")  # extension requests not yet decided

registry = new_registry()
metadata = registry.metadata


class PartiesTable(SQLModel, registry=registry):
    """Base of the parties service's tables (their own metadata, their own migrations)."""


audit_log = audit_table(metadata)
idempotency_keys = idempotency_table(metadata)


class State(PartiesTable, MembershipFields, RegionFields, Versioned, table=True):
    __tablename__ = "states"

    iso3: str = Field(primary_key=True, max_length=3)
    name: str = Field(max_length=100)
    name_in_seed: str | None = Field(default=None, max_length=100)
    membership_source: str
    membership_verified: bool
    region_source: str
    version: int = 1


class Obligations(PartiesTable, ObligationsFields, Versioned, table=True):
    """What one State Party owes under Articles 3, 4, 5, 7 and 9 and for victim assistance."""

    __tablename__ = "obligations"

    iso3: str = Field(primary_key=True, foreign_key="states.iso3", max_length=3)
    # Article 3: mines retained for training; None until reported.
    mines_retained: int | None = None
    mines_retained_source: str | None = None
    mines_destroyed: int | None = None  # Article 4
    area_released_m2: int | None = None  # Article 5
    updated_at: datetime
    updated_by: str = Field(max_length=64)


class Article5Extension(PartiesTable, ExtensionFields, table=True):
    """An extension of an Article 5 deadline, as granted (append-only)."""

    __tablename__ = "article5_extensions"
    __table_args__ = (UniqueConstraint("iso3", "extended_deadline"),)

    id: int | None = Field(default=None, primary_key=True)
    iso3: str = Field(foreign_key="states.iso3", max_length=3, index=True)
    request_id: int | None = Field(default=None, foreign_key="extension_requests.id")
    recorded_at: datetime


class ExtensionRequest(PartiesTable, ExtensionRequestRecord, Versioned, table=True):
    """A request to extend an Article 5 deadline, with the content Article 5.4 asks for."""

    __tablename__ = "extension_requests"

    id: int | None = Field(default=None, primary_key=True)
    iso3: str = Field(foreign_key="states.iso3", max_length=3, index=True)
    submitted_by: str = Field(max_length=64)
    version: int = 1
    updated_at: datetime


class Article7Report(PartiesTable, Article7ReportFields, table=True):
    """A transparency report a party submitted: `period` is "initial" or the year covered."""

    __tablename__ = "article7_reports"
    __table_args__ = (UniqueConstraint("iso3", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    iso3: str = Field(foreign_key="states.iso3", max_length=3)
    recorded_at: datetime
    recorded_by: str = Field(max_length=64)


class Commitment(PartiesTable, CommitmentFields, Versioned, table=True):
    """A party's current commitment on one action (the latest of its versions)."""

    __tablename__ = "commitments"

    iso3: str = Field(primary_key=True, foreign_key="states.iso3", max_length=3)
    action_number: int = Field(primary_key=True)
    version: int
    updated_at: datetime
    updated_by: str = Field(max_length=64)


class CommitmentVersion(PartiesTable, CommitmentFields, table=True):
    """Every version a commitment ever had, so progress can be replayed as of any day."""

    __tablename__ = "commitment_versions"
    __table_args__ = (
        UniqueConstraint("iso3", "action_number", "version"),
        Index("ix_commitment_versions_recorded_at", "recorded_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    iso3: str = Field(max_length=3)
    action_number: int
    version: int
    recorded_at: datetime
    recorded_by: str = Field(max_length=64)


class CommitmentStatusDay(PartiesTable, table=True):
    """How the number of commitments in each status changed on each day (kept with each write).

    The counts as of any day are the sums up to it: a few thousand rows to add, however long the
    history, where replaying every version would read them all.
    """

    __tablename__ = "commitment_status_days"

    day: date = Field(primary_key=True)
    status: str = Field(primary_key=True, max_length=16)
    change: int


class RecordCoverage(PartiesTable, CoverageFields, Versioned, table=True):
    """How complete the records of one kind are (coverage is data: seeded, sourced, changed by an
    admin, replayed as of any day)."""

    __tablename__ = "record_coverage"

    kind: str = Field(primary_key=True, max_length=40)  # a deadline kind
    version: int = 1
    updated_at: datetime
    updated_by: str = Field(max_length=64)


class ConventionFigure(PartiesTable, table=True):
    """A Convention-wide figure with its date and source (append-only: newer rows supersede)."""

    __tablename__ = "convention_figures"
    __table_args__ = (UniqueConstraint("key", "recorded_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, index=True)
    value: float
    qualifier: str | None = Field(default=None, max_length=32)
    of: float | None = None
    unit: str = Field(max_length=32)
    period: str = Field(max_length=64)
    source: str
    recorded_at: datetime


class KnownAction(PartiesTable, table=True):
    """The last catalogue fetched from the actions service: whom each action binds."""

    __tablename__ = "known_actions"

    number: int = Field(primary_key=True)
    applies_to: str = Field(max_length=64)
    section: str = Field(max_length=8)
    fetched_at: datetime
