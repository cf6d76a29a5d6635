"""Rows the simulation has produced, held until the day their export file is written.

A simulated order knows its whole future when it is placed (when it will ship, be delivered,
be returned), so the simulation produces change records for later days at once. A
:class:`Batch` holds such rows as plain numpy columns plus the export day of each row; the
:class:`Backlog` hands each day's rows out when that day is written, and forgets rows that
fall after the last simulated day (events after ``end`` are simply not emitted).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Batch:
    """Column arrays of equal length, plus ``day``: the export day of every row."""

    day: np.ndarray
    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.day)

    def take(self, index: np.ndarray) -> Batch:
        return Batch(self.day[index], {k: v[index] for k, v in self.columns.items()})

    @staticmethod
    def concat(batches: list[Batch]) -> Batch:
        if len(batches) == 1:
            return batches[0]
        names = batches[0].columns.keys()
        return Batch(
            np.concatenate([b.day for b in batches]),
            {k: np.concatenate([b.columns[k] for b in batches]) for k in names},
        )


class Backlog:
    """Pending rows per source, released day by day."""

    def __init__(self, days: int) -> None:
        self.days = days
        self._pending: dict[str, list[Batch]] = defaultdict(list)

    def add(self, source: str, batch: Batch) -> None:
        keep = batch.day < self.days
        if keep.any():
            self._pending[source].append(batch if keep.all() else batch.take(np.flatnonzero(keep)))

    def release(self, source: str, t: int) -> Batch | None:
        """Rows of ``source`` exported on day ``t`` (``None`` when there are none)."""
        due, later = [], []
        for batch in self._pending[source]:
            today = batch.day == t
            if today.any():
                due.append(batch.take(np.flatnonzero(today)))
            if (batch.day > t).any():
                later.append(batch)
        self._pending[source] = later
        return Batch.concat(due) if due else None
