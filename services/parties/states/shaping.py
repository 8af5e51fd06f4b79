"""What the API shows of a state: its summary, and the list filters."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cache

from services.parties.models import (
    State,
)
from services.parties.records.names import former_names
from services.parties.schemas import Membership, Regions, StateSummary
from services.parties.seed import read_rows

REGION_GROUPS = {
    "sub-saharan-africa": lambda s: s.sub_saharan_africa,
    "european-union": lambda s: s.eu_member_2010,
    "cis": lambda s: s.cis_member_2010,
}


def state_matches(state: State, *, status: str | None, region: str | None, q: str | None) -> bool:
    """Tell whether a state passes the list filters (membership, region or group, name)."""
    if status is not None and state.status != status:
        return False
    if region:
        wanted = region.strip().lower()
        group = REGION_GROUPS.get(wanted)
        in_region = (
            group(state)
            if group
            else wanted in (state.un_region.lower(), state.un_subregion.lower())
        )
        if not in_region:
            return False
    if q:
        needle = searchable(q)
        names = (state.name, state.name_in_seed or "")
        return (
            any(needle in searchable(name) for name in names)
            or any(needle in alias for alias in aliases().get(state.iso3, ()))
            or needle == state.iso3.lower()
        )
    return True


def searchable(text: str) -> str:
    """A name as a search compares it: blind to case, accents and punctuation ("Côte d’ Ivoire"
    and "cote d'ivoire" are both "cote d ivoire")."""
    letters = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )
    return re.sub(r"[^0-9a-z]+", " ", letters.casefold()).strip()


@cache
def aliases() -> dict[str, tuple[str, ...]]:
    """Every other name a source gives a state (the brochure's "DRC", "Bosnia and H."…), by
    ISO-3, as a search compares them (`data/aliases.csv`)."""
    found: dict[str, list[str]] = defaultdict(list)
    for row in read_rows("aliases.csv"):
        found[row["iso3"]].append(searchable(row["alias"]))
    for iso3, names in former_names().items():  # "Turkey" finds Türkiye, whatever the day
        found[iso3].extend(searchable(former.name) for former in names)
    return {iso3: tuple(names) for iso3, names in found.items()}


def state_summary(state: State) -> StateSummary:
    """Shape a state's membership and regions for the API."""
    return StateSummary(
        iso3=state.iso3,
        name=state.name,
        name_in_seed=state.name_in_seed,
        membership=Membership.model_validate(state),
        regions=Regions.model_validate(state),
    )
