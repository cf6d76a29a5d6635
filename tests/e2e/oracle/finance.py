"""Finance headline KPIs (KPIS.md §14) recomputed from the landing files in plain Python.

Revenue, COGS and opex by ledger posting date; operating cost per valid order placed that day;
the reconciliation like-for-like by order day: every revenue line of an order belongs to the
day the order was placed (a line of an unknown order to its posting day), compared with the
net sales (GMV − discount) of the valid orders placed that day. Timezone UTC.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from oracle.landing import Landing

INVALID_STATUSES = ("cancelled", "unavailable")


def _ratio(numerator: Decimal | float, denominator: Decimal | float) -> float | None:
    return float(numerator) / float(denominator) if denominator else None


def headline(world: Landing, day: date) -> dict[str, Any]:
    ledger = list(world.latest("gl_entries").values())
    orders = world.latest("orders")
    order_day = {key[0]: row["ordered_at"].date() for key, row in orders.items()}

    def posted(account: str) -> Decimal:
        return sum(
            (e["amount"] for e in ledger if e["posted_date"] == day and e["account"] == account),
            Decimal(0),
        )

    revenue = posted("revenue")
    cogs = posted("cogs")
    opex = sum(
        (
            e["amount"]
            for e in ledger
            if e["posted_date"] == day and e["account"].startswith("opex:")
        ),
        Decimal(0),
    )

    gmv: dict[str, Decimal] = defaultdict(Decimal)
    for item in world.latest("order_items").values():
        gmv[item["order_id"]] += item["quantity"] * item["unit_price"]
    valid_today = [
        row
        for row in orders.values()
        if row["ordered_at"].date() == day and row["status"] not in INVALID_STATUSES
    ]
    net_sales = sum(
        (gmv[o["order_id"]] - (o["discount_amount"] or Decimal(0)) for o in valid_today),
        Decimal(0),
    )
    ledger_order_revenue = sum(
        (
            e["amount"]
            for e in ledger
            if e["account"] == "revenue" and order_day.get(e["order_id"], e["posted_date"]) == day
        ),
        Decimal(0),
    )
    difference = ledger_order_revenue - net_sales
    cash_collected = sum(
        (
            p["amount"]
            for p in world.latest("payments").values()
            if p["payment_type"] == "charge" and p["paid_at"].date() == day
        ),
        Decimal(0),
    )
    return {
        "revenue": revenue,
        "pct_gross_margin": _ratio(revenue - cogs, revenue),
        "operating_cost_per_order": _ratio(opex, len(valid_today)),
        "reconciliation_difference": difference,
        "pct_reconciliation_difference": _ratio(difference, net_sales),
        "cash_collected": cash_collected,
    }
