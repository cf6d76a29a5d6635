"""The demo company beyond the core seven sources, one module per area.

Each area module has ``write(context) -> {source: (rows, files)}``: it reads the core
world's landing files just written (orders, customers, products, sessions, ...) with DuckDB,
derives its own sources from them so the whole world stays consistent, and writes one file
per source per day with :class:`opspulse.demo.writer.LandingWriter`. Areas run in the order
of :data:`AREAS`; a later area may read an earlier one's files.
"""

from __future__ import annotations

from opspulse.demo.areas import (
    commerce,
    experiments,
    finance,
    marketing,
    sales,
    security,
    supply_chain,
    web,
)
from opspulse.demo.areas.context import AreaContext

__all__ = ["AREAS", "AreaContext"]


AREAS = (marketing, sales, web, experiments, commerce, supply_chain, finance, security)
