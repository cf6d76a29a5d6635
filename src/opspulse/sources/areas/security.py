"""Contracts of the security area: security_incidents, privacy_requests."""

from __future__ import annotations

from opspulse.sources.model import Source

SOURCES: tuple[Source, ...] = ()
