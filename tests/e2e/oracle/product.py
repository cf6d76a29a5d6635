"""Product operations headline KPIs recomputed from the landing files (KPIS.md §1)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from oracle.landing import Landing

INVALID_STATUSES = {"cancelled", "unavailable"}
RETURN_WINDOW_DAYS = 30


def _valid_orders(world: Landing) -> dict[str, dict[str, Any]]:
    return {
        key[0]: order
        for key, order in world.latest("orders").items()
        if order["status"] not in INVALID_STATUSES
    }


def _units_sold_by_day(world: Landing) -> dict[date, int]:
    valid = _valid_orders(world)
    units: dict[date, int] = {}
    for line in world.latest("order_items").values():
        order = valid.get(line["order_id"])
        if order is not None:
            day = order["ordered_at"].date()
            units[day] = units.get(day, 0) + line["quantity"]
    return units


def headline(world: Landing, day: date) -> dict[str, Any]:
    """net_sales, units_sold, pct_returned (trailing 30 days), avg_rating (+ counts) of ``day``."""
    valid = _valid_orders(world)
    gmv: dict[str, Decimal] = {}
    for line in world.latest("order_items").values():
        gmv[line["order_id"]] = gmv.get(line["order_id"], Decimal(0)) + (
            line["quantity"] * line["unit_price"]
        )
    net_sales = sum(
        (
            gmv.get(order_id, Decimal(0)) - (order["discount_amount"] or Decimal(0))
            for order_id, order in valid.items()
            if order["ordered_at"].date() == day
        ),
        Decimal(0),
    )

    units = _units_sold_by_day(world)
    window = {day - timedelta(days=i) for i in range(RETURN_WINDOW_DAYS)}
    units_sold_30d = sum(units.get(d, 0) for d in window)
    returns = world.latest("returns").values()
    units_returned_30d = sum(r["quantity"] for r in returns if r["received_at"].date() in window)
    units_returned = sum(r["quantity"] for r in returns if r["received_at"].date() == day)

    ratings = [
        r["rating"] for r in world.latest("reviews").values() if r["reviewed_at"].date() == day
    ]
    return {
        "net_sales": net_sales,
        "units_sold": units.get(day, 0),
        "pct_returned": units_returned_30d / units_sold_30d if units_sold_30d else None,
        "avg_rating": sum(ratings) / len(ratings) if ratings else None,
        "review_count": len(ratings),
        "units_returned": units_returned,
    }
