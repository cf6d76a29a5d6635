"""Nordhav's headline KPIs recomputed from its landing files in plain Python.

Independent of the pipeline: files are read with csv/json (pyarrow for the Parquet
products), nothing from DuckDB, dbt or opspulse's SQL. The definitions are KPIS.md's
conventions and the report marts' YAML (``dbt_project/models/marts/<role>/``):

* a day is a calendar date in the company timezone (a UTC timestamp belongs to its local
  date); the run for ``day`` sees the deliveries of folders up to ``day`` (``as_of``);
* change records (orders, customers, products): the latest version of each key by
  ``updated_at``, then by export day;
* placed orders: ``ordered_at`` on the day, any status; valid orders: status not
  ``cancelled`` or ``unavailable``; net sales: Σ quantity × unit_price of a valid order's
  lines − its ``discount_amount``; refunds are not deducted;
* a customer is new (won) on the day of their first valid order ever;
* shipping KPIs belong to the day shipped, delivery KPIs to the day delivered (on time when
  the local delivery date ≤ ``promised_delivery_date``), ratings to the day reviewed;
* backlog at the end of the day: orders placed by then, not shipped by then, not
  ``unavailable`` and not cancelled by then; a ``cancelled`` order without ``cancelled_at``
  is never in it (KPIS.md: the backlog holds valid orders only, whether or not a
  cancellation time was recorded);
* percentiles interpolate linearly between ranks, as DuckDB's ``quantile_cont``; a ratio
  whose denominator is 0 is None.

KPIs whose only inputs Nordhav does not deliver are None: cart abandonment (no web
sessions), the 30-day return rate (no returns source: the role catalogue makes ``returns``
optional for product, and an absent optional source gives NULL), attainment (no targets),
CSAT (no support tickets).
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

INVALID_STATUSES = frozenset({"cancelled", "unavailable"})
SHIPPING_SLA_HOURS = 48
ACTIVE_DAYS = 30
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"

KEYS = {"customers": "customer_id", "products": "product_id", "orders": "order_id"}
"""Change-record sources and their key (the others are append-only events)."""


def quantile_cont(values: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks, as DuckDB's ``quantile_cont``."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _ratio(numerator: float | Decimal, denominator: float | Decimal) -> float | None:
    return float(numerator) / float(denominator) if denominator else None


def _timestamp(value: str | None) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    return datetime.strptime(value, TIMESTAMP_FORMAT)


def _decimal(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


class NordhavLanding:
    """The landing folder as plain Python rows, each with its export day ``_ds``."""

    def __init__(self, root: Path, as_of: date, timezone: str) -> None:
        self.root = Path(root)
        self.as_of = as_of
        self.tz = ZoneInfo(timezone)

    def local_date(self, ts: datetime | None) -> date | None:
        """The company-timezone date of a naive UTC timestamp."""
        return None if ts is None else ts.replace(tzinfo=UTC).astimezone(self.tz).date()

    def _files(self, source: str):
        folder = self.root / source
        if not folder.is_dir():
            return
        for day_dir in sorted(folder.iterdir()):
            ds = date.fromisoformat(day_dir.name)
            if ds <= self.as_of:
                for path in sorted(day_dir.iterdir()):
                    yield ds, path

    def rows(self, source: str) -> list[dict[str, Any]]:
        out = []
        for ds, path in self._files(source):
            if path.suffix == ".csv":
                with path.open(newline="", encoding="utf-8") as fh:
                    records = [
                        {k: (None if v == "" else v) for k, v in r.items()}
                        for r in csv.DictReader(fh)
                    ]
            elif path.suffix == ".ndjson":
                with path.open(encoding="utf-8") as fh:
                    records = [json.loads(line) for line in fh if line.strip()]
            elif path.suffix == ".parquet":
                import pyarrow.parquet as pq

                records = pq.read_table(path).to_pylist()
            else:
                continue
            for record in records:
                record["_ds"] = ds
                out.append(record)
        return out

    def latest(self, source: str) -> dict[str, dict[str, Any]]:
        """Newest version per key: latest ``updated_at``, then latest export day."""
        key = KEYS[source]
        best: dict[str, tuple[tuple, dict]] = {}
        for row in self.rows(source):
            rank = (_timestamp(row["updated_at"]), row["_ds"])
            held = best.get(row[key])
            if held is None or rank >= held[0]:
                best[row[key]] = (rank, row)
        return {k: v[1] for k, v in best.items()}


def _orders(landing: NordhavLanding) -> list[dict[str, Any]]:
    """Latest version of each order, typed, with its local dates and its GMV."""
    gmv: dict[str, Decimal] = defaultdict(Decimal)
    units: dict[str, int] = defaultdict(int)
    for line in landing.rows("order_items"):
        gmv[line["order_id"]] += int(line["quantity"]) * _decimal(line["unit_price"])
        units[line["order_id"]] += int(line["quantity"])
    out = []
    for row in landing.latest("orders").values():
        order = {
            "order_id": row["order_id"],
            "customer_id": row["customer_id"],
            "status": row["status"],
            "sales_channel": row["sales_channel"],
            "discount_amount": _decimal(row["discount_amount"]) or Decimal(0),
            "promised_delivery_date": (
                date.fromisoformat(row["promised_delivery_date"])
                if row["promised_delivery_date"]
                else None
            ),
            "gmv": gmv[row["order_id"]],
            "units": units[row["order_id"]],
        }
        for column in ("ordered_at", "shipped_at", "delivered_at", "cancelled_at"):
            ts = _timestamp(row[column])
            order[column] = ts
            order[column.replace("_at", "_date")] = landing.local_date(ts)
        order["is_valid"] = order["status"] not in INVALID_STATUSES
        order["net_sales"] = order["gmv"] - order["discount_amount"]
        out.append(order)
    return out


def _in_backlog(order: dict[str, Any], day: date) -> bool:
    if order["ordered_date"] > day or order["status"] == "unavailable":
        return False
    if order["shipped_date"] is not None and order["shipped_date"] <= day:
        return False
    if order["status"] == "cancelled":
        cancelled = order["cancelled_date"]
        return cancelled is not None and cancelled > day
    return True


def headline(
    landing_dir: Path, day: date, timezone: str, *, as_of: date | None = None
) -> dict[str, dict[str, float | str | None]]:
    """Per role (ecommerce, product, users, process, sales), its headline KPIs for ``day``.

    Keys are the columns of ``rpt_<role>__daily``: the headline tiles first, then a few
    supporting columns. Money is a float of the exact sum. ``as_of`` (default ``day``) is the
    last export day read: the deliveries the run for ``day`` saw.
    """
    landing = NordhavLanding(landing_dir, as_of or day, timezone)
    orders = _orders(landing)
    placed = [o for o in orders if o["ordered_date"] == day]
    valid = [o for o in placed if o["is_valid"]]
    net_sales = sum((o["net_sales"] for o in valid), Decimal(0))

    refunds = sum(
        (
            _decimal(p["amount"])
            for p in landing.rows("payments")
            if p["payment_type"] == "refund" and landing.local_date(_timestamp(p["paid_at"])) == day
        ),
        Decimal(0),
    )
    ecommerce = {
        "net_sales": float(net_sales),
        "valid_orders": len(valid),
        "avg_order_value": _ratio(net_sales, len(valid)),
        "pct_cart_abandonment": None,
        "gmv": float(sum((o["gmv"] for o in placed), Decimal(0))),
        "placed_orders": len(placed),
        "refund_amount": float(refunds),
    }

    ratings = [
        int(r["rating"])
        for r in landing.rows("reviews")
        if landing.local_date(_timestamp(r["reviewed_at"])) == day
    ]
    product = {
        "net_sales": float(net_sales),
        "units_sold": sum(o["units"] for o in valid),
        "pct_returned": None,
        "avg_rating": _ratio(sum(ratings), len(ratings)),
        "review_count": len(ratings),
    }

    valid_days: dict[str, list[date]] = defaultdict(list)
    for o in orders:
        if o["is_valid"] and o["ordered_date"] <= day:
            valid_days[o["customer_id"]].append(o["ordered_date"])
    window_start = day - timedelta(days=ACTIVE_DAYS - 1)
    customers_with_order = len(valid_days)
    repeat_customers = sum(1 for days in valid_days.values() if len(days) >= 2)
    new_customers = sum(1 for days in valid_days.values() if min(days) == day)
    users = {
        "new_customers": new_customers,
        "active_customers": sum(
            1 for days in valid_days.values() if any(d >= window_start for d in days)
        ),
        "pct_repeat_purchase": _ratio(repeat_customers, customers_with_order),
        "avg_csat_score": None,
        "customers_with_order": customers_with_order,
        "repeat_customers": repeat_customers,
    }

    shipped = [o for o in orders if o["shipped_date"] == day]
    ship_hours = [(o["shipped_at"] - o["ordered_at"]).total_seconds() / 3600 for o in shipped]
    delivered = [o for o in orders if o["delivered_date"] == day]
    promised = [o for o in delivered if o["promised_delivery_date"] is not None]
    on_time = sum(1 for o in promised if o["delivered_date"] <= o["promised_delivery_date"])
    deliver_hours = [
        (o["delivered_at"] - o["shipped_at"]).total_seconds() / 3600
        for o in delivered
        if o["shipped_at"] is not None
    ]
    process = {
        "pct_shipped_within_sla": _ratio(
            sum(1 for h in ship_hours if h <= SHIPPING_SLA_HOURS), len(shipped)
        ),
        "p90_order_to_ship_hours": quantile_cont(ship_hours, 0.9),
        "backlog_orders": sum(1 for o in orders if _in_backlog(o, day)),
        "pct_delivered_on_time": _ratio(on_time, len(promised)),
        "orders_shipped": len(shipped),
        "orders_delivered": len(delivered),
        "p50_order_to_ship_hours": quantile_cont(ship_hours, 0.5),
        "p90_ship_to_deliver_hours": quantile_cont(deliver_hours, 0.9),
        "valid_orders": len(valid),
    }

    by_channel: dict[str, Decimal] = defaultdict(Decimal)
    for o in valid:
        by_channel[o["sales_channel"]] += o["net_sales"]
    selling = {c: v for c, v in by_channel.items() if v > 0}
    sales = {
        "net_sales": float(net_sales),
        "pct_attainment": None,
        "new_customers_won": new_customers,
        "top_channel": min(selling, key=lambda c: (-selling[c], c)) if selling else None,
        "valid_orders": len(valid),
    }
    return {
        "ecommerce": ecommerce,
        "product": product,
        "users": users,
        "process": process,
        "sales": sales,
    }
