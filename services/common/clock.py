"""An injectable clock: everything that asks "what day is it?" asks this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime


@dataclass(frozen=True)
class Clock:
    """Real time, or a fixed day when `today_override` is set (the time of day stays real)."""

    today_override: date | None = None

    def now(self) -> datetime:
        """Return the current UTC time, on the overridden day if there is one."""
        real = datetime.now(UTC)
        if self.today_override is None:
            return real
        return datetime.combine(self.today_override, real.timetz())

    def today(self) -> date:
        """Return today's date (UTC)."""
        return self.today_override or datetime.now(UTC).date()
