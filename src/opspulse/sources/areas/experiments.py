"""Contracts of the experiments area: experiments, experiment_assignments."""

from __future__ import annotations

from opspulse.sources.model import Source

SOURCES: tuple[Source, ...] = ()
