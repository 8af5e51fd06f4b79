"""Bearer API keys and roles: `admin`, `committee`, and `state` (bound to one ISO-3 code)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Protocol

import anyio
from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from services.common.audit import Actor
from services.common.errors import Forbidden, Unauthorized
from services.common.ratelimit import RateLimiter
from services.common.routes import AUTHENTICATED


class Role(StrEnum):
    ADMIN = "admin"
    COMMITTEE = "committee"
    STATE = "state"


@dataclass(frozen=True)
class Principal:
    """The holder of a valid API key."""

    key_id: str
    role: Role
    state: str | None = None

    @property
    def actor(self) -> Actor:
        """Return how this principal appears in the audit log."""
        return Actor(id=self.key_id, role=self.role.value)


class Authenticator(Protocol):
    """Anything that turns a presented bearer token into a principal (or None if unknown)."""

    def authenticate(self, token: str) -> Principal | None: ...


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("The Authorization header must read 'Bearer <API key>'.")
    return token.strip()


async def optional_principal(request: Request) -> Principal | None:
    """Return the caller's principal; anonymous callers get None, a bad key gets 401.

    Every request with a valid key counts against that key's rate limit. Only failed attempts
    count against the client address's failed-key limit, and only they are refused by it (429
    once it is used up): a state whose colleague mistyped a key behind the same address is never
    locked out with its valid one. Only the lookup goes to a thread: an anonymous request costs
    the event loop nothing more.
    """
    token = _bearer_token(request)
    if token is None:
        return None
    limiter: RateLimiter = request.app.state.rate_limiter
    authenticator: Authenticator = request.app.state.authenticator
    principal = await anyio.to_thread.run_sync(authenticator.authenticate, token)
    if principal is None:
        # The client address is the socket's peer, or X-Forwarded-For's when the peer is one
        # of FORWARDED_ALLOW_IPS (uvicorn rewrites it before any route sees it).
        client = request.client.host if request.client else "unknown"
        limiter.charge(limiter.failed_auth, "failed-auth", client)
        raise Unauthorized("The API key is unknown or revoked.")
    limiter.charge(limiter.per_key, "key", principal.key_id)
    return principal


# Declares the bearer scheme in the OpenAPI document for routes that need a key; reading the
# header stays with `optional_principal`, which words its own 401s.
BEARER_SCHEME = HTTPBearer(
    auto_error=False, bearerFormat="API key", description="A key made by `services.common.keys`"
)


async def require_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
    _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER_SCHEME)],
) -> Principal:
    """Demand a valid API key (every write does)."""
    if principal is None:
        raise Unauthorized("This request needs an API key: send 'Authorization: Bearer <key>'.")
    return principal


def require_roles(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """Return a dependency that admits only the given roles."""
    allowed = ", ".join(role.value for role in roles)

    async def dependency(principal: Annotated[Principal, Depends(require_principal)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"This request needs a key with one of the roles: {allowed}.")
        return principal

    return dependency


def ensure_may_write_state(principal: Principal, iso3: str) -> None:
    """Let admins write any state's data, and a state key only its own."""
    if principal.role is Role.ADMIN:
        return
    if principal.role is Role.STATE and principal.state == iso3.upper():
        return
    raise Forbidden(f"This key may not change the data of {iso3.upper()}.")


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(require_principal)]
AdminPrincipal = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
CommitteePrincipal = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.COMMITTEE))]


class KeyHolder(BaseModel):
    """Whom the key a request carries speaks for."""

    key_id: str = Field(description="The key's public id, as the audit log names its writes")
    role: Role = Field(description="admin, committee or state")
    state: str | None = Field(
        description="The State Party whose data a state key writes (ISO-3); null for the others"
    )


def key_router() -> APIRouter:
    """`GET /whoami`: a client (the dashboard's sign-in) checks a key before it writes with it."""
    router = APIRouter(tags=["operations"])

    @router.get("/whoami", response_model=KeyHolder, responses=AUTHENTICATED)
    async def read_key_holder(principal: CurrentPrincipal, response: Response) -> KeyHolder:
        """The role of the API key sent, and the State a state key writes for."""
        response.headers["Cache-Control"] = "no-store"
        return KeyHolder(key_id=principal.key_id, role=principal.role, state=principal.state)

    return router
