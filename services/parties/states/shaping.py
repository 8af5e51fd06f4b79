"""What the API shows of a state: its summary, and the list filters."""

from __future__ import annotations

from services.parties.models import (
    State,
)
from services.parties.schemas import (
    Membership,
    Regions,
    StateSummary,
)

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
        needle = q.strip().lower()
        names = f"{state.name}\n{state.name_in_seed or ''}".lower()
        return needle in names or needle == state.iso3.lower()
    return True


def state_summary(state: State) -> StateSummary:
    """Shape a state's membership and regions for the API."""
    return StateSummary(
        iso3=state.iso3,
        name=state.name,
        name_in_seed=state.name_in_seed,
        membership=Membership(
            status=state.status,
            deposit_date=state.deposit_date,
            entry_into_force=state.entry_into_force,
            source=state.membership_source,
            verified=state.membership_verified,
        ),
        regions=Regions(
            un_region=state.un_region,
            un_subregion=state.un_subregion,
            sub_saharan_africa=state.sub_saharan_africa,
            eu_member_2010=state.eu_member_2010,
            cis_member_2010=state.cis_member_2010,
            un_member_2010=state.un_member_2010,
            source=state.region_source,
        ),
    )
