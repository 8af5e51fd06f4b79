"""Commitments as they stood at the end of a past day, read from their versions and counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.parties.models import CommitmentStatusDay, CommitmentVersion
from services.parties.records.snapshot import end_of


def versions_as_of(session: Session, *, as_of: date, where: list[Any]) -> list[CommitmentVersion]:
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


def status_counts_as_of(session: Session, *, day: date) -> dict[str, int]:
    """How many commitments were in each status at the end of `day`."""
    rows = session.execute(
        select(CommitmentStatusDay.status, func.sum(CommitmentStatusDay.change))
        .where(col(CommitmentStatusDay.day) <= day)
        .group_by(col(CommitmentStatusDay.status))
    ).all()
    return {status: int(total) for status, total in rows if total}
