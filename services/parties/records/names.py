"""A state's name as it was on a day: the name in use then, each change dated and sourced.

`data/former_names.csv` lists the names the states of 2010 used before their current one, with
the last day each was in use and the source of the change. A view of a day before a change shows
the former name (the 2010 view says Turkey, Swaziland, Cape Verde…); the current one after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from services.parties.models import State
from services.parties.seed import read_rows


@dataclass(frozen=True)
class FormerName:
    iso3: str
    name: str
    until: date  # the last day the name was in use
    source: str


@cache
def former_names() -> dict[str, tuple[FormerName, ...]]:
    """Every former name by ISO-3, oldest first."""
    found: dict[str, list[FormerName]] = {}
    for row in read_rows("former_names.csv"):
        name = FormerName(row["iso3"], row["name"], date.fromisoformat(row["until"]), row["source"])
        found.setdefault(name.iso3, []).append(name)
    return {iso3: tuple(sorted(names, key=lambda n: n.until)) for iso3, names in found.items()}


def name_on(iso3: str, current: str, day: date) -> str:
    """The name a state used on `day`: the first former name still in use then, else `current`."""
    for former in former_names().get(iso3, ()):
        if day <= former.until:
            return former.name
    return current


def as_named_on(states: dict[str, State], day: date) -> dict[str, State]:
    """The states with the names they used on `day` (copies where a name differs: the rows read
    from the database are never changed)."""
    named: dict[str, State] = {}
    for iso3, state in states.items():
        name = name_on(iso3, state.name, day)
        named[iso3] = state if name == state.name else _renamed(state, name)
    return named


def _renamed(state: State, name: str) -> State:
    copy = State.model_validate(state.model_dump())
    copy.name = name
    return copy
