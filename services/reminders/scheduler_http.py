"""The scheduler process's own `/metrics` and `/healthz`, on a port of its own.

The scheduler serves no API, but an operator must see it: whether it holds the lease, how far
behind its deliveries and syncs are, and its memory and CPU like any process.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import uvicorn
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.common import metrics
from services.common.metrics import metrics_app, register_process_metrics
from services.reminders.lease import Holding
from services.reminders.metrics import RemindersCollector


class HoldingCollector(Collector):
    """Whether this process holds the lease now (its own view, beside the table's)."""

    def __init__(self, holding: Holding) -> None:
        self._holding = holding

    def collect(self) -> list[Metric]:
        held = GaugeMetricFamily(
            "cm_scheduler_holds_lease", "1 while this scheduler process holds the lease"
        )
        held.add_metric([], 1 if self._holding.token is not None else 0)
        return [held]


def serve_in_background(
    *, host: str, port: int, holding: Holding, engine: Engine, now: Callable[[], datetime]
) -> uvicorn.Server:
    """Start the scheduler's `/metrics` and `/healthz` (the process answers, and says whether it
    holds the lease or waits as a standby; `python -m services.reminders scheduler-health` checks
    that some scheduler renewed the lease in time)."""
    registry = CollectorRegistry()
    register_process_metrics(registry)
    registry.register(
        RemindersCollector(lambda: engine, now=now, wall_clock=lambda: datetime.now(UTC))
    )
    registry.register(HoldingCollector(holding))

    async def healthz(request: Request) -> JSONResponse:
        token = holding.token
        status = "holding" if token is not None else "standby"
        return JSONResponse({"status": status, "holder": holding.holder, "token": token})

    app = metrics_app(registry, [Route("/healthz", healthz)])
    return metrics.serve_in_background(app, host=host, port=port)
