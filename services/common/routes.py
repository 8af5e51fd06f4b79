"""Route plumbing every service shares: the declared error responses and the path parameters.

Each service names what its 404 is about (`not_found`); the rest reads the same everywhere, so
a client generated from any of the three specs sees the same shapes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path

Responses = dict[int | str, dict[str, Any]]

AUTHENTICATED: Responses = {
    401: {"description": "No valid API key (problem+json)"},
    403: {"description": "This key may not do this (problem+json)"},
}
# A read that answers its ETag, and 304 to a client whose copy is current (If-None-Match).
CONDITIONAL: Responses = {
    304: {"description": "Not modified: the `ETag` named in `If-None-Match` is still current"}
}
PRECONDITIONS: Responses = {
    409: {"description": "Conflicts with recorded data (problem+json)"},
    412: {"description": "If-Match names a stale ETag (problem+json)"},
    428: {"description": "If-Match is required (problem+json)"},
}

Iso3 = Annotated[str, Path(pattern=r"^[A-Za-z]{3}$", description="ISO 3166 alpha-3 code, e.g. NIC")]
ActionNumber = Annotated[int, Path(ge=1, le=10_000, description="The action's number, e.g. 42")]
RowId = Annotated[int, Path(ge=1, le=2**62, description="The row's id, as its Location gave it")]


def not_found(what: str) -> Responses:
    """The 404 of a service's routes, saying what may be missing."""
    return {404: {"description": f"{what} (problem+json)"}}
