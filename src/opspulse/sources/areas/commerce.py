"""Contracts of the commerce area: returns, reviews."""

from __future__ import annotations

from opspulse.sources.model import Source

SOURCES: tuple[Source, ...] = ()
