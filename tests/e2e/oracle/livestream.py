"""Livestream headline KPIs recomputed from the landing files (KPIS.md §8), in plain Python.

A stream counts on the (UTC) day it started; the orders naming it count with it, whatever
day they were placed. Stream GMV is the net sales (Σ quantity × unit_price − discount) of
its valid orders (status not cancelled or unavailable).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from oracle.landing import Landing

INVALID_STATUSES = {"cancelled", "unavailable"}


def _order_gmv(world: Landing) -> dict[str, Decimal]:
    gmv: dict[str, Decimal] = defaultdict(Decimal)
    for item in world.latest("order_items").values():
        gmv[item["order_id"]] += item["quantity"] * item["unit_price"]
    return gmv


def headline(world: Landing, day: date) -> dict[str, Any]:
    streams = [s for s in world.latest("livestreams").values() if s["started_at"].date() == day]
    stream_ids = {s["livestream_id"] for s in streams}
    gmv = _order_gmv(world)
    valid_orders = [
        o
        for o in world.latest("orders").values()
        if o["livestream_id"] in stream_ids and o["status"] not in INVALID_STATUSES
    ]
    stream_gmv = sum(
        (gmv[o["order_id"]] - (o["discount_amount"] or 0) for o in valid_orders), Decimal(0)
    )
    unique_viewers = sum(s["unique_viewers"] for s in streams)
    watch_minutes = sum(s["watch_minutes"] for s in streams)
    hours = sum((s["ended_at"] - s["started_at"]).total_seconds() / 3600 for s in streams)
    return {
        "stream_gmv": stream_gmv,
        "unique_viewers": unique_viewers,
        "pct_conversion": len(valid_orders) / unique_viewers if unique_viewers else None,
        "avg_watch_minutes": watch_minutes / unique_viewers if unique_viewers else None,
        "streams_held": len(streams),
        "hours_streamed": hours,
    }
