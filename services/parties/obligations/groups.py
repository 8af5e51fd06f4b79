"""Which `applies_to` groups of the action plan a State Party belongs to, from its records.

Each group is the actor line of some actions ("States Parties that have reported mined
areas … will"). Where a record decides membership the party cannot declare it; where none can
(`in_a_position_to_assist`), the party's own declaration does. docs/parties.md explains each rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ALL_GROUPS = (
    "all_states_parties",
    "missed_article4_deadline",
    "article4_in_progress",
    "article5_extension_granted",
    "reported_mined_areas",
    "needs_article5_extension",
    "significant_survivors",
    "with_stockpile_clearance_or_va_obligations",
    "in_a_position_to_assist",
    "initial_article7_report_missing",
    "retained_mines_article3",
    "no_national_implementation_measures",
)


@dataclass(frozen=True)
class PartyFacts:
    """The records of one State Party that decide its groups, as of some day."""

    is_party: bool
    destroying_stockpiles: bool
    article4_deadline_passed: bool
    clearing_mined_areas: bool  # reported mined areas and not yet declared clear
    extensions_granted: int
    extension_request_pending: bool
    declares_needs_extension: bool | None  # None: the party has not said
    significant_survivors: bool
    declares_in_a_position_to_assist: bool | None
    initial_report_missing: bool
    mines_retained: int | None
    article9_status: str | None


RULES: dict[str, Callable[[PartyFacts], bool]] = {
    "all_states_parties": lambda f: True,
    "missed_article4_deadline": lambda f: f.destroying_stockpiles and f.article4_deadline_passed,
    "article4_in_progress": lambda f: f.destroying_stockpiles,
    "article5_extension_granted": lambda f: f.extensions_granted > 0 and f.clearing_mined_areas,
    "reported_mined_areas": lambda f: f.clearing_mined_areas,
    "needs_article5_extension": lambda f: (
        f.clearing_mined_areas
        and (f.extension_request_pending or f.declares_needs_extension is True)
    ),
    "significant_survivors": lambda f: f.significant_survivors,
    "with_stockpile_clearance_or_va_obligations": lambda f: (
        f.destroying_stockpiles or f.clearing_mined_areas or f.significant_survivors
    ),
    "in_a_position_to_assist": lambda f: f.declares_in_a_position_to_assist is True,
    "initial_article7_report_missing": lambda f: f.initial_report_missing,
    "retained_mines_article3": lambda f: (f.mines_retained or 0) > 0,
    "no_national_implementation_measures": lambda f: f.article9_status == "not_indicated",
}


# Groups whose membership only a record or a declaration decides, and that record may be absent:
# a party without it is neither in nor out, and an action binding the group says so.
UNDECIDED_WHEN: dict[str, Callable[[PartyFacts], bool]] = {
    "needs_article5_extension": lambda f: (
        f.clearing_mined_areas
        and not f.extension_request_pending
        and f.declares_needs_extension is None
    ),
    "in_a_position_to_assist": lambda f: f.declares_in_a_position_to_assist is None,
    "retained_mines_article3": lambda f: f.mines_retained is None,
    "no_national_implementation_measures": lambda f: f.article9_status is None,
}


def undecided_of(facts: PartyFacts) -> frozenset[str]:
    """Return the groups whose membership no record of the party decides."""
    if not facts.is_party:
        return frozenset()
    return frozenset(name for name, rule in UNDECIDED_WHEN.items() if rule(facts))


def groups_of(facts: PartyFacts) -> frozenset[str]:
    """Return the groups a party belongs to; a state that is not party belongs to none."""
    if not facts.is_party:
        return frozenset()
    return frozenset(name for name, rule in RULES.items() if rule(facts))
