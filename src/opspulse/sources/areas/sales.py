"""Contracts of the sales area: sales_reps, partners, sales_targets."""

from __future__ import annotations

from opspulse.sources.model import Source

SOURCES: tuple[Source, ...] = ()
