"""Marketing headline KPIs recomputed from the landing files in plain Python (KPIS.md §12).

Spend is the ad platforms' delivery on the day; conversions are valid orders (status not
cancelled or unavailable) placed that day that name a campaign; attributed net sales are
their GMV (Σ quantity × unit_price) minus their discount. Timezone: UTC.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from oracle.landing import Landing

INVALID_STATUSES = {"cancelled", "unavailable"}


def _ratio(numerator: Decimal | int, denominator: Decimal | int) -> float | None:
    return float(numerator) / float(denominator) if denominator else None


def headline(world: Landing, day: date) -> dict[str, Any]:
    delivered = [s for s in world.latest("ad_spend").values() if s["spend_date"] == day]
    spend = sum((s["spend"] for s in delivered), Decimal(0))

    conversions = [
        o
        for o in world.latest("orders").values()
        if o["campaign_id"] is not None
        and o["status"] not in INVALID_STATUSES
        and o["ordered_at"].date() == day
    ]
    converted_ids = {o["order_id"] for o in conversions}
    gmv: dict[str, Decimal] = defaultdict(Decimal)
    for item in world.latest("order_items").values():
        if item["order_id"] in converted_ids:
            gmv[item["order_id"]] += item["quantity"] * item["unit_price"]
    attributed_net_sales = sum(
        (gmv[o["order_id"]] - o["discount_amount"] for o in conversions), Decimal(0)
    )
    campaigns_active = sum(
        1 for c in world.latest("campaigns").values() if c["start_date"] <= day <= c["end_date"]
    )

    return {
        "spend": spend,
        "roas": _ratio(attributed_net_sales, spend),
        "cpa": _ratio(spend, len(conversions)),
        "conversions": len(conversions),
        "attributed_net_sales": attributed_net_sales,
        "campaigns_active": campaigns_active,
    }
