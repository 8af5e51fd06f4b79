"""Query parameters a route does not take are refused (422), as unknown body fields are.

A misspelt filter (`?stauts=party`) silently ignored returns everything, and a client reads the
wrong answer as the right one; refusing it names the mistake.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from services.common.errors import Unprocessable

_KNOWN = "cartagena_known_query_parameters"


def _known_query_parameters(route: APIRoute) -> frozenset[str]:
    # Routes are fixed once the app is built: walk each one's dependencies once, and keep the
    # answer on the route itself (routes are not hashable, and ids are reused once freed).
    known: frozenset[str] | None = getattr(route, _KNOWN, None)
    if known is None:
        known = _declared_query_parameters(route)
        setattr(route, _KNOWN, known)
    return known


def _declared_query_parameters(route: APIRoute) -> frozenset[str]:
    names: set[str] = set()
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop()
        names.update(param.alias for param in dependant.query_params)
        pending.extend(dependant.dependencies)
    return frozenset(names)


async def reject_unknown_query_parameters(request: Request) -> None:
    """An app-wide dependency: 422 for any query parameter the matched route does not declare.

    `async` so that FastAPI runs it on the event loop: it is pure, and a trip to the threadpool
    on every request of every route would cost more than the route itself on cached reads."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    unknown = sorted(set(request.query_params) - _known_query_parameters(route))
    if unknown:
        raise Unprocessable(
            f"Unknown query parameter(s): {', '.join(repr(name) for name in unknown)}.",
            extra={
                "errors": [
                    {
                        "loc": ["query", name],
                        "msg": "not a parameter of this route",
                        "type": "extra_forbidden",
                    }
                    for name in unknown
                ]
            },
        )
