"""Contracts of the supply chain area: suppliers, purchase_orders, inventory_snapshots, shipments, competitor_prices."""

from __future__ import annotations

from opspulse.sources.model import Source

SOURCES: tuple[Source, ...] = ()
