"""Queries of the rules: the lead times of each kind of event."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from services.common.errors import NotFound
from services.reminders.models import Rule


def list_rules(session: Session) -> Sequence[Rule]:
    """Return every rule, by kind."""
    return session.exec(select(Rule).order_by(col(Rule.kind))).all()


def get_rule(session: Session, *, kind: str) -> Rule:
    """Return the rule of one kind of event or raise NotFound."""
    rule = session.get(Rule, kind)
    if rule is None:
        raise NotFound(f"There is no rule for events of kind {kind!r}.")
    return rule
