"""Expand entity lifecycles into the contract's daily change records.

An entity (an order, a ticket) is simulated as a row of event timestamps, one column per
kind of event, ``-1`` when the event never happens. The export of day ``d`` holds one record
per entity with at least one event on ``d``, showing the entity as it stood at the end of
``d``: the latest event so far sets the status and ``updated_at``, and each event's
timestamp column is filled only once the event has happened.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from opspulse.demo.timeline import NEVER, Timeline


@dataclass(frozen=True)
class ChangeRecords:
    """One row per (entity, export day) with at least one event that day."""

    entity: np.ndarray
    """Row of the entity in the event matrix."""
    day: np.ndarray
    """Export day index."""
    updated_at: np.ndarray
    """Time of the entity's latest event up to the end of the day."""
    last_event: np.ndarray
    """Column of that latest event (so ``statuses[last_event]`` is the status)."""
    happened: np.ndarray
    """``(records, events)`` booleans: event had happened by the end of the day."""
    day_end: np.ndarray
    """First second after the export day."""

    def __len__(self) -> int:
        return len(self.entity)

    def as_of_day_end(self, timestamps: np.ndarray) -> np.ndarray:
        """Per-entity ``timestamps`` seen at the record's day end: ``-1`` until they happen."""
        values = timestamps[self.entity]
        return np.where((values != NEVER) & (values < self.day_end), values, NEVER)


def change_records(events: np.ndarray, timeline: Timeline) -> ChangeRecords:
    """Change records for an ``(entities, kinds)`` matrix of event timestamps.

    Events of one entity must have distinct timestamps; events outside the timeline are
    dropped (they land in files that are never written).
    """
    n, kinds = events.shape
    flat = events.ravel()
    entity = np.repeat(np.arange(n, dtype=np.int64), kinds)
    day = timeline.day_index(flat)
    keep = (flat != NEVER) & (day >= 0) & (day < timeline.days)
    keys = np.unique(entity[keep] * timeline.days + day[keep])
    rec_entity, rec_day = np.divmod(keys, timeline.days)
    day_end = timeline.day_start(rec_day + 1)
    matrix = events[rec_entity]
    happened = (matrix != NEVER) & (matrix < day_end[:, None])
    masked = np.where(happened, matrix, NEVER)
    return ChangeRecords(
        entity=rec_entity,
        day=rec_day,
        updated_at=masked.max(axis=1),
        last_event=masked.argmax(axis=1),
        happened=happened,
        day_end=day_end,
    )
