"""Days, demand curves and times of day for the demo company.

Time is kept as whole seconds since the Unix epoch (UTC) in ``int64`` arrays; ``-1`` means
"did not happen". Day ``t`` is the ``t``-th day from the start of the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

DAY = 86_400
HOUR = 3_600
MINUTE = 60
NEVER = -1

GROWTH_PER_DAY = 1.003
"""Volumes grow 0.3 % a day (about 31 % over 90 days)."""

# Monday first. Online shopping peaks on Sunday evening and Monday, dips on Saturday.
WEEKDAY_DEMAND = np.array([1.08, 1.04, 1.00, 0.97, 0.92, 0.85, 1.04])
# Partners buy on working days.
WEEKDAY_B2B = np.array([1.10, 1.10, 1.05, 1.05, 1.00, 0.15, 0.10])

# Share of the day's shoppers per UTC hour (Europe and the Americas blended).
SHOPPING_HOURS = np.array(
    [
        2.0,
        1.5,
        1.0,
        0.8,
        0.7,
        0.8,
        1.2,
        2.0,
        3.0,
        3.8,
        4.2,
        4.6,
        5.0,
        5.2,
        5.0,
        4.8,
        4.8,
        5.0,
        5.6,
        6.2,
        6.6,
        6.4,
        5.2,
        3.4,
    ]
)
SHOPPING_HOURS = SHOPPING_HOURS / SHOPPING_HOURS.sum()
OFFICE_HOURS = np.r_[np.zeros(8), np.ones(9), np.zeros(7)] / 9.0


@dataclass(frozen=True)
class Timeline:
    """The simulated days: ``days`` calendar days from ``start``."""

    start: date
    days: int

    @property
    def epoch0(self) -> int:
        return (self.start - date(1970, 1, 1)).days * DAY

    def date_of(self, t: int) -> date:
        return self.start + timedelta(days=t)

    def day_start(self, t: int | np.ndarray) -> int | np.ndarray:
        return self.epoch0 + t * DAY

    def day_index(self, ts: np.ndarray) -> np.ndarray:
        """Day index of each timestamp (negative before the start)."""
        return (ts - self.epoch0) // DAY

    def weekday(self, t: int) -> int:
        return self.date_of(t).weekday()

    def demand(self, t: int, weekday_curve: np.ndarray = WEEKDAY_DEMAND) -> float:
        """Relative volume of day ``t``: weekday seasonality times compound growth."""
        return float(weekday_curve[self.weekday(t)] * GROWTH_PER_DAY**t)


def weekday_of(ts: np.ndarray) -> np.ndarray:
    """Monday = 0 ... Sunday = 6 for epoch-second timestamps (1970-01-01 was a Thursday)."""
    return (ts // DAY + 3) % 7


def times_in_day(
    rng: np.random.Generator, n: int, day_start: int, hourly: np.ndarray = SHOPPING_HOURS
) -> np.ndarray:
    """``n`` timestamps within one day, hours drawn from ``hourly``."""
    hours = rng.choice(24, size=n, p=hourly)
    return day_start + hours * HOUR + rng.integers(0, HOUR, size=n)


def times_between(
    rng: np.random.Generator, low: np.ndarray | int, high: np.ndarray | int, n: int | None = None
) -> np.ndarray:
    """Uniform whole-second timestamps in ``[low, high)`` (``high`` > ``low``)."""
    low = np.asarray(low, dtype=np.int64)
    high = np.asarray(high, dtype=np.int64)
    size = n if n is not None else np.broadcast(low, high).shape
    span = np.maximum(high - low, 1)
    return low + (rng.random(size) * span).astype(np.int64)


def end_of_day(ts: np.ndarray) -> np.ndarray:
    """Last second of the UTC day each timestamp falls on."""
    return (ts // DAY + 1) * DAY - 1
