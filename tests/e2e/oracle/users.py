"""User operations headline KPIs (KPIS.md §10) recomputed from the landing files.

A customer's activity is their valid orders (latest version of each order, status not
cancelled or unavailable), on the day placed (UTC in the test world). New: first valid order
on the day; active: a valid order in the 30 days ending on the day; repeat purchase rate:
customers with at least two valid orders up to the day ÷ customers with at least one. CSAT:
mean score of the tickets (latest version) resolved on the day that have one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from oracle.landing import Landing

INVALID_STATUSES = frozenset({"cancelled", "unavailable"})
ACTIVE_DAYS = 30


def headline(world: Landing, day: date) -> dict[str, Any]:
    order_dates: dict[str, list[date]] = defaultdict(list)
    for order in world.latest("orders").values():
        ordered_on = order["ordered_at"].date()
        if order["status"] not in INVALID_STATUSES and ordered_on <= day:
            order_dates[order["customer_id"]].append(ordered_on)

    window_start = day - timedelta(days=ACTIVE_DAYS - 1)
    new_customers = sum(1 for dates in order_dates.values() if min(dates) == day)
    active_customers = sum(
        1 for dates in order_dates.values() if any(d >= window_start for d in dates)
    )
    customers_with_order = len(order_dates)
    repeat_customers = sum(1 for dates in order_dates.values() if len(dates) >= 2)

    scores = [
        t["csat_score"]
        for t in world.latest("support_tickets").values()
        if t["resolved_at"] is not None
        and t["resolved_at"].date() == day
        and t["csat_score"] is not None
    ]

    return {
        "new_customers": new_customers,
        "active_customers": active_customers,
        "pct_repeat_purchase": (
            repeat_customers / customers_with_order if customers_with_order else None
        ),
        "avg_csat_score": sum(scores) / len(scores) if scores else None,
        "customers_with_order": customers_with_order,
        "repeat_customers": repeat_customers,
    }
