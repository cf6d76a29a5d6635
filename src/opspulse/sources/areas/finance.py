"""Contracts of the finance area: gl_entries, budgets."""

from __future__ import annotations

from opspulse.sources.model import Source

SOURCES: tuple[Source, ...] = ()
