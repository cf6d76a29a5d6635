"""E-commerce headline KPIs (KPIS.md §5) recomputed from the landing files.

Orders are the latest version of each order, placed on the day (UTC in the test world);
valid orders are those whose status is not cancelled or unavailable. GMV is Σ quantity ×
unit_price of an order's lines (latest delivery of each line); net sales are the GMV of the
valid orders minus their discounts. A cart session is abandoned when no order (any status)
names it as its session.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from oracle.landing import Landing

INVALID_STATUSES = frozenset({"cancelled", "unavailable"})


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def headline(world: Landing, day: date) -> dict[str, Any]:
    orders = list(world.latest("orders").values())
    gmv_by_order: dict[str, Decimal] = defaultdict(Decimal)
    for line in world.latest("order_items").values():
        gmv_by_order[line["order_id"]] += line["quantity"] * line["unit_price"]

    placed = [o for o in orders if o["ordered_at"].date() == day]
    valid = [o for o in placed if o["status"] not in INVALID_STATUSES]
    gmv = sum((gmv_by_order[o["order_id"]] for o in placed), Decimal(0))
    net_sales = sum(
        (gmv_by_order[o["order_id"]] - (o["discount_amount"] or 0) for o in valid), Decimal(0)
    )

    ordered_sessions = {o["session_id"] for o in orders if o["session_id"] is not None}
    cart_sessions = [
        s
        for s in world.latest("web_sessions").values()
        if s["started_at"].date() == day and (s["add_to_cart_events"] or 0) > 0
    ]
    abandoned = [s for s in cart_sessions if s["session_id"] not in ordered_sessions]

    return {
        "net_sales": net_sales,
        "valid_orders": len(valid),
        "avg_order_value": _ratio(float(net_sales), len(valid)),
        "pct_cart_abandonment": _ratio(len(abandoned), len(cart_sessions)),
        "gmv": gmv,
        "placed_orders": len(placed),
    }
