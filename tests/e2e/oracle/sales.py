"""Sales headline KPIs recomputed from the landing files (KPIS.md §9), in plain Python.

Orders belong to the (UTC) day they were placed; net sales are Σ quantity × unit_price −
discount over valid orders (status not cancelled or unavailable). Attainment is
month-to-date net sales ÷ (the company's monthly target × day of month ÷ days in month).
A customer is won on the day of their first valid order ever.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from oracle.landing import Landing

INVALID_STATUSES = {"cancelled", "unavailable"}


def _net_sales_by_order(world: Landing) -> dict[str, tuple[dict[str, Any], Decimal]]:
    """Every valid order with its net sales."""
    gmv: dict[str, Decimal] = defaultdict(Decimal)
    for item in world.latest("order_items").values():
        gmv[item["order_id"]] += item["quantity"] * item["unit_price"]
    return {
        order["order_id"]: (order, gmv[order["order_id"]] - (order["discount_amount"] or 0))
        for order in world.latest("orders").values()
        if order["status"] not in INVALID_STATUSES
    }


def headline(world: Landing, day: date) -> dict[str, Any]:
    valid = _net_sales_by_order(world).values()
    month_start = day.replace(day=1)

    by_channel: dict[str, Decimal] = defaultdict(Decimal)
    mtd_net_sales = Decimal(0)
    first_order_day: dict[str, date] = {}
    for order, net_sales in valid:
        ordered = order["ordered_at"].date()
        if ordered == day:
            by_channel[order["sales_channel"]] += net_sales
        if month_start <= ordered <= day:
            mtd_net_sales += net_sales
        customer = order["customer_id"]
        first_order_day[customer] = min(ordered, first_order_day.get(customer, ordered))

    (monthly_target,) = [
        t["net_sales_target"]
        for t in world.latest("sales_targets").values()
        if t["target_level"] == "company" and t["target_month"] == month_start
    ] or [None]
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    prorated = (
        float(monthly_target) * day.day / days_in_month if monthly_target is not None else None
    )
    selling = {channel: amount for channel, amount in by_channel.items() if amount > 0}
    return {
        "net_sales": sum(by_channel.values(), Decimal(0)),
        "pct_attainment": float(mtd_net_sales) / prorated if prorated else None,
        "new_customers_won": sum(1 for first in first_order_day.values() if first == day),
        "top_channel": min(selling, key=lambda c: (-selling[c], c)) if selling else None,
        "mtd_net_sales": mtd_net_sales,
        "partner_net_sales": by_channel.get("partner", Decimal(0)),
    }
