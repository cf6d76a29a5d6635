"""Contracts of the web area: web_events, content_items, content_views."""

from __future__ import annotations

from opspulse.sources.model import Source

SOURCES: tuple[Source, ...] = ()
