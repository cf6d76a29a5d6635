"""Supply chain headline KPIs recomputed from the landing files in plain Python (KPIS.md §3).

Independent of the SQL: the same definitions as ``rpt_supply_chain__daily``'s YAML, written
again from the raw deliveries. The test world's timezone is UTC, so a timestamp's day is its
date.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from oracle.landing import Landing

COGS_WINDOW_DAYS = 30


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if not denominator else float(numerator) / float(denominator)


def _day(value: Any) -> date | None:
    return None if value is None else value.date()


def _latest_snapshots(world: Landing) -> list[dict[str, Any]]:
    """One row per snapshot_id, the latest delivery winning (as staging does)."""
    return list(world.latest("inventory_snapshots").values())


def _active_at_end_of(world: Landing, day: date) -> dict[str, bool]:
    """Each product's is_active in its newest catalogue version written on or before ``day``."""
    newest: dict[str, tuple[Any, dict[str, Any]]] = {}
    for row in world.rows("products"):
        if row["updated_at"].date() > day:
            continue
        held = newest.get(row["product_id"])
        if held is None or (row["updated_at"], row["_ds"]) >= held[0]:
            newest[row["product_id"]] = ((row["updated_at"], row["_ds"]), row)
    return {product_id: bool(row["is_active"]) for product_id, (_, row) in newest.items()}


def _supplier_otif(world: Landing, day: date) -> dict[str, Any]:
    purchase_orders = world.latest("purchase_orders").values()
    due = [po for po in purchase_orders if po["expected_date"] == day]
    otif = [
        po
        for po in due
        if po["received_at"] is not None
        and po["received_at"].date() <= po["expected_date"]
        and po["qty_received"] >= po["qty_ordered"]
    ]
    received = [po for po in purchase_orders if _day(po["received_at"]) == day]
    lead_times = [(po["received_at"].date() - po["ordered_at"].date()).days for po in received]
    return {
        "purchase_orders_due": len(due),
        "purchase_orders_otif": len(otif),
        "pct_supplier_otif": _ratio(len(otif), len(due)),
        "avg_po_lead_time_days": _ratio(sum(lead_times), len(lead_times)),
    }


def _stock(world: Landing, day: date) -> dict[str, Any]:
    snapshots = _latest_snapshots(world)
    first_day = min(_day(o["ordered_at"]) for o in world.latest("orders").values())
    window_start = max(day - timedelta(days=COGS_WINDOW_DAYS - 1), first_day)
    cogs = sum(
        (
            s["units_shipped"] * s["unit_cost"]
            for s in snapshots
            if window_start <= s["snapshot_date"] <= day
        ),
        Decimal(0),
    )
    avg_daily_cogs = float(cogs) / ((day - window_start).days + 1)

    todays = [s for s in snapshots if s["snapshot_date"] == day]
    active = _active_at_end_of(world, day)
    active_counted = [s for s in todays if active.get(s["product_id"], False)]
    stocked_out = [s for s in active_counted if s["on_hand"] <= 0]
    value = sum((s["on_hand"] * s["unit_cost"] for s in todays), Decimal(0)) if todays else None
    return {
        "active_products": len(active_counted),
        "stocked_out_products": len(stocked_out),
        "pct_stockout": _ratio(len(stocked_out), len(active_counted)),
        "inventory_value": value,
        "days_of_inventory": None if value is None else _ratio(value, avg_daily_cogs),
    }


def _fill_rate(world: Landing, day: date) -> dict[str, Any]:
    units: dict[str, int] = defaultdict(int)
    for item in world.latest("order_items").values():
        units[item["order_id"]] += item["quantity"]
    placed = [o for o in world.latest("orders").values() if o["ordered_at"].date() == day]
    ordered = sum(units[o["order_id"]] for o in placed if o["status"] != "cancelled")
    shipped = sum(units[o["order_id"]] for o in placed if o["shipped_at"] is not None)
    unavailable = sum(units[o["order_id"]] for o in placed if o["status"] == "unavailable")
    # an order still to ship counts as filled until it is found unavailable
    return {
        "customer_units_ordered": ordered,
        "customer_units_shipped": shipped,
        "pct_fill_rate": _ratio(ordered - unavailable, ordered),
    }


def _logistics(world: Landing, day: date) -> dict[str, Any]:
    shipped = [s for s in world.latest("shipments").values() if _day(s["shipped_at"]) == day]
    cost = sum((s["shipping_cost"] for s in shipped), Decimal(0))
    return {
        "shipped_orders": len(shipped),
        "logistics_cost_per_order": _ratio(cost, len(shipped)),
    }


def headline(world: Landing, day: date) -> dict[str, Any]:
    """``rpt_supply_chain__daily``'s headline KPIs (and a few cheap extras) for ``day``."""
    return {
        **_supplier_otif(world, day),
        **_stock(world, day),
        **_fill_rate(world, day),
        **_logistics(world, day),
    }
