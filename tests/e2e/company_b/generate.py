"""Nordhav's landing files: a small Norwegian homeware shop, unlike the demo company.

``write_landing(landing_dir, start, end, seed)`` writes the six commerce sources (customers,
products, orders, order_items, payments, reviews) as ``<landing>/<source>/<YYYY-MM-DD>/
<source>.<ext>``, the folder date being the export day: the **Oslo** calendar day on which
the rows were created or changed. Pure standard library (csv, json) plus pyarrow for the
Parquet product files; deterministic for a seed (two runs are byte-identical).

How Nordhav differs from the demo, on purpose:

* timezone Europe/Oslo (UTC+1, UTC+2 in summer), currency NOK; about one order in ten is
  placed between 00:00 and 01:00 Oslo time, i.e. on the previous UTC date;
* its own vocabulary: categories ``lamper``, ``tekstiler``, ``kjøkken``, ``møbler``,
  ``dekor``; sales channels ``web``, ``app``, ``butikk``, ``marketplace``; payment methods
  ``vipps``, ``klarna``, ``card``, ``apple_pay``, ``gift_card`` (a gift card plus a card is
  two charges); regions such as ``Østlandet``, ``Skåne``, ``Hovedstaden``;
* a customer id that is the platform's unique person id (a short hash), not a per-order id;
* some products without ``unit_cost`` or ``sku``; tealights priced to 1/100 øre (``12.4950``,
  sold in packs of two, so every order line is still whole øre);
* reviews per order (``product_id`` empty), for about one delivered order in eight: most
  days have none and get an empty (0-byte) NDJSON file;
* statuses: ``cancelled`` (a third of them without ``cancelled_at``, some a day or two after
  the order), ``unavailable`` (found out of stock a day later), ``returned`` (refunded as a
  payment: Nordhav delivers no returns source); one parcel delivered about 200 days after
  it shipped; the warehouse ships Monday to Friday only;
* no targets file, no web sessions, no other source.

Cadence: orders, order_items, payments and reviews are written every day (empty file on a
day without rows); customers and products only on days something changed (``on_change``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq

TIMEZONE = "Europe/Oslo"
OSLO = ZoneInfo(TIMEZONE)
START = date(2024, 11, 1)
END = date(2026, 10, 30)

SOURCES = ("customers", "products", "orders", "order_items", "payments", "reviews")
DAILY_SOURCES = ("orders", "order_items", "payments", "reviews")
ON_CHANGE_SOURCES = ("customers", "products")

TS = "%Y-%m-%d %H:%M:%S"
CENT = Decimal("0.01")

COLUMNS: dict[str, tuple[str, ...]] = {
    "customers": (
        "customer_id",
        "email",
        "phone",
        "country",
        "region",
        "signup_channel",
        "marketing_consent",
        "created_at",
        "updated_at",
    ),
    "products": (
        "product_id",
        "sku",
        "product_name",
        "category",
        "brand",
        "supplier_id",
        "unit_cost",
        "list_price",
        "is_active",
        "launched_at",
        "updated_at",
    ),
    "orders": (
        "order_id",
        "customer_id",
        "ordered_at",
        "status",
        "sales_channel",
        "session_id",
        "campaign_id",
        "livestream_id",
        "partner_id",
        "sales_rep_id",
        "discount_amount",
        "shipping_cost",
        "promised_delivery_date",
        "shipped_at",
        "delivered_at",
        "cancelled_at",
        "updated_at",
    ),
    "order_items": ("order_item_id", "order_id", "product_id", "quantity", "unit_price"),
    "payments": ("payment_id", "order_id", "payment_type", "payment_method", "amount", "paid_at"),
    "reviews": ("review_id", "order_id", "product_id", "customer_id", "rating", "reviewed_at"),
}
"""Column order of each file (the contract's order, ``opspulse.sources.contracts``)."""

# (product_id, sku, name, category, brand, unit_cost, list_price); None = not exported
CATALOGUE: tuple[tuple[str, str | None, str | None, str, str, str | None, str], ...] = (
    ("NH-P001", "LMP-001", "Bordlampe Fjord", "lamper", "Nordhav", "310.00", "799.00"),
    ("NH-P002", "LMP-002", "Taklampe Måne", "lamper", "Nordhav", "640.00", "1499.00"),
    ("NH-P003", "LMP-003", "Gulvlampe Bø", "lamper", "Lys & Co", None, "2490.00"),
    ("NH-P004", None, "Lyslenke Vinter", "lamper", "Lys & Co", "95.00", "249.00"),
    ("NH-P005", "TKS-001", "Pledd Ull Grå", "tekstiler", "Nordhav", "280.00", "699.00"),
    ("NH-P006", "TKS-002", "Putetrekk Lin", "tekstiler", "Nordhav", "70.00", "199.00"),
    ("NH-P007", "TKS-003", "Håndkle Bomull", "tekstiler", "Vev", None, "149.00"),
    ("NH-P008", "TKS-004", "Gardin Rå", "tekstiler", "Vev", "210.00", "549.00"),
    ("NH-P009", "KJK-001", "Kaffekanne Emalje", "kjøkken", "Koke", "120.00", "349.00"),
    ("NH-P010", "KJK-002", "Skjærebrett Eik", "kjøkken", "Koke", "150.00", "399.00"),
    ("NH-P011", "KJK-003", "Tekopp Steintøy", "kjøkken", "Koke", "45.00", "129.00"),
    ("NH-P012", "KJK-004", "Støpejernsgryte", "kjøkken", "Koke", None, "1890.00"),
    ("NH-P013", "MOB-001", "Krakk Bjørk", "møbler", "Snekker", "520.00", "1290.00"),
    ("NH-P014", "MOB-002", "Hylle Furu", "møbler", "Snekker", "880.00", "2190.00"),
    ("NH-P015", "MOB-003", "Sidebord Ask", "møbler", "Snekker", "1450.00", "3490.00"),
    ("NH-P016", "DKR-001", "Vase Glass Blå", "dekor", "Nordhav", "110.00", "329.00"),
    ("NH-P017", "DKR-002", "Telys 12-pk", "dekor", "Lys & Co", "4.1000", "12.4950"),
    ("NH-P018", None, None, "dekor", "Nordhav", None, "89.00"),
    ("NH-P019", "DKR-004", "Speil Rund", "dekor", "Nordhav", "390.00", "990.00"),
    ("NH-P020", "DKR-005", "Lysestake Messing", "dekor", "Lys & Co", "160.00", "449.00"),
)
PACK_OF_TWO = frozenset({"NH-P017"})
"""Products priced below an øre, sold in even quantities (every line is whole øre)."""

LAUNCHES = (
    # (product_id, sku, name, category, brand, unit_cost, list_price, launch day)
    (
        "NH-P021",
        "LMP-004",
        "Vegglampe Nord",
        "lamper",
        "Nordhav",
        "420.00",
        "1090.00",
        "2025-03-14",
    ),
    ("NH-P022", "TKS-005", "Ullteppe Fjell", "tekstiler", "Vev", None, "1790.00", "2025-09-02"),
    ("NH-P023", "KJK-005", "Brødkurv Never", "kjøkken", "Koke", "90.00", "279.00", "2026-02-10"),
)
DISCONTINUED = ("NH-P008", date(2026, 4, 1))
"""A product taken off sale (is_active false from that day)."""

CHANNELS = (("web", 50), ("app", 22), ("butikk", 16), ("marketplace", 12))
METHODS = (("vipps", 34), ("klarna", 24), ("card", 28), ("apple_pay", 8), ("gift_split", 6))
COUNTRIES = (("NO", 72), ("SE", 16), ("DK", 12))
REGIONS = {
    "NO": ("Østlandet", "Vestlandet", "Trøndelag", "Nord-Norge", "Sørlandet"),
    "SE": ("Stockholm", "Skåne", "Västra Götaland"),
    "DK": ("Hovedstaden", "Midtjylland"),
}
SIGNUP_CHANNELS = ("organic", "social", "email", "direct", "paid_search")
HOLIDAYS = {(12, 25), (12, 26), (1, 1), (5, 17)}
"""Days (month, day) the warehouse and the carriers do not work."""


@dataclass(frozen=True)
class Summary:
    """What :func:`write_landing` wrote."""

    start: date
    end: date
    timezone: str
    rows: dict[str, int]
    files: dict[str, int]
    late_delivery_order_id: str
    """The parcel delivered about 200 days after it shipped."""
    midnight_order_ids: tuple[str, ...]
    """Orders placed before 01:00 Oslo time: their UTC date is the previous day."""


@dataclass
class _Order:
    order_id: str
    customer_id: str
    ordered_at: datetime
    channel: str
    method: str
    lines: list[tuple[str, int, Decimal]]
    discount: Decimal
    promised: date
    events: list[tuple[datetime, dict]] = field(default_factory=list)

    @property
    def gmv(self) -> Decimal:
        return sum((q * p for _, q, p in self.lines), Decimal(0))


def _local_day(ts: datetime) -> date:
    return ts.astimezone(OSLO).date()


def _at(day: date, hour: float) -> datetime:
    """``hour`` hours after local midnight of ``day`` (Oslo), as an aware UTC datetime."""
    local = datetime.combine(day, time(0), tzinfo=OSLO) + timedelta(seconds=round(hour * 3600))
    return local.astimezone(UTC)


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _working(day: date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS


def _carrier_day(day: date) -> bool:
    return day.weekday() < 6 and (day.month, day.day) not in HOLIDAYS


def _ship_time(rng: random.Random, ready: datetime) -> datetime:
    """The first warehouse slot (Mon-Fri 09:00-16:00 Oslo) at or after ``ready``."""
    local = ready.astimezone(OSLO)
    day, hour = local.date(), local.hour + local.minute / 60
    if _working(day) and 9 <= hour < 16:
        return ready
    if _working(day) and hour < 9:
        return _at(day, 9 + rng.uniform(0, 3))
    day += timedelta(days=1)
    while not _working(day):
        day += timedelta(days=1)
    return _at(day, 9 + rng.uniform(0, 3))


def _delivery_time(rng: random.Random, shipped: datetime, transit_days: int) -> datetime:
    day = _local_day(shipped) + timedelta(days=transit_days)
    while not _carrier_day(day):
        day += timedelta(days=1)
    return _at(day, rng.uniform(10, 20))


def _customer_id(seed: int, n: int) -> str:
    return "nh" + hashlib.sha256(f"nordhav:{seed}:{n}".encode()).hexdigest()[:14]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(TS)
    return str(value)


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(TS)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _write_csv(path: Path, source: str, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS[source])
        for row in rows:
            writer.writerow([_text(row[c]) for c in COLUMNS[source]])


def _write_ndjson(path: Path, source: str, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            record = {c: _json_value(row[c]) for c in COLUMNS[source]}
            fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


PRODUCT_SCHEMA = pa.schema(
    [
        pa.field("product_id", pa.string(), nullable=False),
        pa.field("sku", pa.string()),
        pa.field("product_name", pa.string()),
        pa.field("category", pa.string(), nullable=False),
        pa.field("brand", pa.string()),
        pa.field("supplier_id", pa.string()),
        pa.field("unit_cost", pa.decimal128(18, 4)),
        pa.field("list_price", pa.decimal128(18, 4), nullable=False),
        pa.field("is_active", pa.bool_(), nullable=False),
        pa.field("launched_at", pa.timestamp("us"), nullable=False),
        pa.field("updated_at", pa.timestamp("us"), nullable=False),
    ]
)


def _write_parquet(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = {name: [] for name in PRODUCT_SCHEMA.names}
    for row in rows:
        for name in PRODUCT_SCHEMA.names:
            value = row[name]
            if isinstance(value, datetime):
                value = value.astimezone(UTC).replace(tzinfo=None)
            columns[name].append(value)
    table = pa.table(columns, schema=PRODUCT_SCHEMA)
    pq.write_table(table, path, compression="zstd")


class _Shop:
    """The simulation: products, customers and orders, each event kept with its time."""

    def __init__(self, start: date, end: date, seed: int) -> None:
        self.start, self.end = start, end
        self.rng = random.Random(seed)
        self.seed = seed
        self.product_versions: list[dict] = []
        self.customer_versions: list[dict] = []
        self.orders: list[_Order] = []
        self.payments: list[dict] = []
        self.reviews: list[dict] = []
        self.price: dict[str, Decimal] = {}
        self.on_sale: list[str] = []
        self.customers: list[str] = []
        self.customer_rows: dict[str, dict] = {}

    # --- catalogue -------------------------------------------------------------------
    def _product(self, spec, launched_at: datetime, updated_at: datetime) -> dict:
        pid, sku, name, category, brand, cost, price = spec[:7]
        return {
            "product_id": pid,
            "sku": sku,
            "product_name": name,
            "category": category,
            "brand": brand,
            "supplier_id": None,
            "unit_cost": Decimal(cost) if cost is not None else None,
            "list_price": Decimal(price),
            "is_active": True,
            "launched_at": launched_at,
            "updated_at": updated_at,
        }

    def catalogue(self) -> None:
        rng = self.rng
        first_export = _at(self.start, 6.5)
        current: dict[str, dict] = {}
        for i, spec in enumerate(CATALOGUE):
            launched = _at(date(2024, 9, 1) + timedelta(days=2 * i), 10)
            row = self._product(spec, launched, first_export)
            current[spec[0]] = row
            self.product_versions.append(row)
        self.price = {pid: row["list_price"] for pid, row in current.items()}
        self.on_sale = [pid for pid in current]
        self._current_products = current
        self._launch_days = {date.fromisoformat(s[7]): s for s in LAUNCHES}
        self._price_change_days = {}
        day = self.start + timedelta(days=17)
        while day <= self.end:
            self._price_change_days[day] = rng.choice(sorted(current))
            day += timedelta(days=rng.randint(15, 35))

    def catalogue_changes(self, day: date) -> None:
        """Launches, price changes and discontinuations of ``day`` (before its orders)."""
        rng = self.rng
        if spec := self._launch_days.get(day):
            row = self._product(spec, _at(day, 8), _at(day, 8))
            self._current_products[spec[0]] = row
            self.product_versions.append(row)
            self.price[spec[0]] = row["list_price"]
            self.on_sale.append(spec[0])
        if pid := self._price_change_days.get(day):
            old = self._current_products[pid]
            if pid in PACK_OF_TWO:
                new_price = old["list_price"] + Decimal("0.5000")
            else:
                factor = Decimal(rng.choice(("0.85", "0.9", "1.1", "1.15")))
                new_price = (old["list_price"] * factor).quantize(Decimal("1")) - CENT
            row = dict(old, list_price=new_price, updated_at=_at(day, 7 + rng.random()))
            self._current_products[pid] = row
            self.product_versions.append(row)
            self.price[pid] = new_price
        if day == DISCONTINUED[1]:
            pid = DISCONTINUED[0]
            row = dict(self._current_products[pid], is_active=False, updated_at=_at(day, 7.25))
            self._current_products[pid] = row
            self.product_versions.append(row)
            self.on_sale.remove(pid)

    # --- customers -------------------------------------------------------------------
    def new_customer(self, created_at: datetime) -> str:
        rng = self.rng
        n = len(self.customers) + 1
        cid = _customer_id(self.seed, n)
        country = _pick(rng, COUNTRIES)
        row = {
            "customer_id": cid,
            "email": f"kunde{n:05d}@example.com",
            "phone": f"+47 4{rng.randint(1000000, 9999999)}" if rng.random() < 0.6 else None,
            "country": country,
            "region": rng.choice(REGIONS[country]),
            "signup_channel": rng.choice(SIGNUP_CHANNELS) if rng.random() < 0.9 else None,
            "marketing_consent": rng.random() < 0.45,
            "created_at": created_at,
            "updated_at": created_at,
        }
        self.customers.append(cid)
        self.customer_rows[cid] = row
        self.customer_versions.append(row)
        return cid

    def customer_updates(self, day: date) -> None:
        """A few customers change their consent or move region on ``day``."""
        rng = self.rng
        for _ in range(2):
            if self.customers and rng.random() < 0.3:
                cid = rng.choice(self.customers)
                old = self.customer_rows[cid]
                when = _at(day, rng.uniform(8, 22))
                if when <= old["updated_at"]:
                    continue
                if rng.random() < 0.5:
                    row = dict(old, marketing_consent=not old["marketing_consent"])
                else:
                    row = dict(old, region=rng.choice(REGIONS[old["country"]]))
                row["updated_at"] = when
                self.customer_rows[cid] = row
                self.customer_versions.append(row)

    # --- orders ----------------------------------------------------------------------
    def orders_of(self, day: date, first_number: int) -> list[_Order]:
        rng = self.rng
        if (day.month, day.day) == (12, 25):
            return []
        busy = 2 if day.month in (11, 12) else 0
        n = rng.randint(3, 6 + busy)
        hours = sorted(
            rng.uniform(0.05, 0.98) if rng.random() < 0.1 else rng.uniform(7, 23.9)
            for _ in range(n)
        )
        out = []
        for i, hour in enumerate(hours):
            ordered_at = _at(day, hour)
            if rng.random() < max(0.55, 1 - len(self.customers) / 300):
                customer = self.new_customer(ordered_at - timedelta(minutes=rng.randint(1, 40)))
            else:
                customer = rng.choice(self.customers)
            products = rng.sample(self.on_sale, rng.choices((1, 2, 3), weights=(55, 30, 15))[0])
            lines = []
            for pid in sorted(products):
                qty = 2 * rng.randint(1, 3) if pid in PACK_OF_TWO else rng.choice((1, 1, 1, 2, 3))
                lines.append((pid, qty, self.price[pid]))
            order = _Order(
                order_id=f"NH-{first_number + i}",
                customer_id=customer,
                ordered_at=ordered_at,
                channel=_pick(rng, CHANNELS),
                method=_pick(rng, METHODS),
                lines=lines,
                discount=Decimal(0),
                promised=day + timedelta(days=5),
            )
            if rng.random() < 0.15:
                order.discount = (
                    min(order.gmv, (order.gmv * Decimal("0.1")).quantize(CENT))
                    if rng.random() < 0.5
                    else min(order.gmv, Decimal("50.00"))
                )
            out.append(order)
        return out

    def life(self, order: _Order, late_parcel: bool) -> None:
        """The order's versions (time, columns) and its payments, up to the end of the run."""
        rng = self.rng
        base = {
            "status": "placed",
            "shipping_cost": None,
            "shipped_at": None,
            "delivered_at": None,
            "cancelled_at": None,
        }
        horizon = _at(self.end + timedelta(days=1), 0)
        t0 = order.ordered_at
        order.events.append((t0, dict(base)))
        charged = self._charge(
            order, t0 + timedelta(minutes=rng.randint(0, 9), seconds=rng.randint(1, 59))
        )
        fate = rng.random()
        if late_parcel:
            fate = 0.5
        if fate < 0.03:  # cancelled by the customer, before shipping
            if rng.random() < 0.25:
                when = _at(_local_day(t0) + timedelta(days=rng.randint(1, 2)), rng.uniform(8, 15))
            else:
                when = t0 + timedelta(minutes=rng.randint(10, 300))
            cancelled_at = when if rng.random() < 0.67 else None
            self._event(order, when, horizon, status="cancelled", cancelled_at=cancelled_at)
            self._refund(
                order, charged, order.gmv - order.discount, when + timedelta(minutes=3), horizon
            )
            return
        if fate < 0.045:  # out of stock: unavailable a working day later, no cancelled_at
            when = _ship_time(rng, t0 + timedelta(hours=20))
            self._event(order, when, horizon, status="unavailable")
            self._refund(
                order, charged, order.gmv - order.discount, when + timedelta(minutes=5), horizon
            )
            return
        ready = t0 + timedelta(hours=rng.uniform(1, 20))
        if rng.random() < 0.06:  # waiting for stock
            ready += timedelta(days=rng.randint(1, 3))
        shipped = _ship_time(rng, ready)
        cost = Decimal(rng.choice(("49.00", "69.00", "89.00", "129.00")))
        state = self._event(
            order, shipped, horizon, status="shipped", shipped_at=shipped, shipping_cost=cost
        )
        if state is None:
            return
        if late_parcel:
            delivered = _delivery_time(rng, shipped, 200)
        else:
            delivered = _delivery_time(
                rng, shipped, rng.choices((1, 2, 3, 4, 6), (30, 35, 20, 10, 5))[0]
            )
        if (
            self._event(order, delivered, horizon, status="delivered", delivered_at=delivered)
            is None
        ):
            return
        if not late_parcel and rng.random() < 0.04:  # returned and refunded
            returned = _at(
                _local_day(delivered) + timedelta(days=rng.randint(6, 20)), rng.uniform(9, 15)
            )
            if self._event(order, returned, horizon, status="returned") is None:
                return
            pid, qty, price = rng.choice(order.lines)
            amount = min(qty * price, order.gmv - order.discount)
            self._refund(order, charged, amount, returned + timedelta(minutes=30), horizon)
            rating = rng.choice((1, 2, 2, 3))
        else:
            rating = rng.choices((1, 2, 3, 4, 5), (3, 4, 10, 33, 50))[0]
        if rng.random() < 0.13:
            reviewed = _at(
                _local_day(delivered) + timedelta(days=rng.randint(1, 14)), rng.uniform(8, 23)
            )
            if reviewed < horizon:
                self.reviews.append(
                    {
                        "review_id": f"NH-R{len(self.reviews) + 1:05d}",
                        "order_id": order.order_id,
                        "product_id": None,
                        "customer_id": order.customer_id,
                        "rating": rating,
                        "reviewed_at": reviewed,
                    }
                )

    def _event(self, order: _Order, when: datetime, horizon: datetime, **changes) -> dict | None:
        if when >= horizon:
            return None
        state = dict(order.events[-1][1], **changes)
        order.events.append((when, state))
        return state

    def _charge(self, order: _Order, when: datetime) -> list[tuple[str, Decimal]]:
        total = order.gmv - order.discount
        if order.method == "gift_split" and total > Decimal("250.00"):
            parts = [("gift_card", Decimal("250.00")), ("card", total - Decimal("250.00"))]
        elif order.method == "gift_split":
            parts = [("gift_card", total)]
        else:
            parts = [(order.method, total)]
        parts = [(method, amount) for method, amount in parts if amount > 0]  # a free order
        for i, (method, amount) in enumerate(parts):
            self._payment(order, "charge", method, amount, when + timedelta(seconds=20 * i))
        return parts

    def _refund(self, order, charged, amount: Decimal, when: datetime, horizon: datetime) -> None:
        if when < horizon and amount > 0:
            method = max(charged, key=lambda part: part[1])[0]
            self._payment(order, "refund", method, amount, when)

    def _payment(self, order, kind: str, method: str, amount: Decimal, when: datetime) -> None:
        self.payments.append(
            {
                "payment_id": f"NH-PAY{len(self.payments) + 1:06d}",
                "order_id": order.order_id,
                "payment_type": kind,
                "payment_method": method,
                "amount": amount,
                "paid_at": when,
            }
        )

    def run(self) -> None:
        self.catalogue()
        day, number = self.start, 10001
        late_parcel_done = False
        while day <= self.end:
            self.catalogue_changes(day)
            self.customer_updates(day)
            for order in self.orders_of(day, number):
                late = not late_parcel_done and day >= date(2025, 3, 10) and order.channel == "web"
                late_parcel_done = late_parcel_done or late
                self.life(order, late)
                self.orders.append(order)
                number += 1
            day += timedelta(days=1)


def _order_rows(order: _Order) -> dict[date, dict]:
    """The order's change record of each export day: its state at the end of that day."""
    by_day: dict[date, dict] = {}
    for when, state in order.events:
        by_day[_local_day(when)] = {
            "order_id": order.order_id,
            "customer_id": order.customer_id,
            "ordered_at": order.ordered_at,
            "sales_channel": order.channel,
            "session_id": None,
            "campaign_id": None,
            "livestream_id": None,
            "partner_id": None,
            "sales_rep_id": None,
            "discount_amount": order.discount.quantize(CENT),
            "promised_delivery_date": order.promised,
            **state,
            "updated_at": when,
        }
    return by_day


def write_landing(
    landing_dir: Path, start: date = START, end: date = END, seed: int = 7
) -> Summary:
    """Write Nordhav's six commerce sources for the Oslo days ``start``..``end``."""
    landing_dir = Path(landing_dir)
    shop = _Shop(start, end, seed)
    shop.run()

    per_day: dict[str, dict[date, list[dict]]] = {s: defaultdict(list) for s in SOURCES}
    for row in shop.customer_versions:
        per_day["customers"][_local_day(row["updated_at"])].append(row)
    for row in shop.product_versions:
        per_day["products"][_local_day(row["updated_at"])].append(row)
    late_id = ""
    midnight = []
    for order in shop.orders:
        for ds, row in _order_rows(order).items():
            per_day["orders"][ds].append(row)
        placed_on = _local_day(order.ordered_at)
        for i, (pid, qty, price) in enumerate(order.lines, start=1):
            per_day["order_items"][placed_on].append(
                {
                    "order_item_id": f"{order.order_id}-{i}",
                    "order_id": order.order_id,
                    "product_id": pid,
                    "quantity": qty,
                    "unit_price": price,
                }
            )
        if order.ordered_at.astimezone(UTC).date() < placed_on:
            midnight.append(order.order_id)
        states = [s for _, s in order.events]
        if states[-1]["delivered_at"] and states[-1]["shipped_at"]:
            if states[-1]["delivered_at"] - states[-1]["shipped_at"] > timedelta(days=150):
                late_id = order.order_id
    for row in shop.payments:
        per_day["payments"][_local_day(row["paid_at"])].append(row)
    for row in shop.reviews:
        per_day["reviews"][_local_day(row["reviewed_at"])].append(row)

    rows = dict.fromkeys(SOURCES, 0)
    files = dict.fromkeys(SOURCES, 0)
    day = start
    while day <= end:
        for source in SOURCES:
            todays = per_day[source].get(day, [])
            if source in ON_CHANGE_SOURCES and not todays:
                continue
            if source in ON_CHANGE_SOURCES:  # one record per key: its end-of-day version
                last = {}
                for row in sorted(todays, key=lambda r: r["updated_at"]):
                    last[row[COLUMNS[source][0]]] = row
                todays = list(last.values())
            todays.sort(key=lambda r: _text(r[COLUMNS[source][0]]))
            folder = landing_dir / source / day.isoformat()
            if source == "products":
                _write_parquet(folder / "products.parquet", todays)
            elif source in ("order_items", "reviews"):
                _write_ndjson(folder / f"{source}.ndjson", source, todays)
            else:
                _write_csv(folder / f"{source}.csv", source, todays)
            rows[source] += len(todays)
            files[source] += 1
        day += timedelta(days=1)
    return Summary(
        start=start,
        end=end,
        timezone=TIMEZONE,
        rows=rows,
        files=files,
        late_delivery_order_id=late_id,
        midnight_order_ids=tuple(midnight),
    )


if __name__ == "__main__":
    import sys

    summary = write_landing(Path(sys.argv[1]))
    print(f"{summary.start}..{summary.end} ({summary.timezone}): rows {summary.rows}")
