"""The reminders' state as Prometheus reads it: the outbox, the deliveries, the deadline sync and
the scheduler's lease, counted from the database at each scrape.

Read from the tables rather than counted in memory, so the API process and the scheduler process
report the same figures, and a restart loses none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Connection, Engine, Result, func, select
from sqlmodel import col

from services.common.types import as_utc
from services.reminders.models import (
    Delivery,
    DeliveryAttempt,
    Notice,
    Reminder,
    SchedulerLease,
    SyncRun,
)


class RemindersCollector(Collector):
    """Gauges of the reminders' records; `up` 0 (and nothing else) when the database fails."""

    def __init__(
        self,
        engine: Callable[[], Engine],
        *,
        now: Callable[[], datetime],
        wall_clock: Callable[[], datetime],
    ) -> None:
        self._engine = engine
        self._now = now  # the service's clock: due times and syncs are in its time
        self._wall_clock = wall_clock  # the lease's time

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("cm_reminders_metrics_up", "1 when the reminders' records answered")
        try:
            families = list(self._families())
        except Exception:  # a scrape reports a failure; it must never raise
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self) -> Iterator[Metric]:
        with self._engine().connect() as connection:
            now = self._now()
            yield _by_labels(
                "cm_reminders",
                "Reminders in the outbox by channel and status (pending: planned, delivered: "
                "sent, cancelled, expired, dead)",
                ["channel", "status"],
                connection.execute(
                    select(col(Reminder.channel), col(Reminder.status), func.count()).group_by(
                        col(Reminder.channel), col(Reminder.status)
                    )
                ),
            )
            yield _by_labels(
                "cm_notices",
                "Notices to contact points (one of their state's unsubscribed) by channel and "
                "status (pending, delivered, cancelled, dead)",
                ["channel", "status"],
                connection.execute(
                    select(col(Notice.channel), col(Notice.status), func.count()).group_by(
                        col(Notice.channel), col(Notice.status)
                    )
                ),
            )
            yield _by_labels(
                "cm_deliveries",
                "Deliveries by channel and status (pending, retrying, delivered, dead, cancelled)",
                ["channel", "status"],
                connection.execute(
                    select(col(Delivery.channel), col(Delivery.status), func.count()).group_by(
                        col(Delivery.channel), col(Delivery.status)
                    )
                ),
            )
            yield _by_labels(
                "cm_delivery_attempts",
                "Delivery attempts by channel and outcome (delivered, failed, interrupted)",
                ["channel", "outcome"],
                connection.execute(
                    select(col(Delivery.channel), col(DeliveryAttempt.outcome), func.count())
                    .join(Delivery, col(Delivery.id) == col(DeliveryAttempt.delivery_id))
                    .group_by(col(Delivery.channel), col(DeliveryAttempt.outcome))
                ),
            )
            oldest_due = connection.execute(
                select(func.min(col(Reminder.due_at))).where(
                    col(Reminder.status) == "pending", col(Reminder.due_at) <= now
                )
            ).scalar_one()
            yield _gauge(
                "cm_reminders_delivery_lag_seconds",
                "How long the oldest reminder that is due has waited to be sent (0: none waits)",
                0.0 if oldest_due is None else (now - as_utc(oldest_due)).total_seconds(),
            )
            yield from self._sync(connection, now)
            yield from self._lease(connection)

    def _sync(self, connection: Connection, now: datetime) -> Iterator[Metric]:
        execute = connection.execute
        yield _by_labels(
            "cm_deadline_sync_runs",
            "Syncs of the parties' deadlines kept in the log, by outcome (ok, failed)",
            ["outcome"],
            execute(select(col(SyncRun.outcome), func.count()).group_by(col(SyncRun.outcome))),
        )
        last_ok = execute(
            select(func.max(col(SyncRun.finished_at))).where(col(SyncRun.outcome) == "ok")
        ).scalar_one()
        yield _gauge(
            "cm_deadline_sync_age_seconds",
            "Seconds since the parties' deadlines were last synced (+Inf: never)",
            float("inf") if last_ok is None else (now - as_utc(last_ok)).total_seconds(),
        )

    def _lease(self, connection: Connection) -> Iterator[Metric]:
        lease = select(
            col(SchedulerLease.holder), col(SchedulerLease.token), col(SchedulerLease.expires_at)
        )
        held = connection.execute(lease).first()
        holder = GaugeMetricFamily(
            "cm_scheduler_lease_holder",
            "1 for the scheduler process that holds the lease (hostname:pid:id)",
            labels=["holder"],
        )
        if held is not None:
            holder.add_metric([held.holder], 1)
        yield holder
        yield _gauge(
            "cm_scheduler_lease_token",
            "The fencing token of the lease's holder (grows with each new holder)",
            0 if held is None else held.token,
        )
        remaining = 0.0
        if held is not None:
            remaining = (as_utc(held.expires_at) - self._wall_clock()).total_seconds()
        yield _gauge(
            "cm_scheduler_lease_expires_in_seconds",
            "Seconds until the lease lapses unless renewed (negative: lapsed; 0: never held)",
            remaining,
        )


def _by_labels(name: str, documentation: str, labels: list[str], rows: Result[Any]) -> Metric:
    """A gauge per row of a GROUP BY: the row's leading columns label its last (the count)."""
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for row in rows:
        *values, count = tuple(row)
        family.add_metric([str(value) for value in values], count)
    return family


def _gauge(name: str, documentation: str, value: float) -> Metric:
    return GaugeMetricFamily(name, documentation, value=value)
