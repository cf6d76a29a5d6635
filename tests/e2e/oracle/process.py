"""Process operations headline KPIs recomputed from the landing files (KPIS.md §2)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from oracle.landing import Landing

SHIPPING_SLA_HOURS = 48


def quantile_cont(values: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks, as DuckDB's ``quantile_cont``."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def headline(world: Landing, day: date) -> dict[str, Any]:
    """The process email's tiles for ``day`` (+ orders shipped and tickets per 100 orders)."""
    orders = list(world.latest("orders").values())

    shipped = [o for o in orders if o["shipped_at"] and o["shipped_at"].date() == day]
    ship_hours = [(o["shipped_at"] - o["ordered_at"]).total_seconds() / 3600 for o in shipped]
    within_sla = sum(1 for h in ship_hours if h <= SHIPPING_SLA_HOURS)

    delivered = [
        o
        for o in orders
        if o["delivered_at"] and o["delivered_at"].date() == day and o["promised_delivery_date"]
    ]
    on_time = sum(1 for o in delivered if o["delivered_at"].date() <= o["promised_delivery_date"])

    def in_backlog(order: dict[str, Any]) -> bool:
        if order["status"] == "unavailable" or order["ordered_at"].date() > day:
            return False
        if order["status"] == "cancelled" and order["cancelled_at"] is None:
            return False  # not valid, and no day it was valid until
        for left_at in (order["shipped_at"], order["cancelled_at"]):
            if left_at is not None and left_at.date() <= day:
                return False
        return True

    valid_orders = sum(
        1
        for o in orders
        if o["ordered_at"].date() == day and o["status"] not in ("cancelled", "unavailable")
    )
    tickets = sum(
        1 for t in world.latest("support_tickets").values() if t["opened_at"].date() == day
    )
    return {
        "pct_shipped_within_sla": within_sla / len(shipped) if shipped else None,
        "p90_order_to_ship_hours": quantile_cont(ship_hours, 0.9),
        "backlog_orders": sum(1 for o in orders if in_backlog(o)),
        "pct_delivered_on_time": on_time / len(delivered) if delivered else None,
        "orders_shipped": len(shipped),
        "tickets_per_100_orders": 100 * tickets / valid_orders if valid_orders else None,
    }
