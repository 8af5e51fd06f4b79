"""Queries of Article 7 reports."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from services.parties.models import (
    Article7Report,
)


def reports_of(session: Session, *, iso3: str) -> Sequence[Article7Report]:
    """Return a party's recorded Article 7 reports."""
    return session.exec(
        select(Article7Report)
        .where(Article7Report.iso3 == iso3)
        .order_by(col(Article7Report.period))
    ).all()


def get_report(session: Session, *, iso3: str, period: str) -> Article7Report | None:
    """Return a party's report for a period, if recorded."""
    return session.exec(
        select(Article7Report).where(Article7Report.iso3 == iso3, Article7Report.period == period)
    ).first()
