"""Nordhav's generator and oracle, without the pipeline: deterministic files of only the six
commerce sources, the oracle on a hand-checked day, and ``opspulse sources check``."""

from __future__ import annotations

import csv
import filecmp
import json
import time
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from company_b.generate import END, ON_CHANGE_SOURCES, SOURCES, START, TIMEZONE, write_landing
from company_b.oracle import headline, quantile_cont
from opspulse.sources import contracts
from opspulse.sources.check import check_landing

OSLO = ZoneInfo(TIMEZONE)


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> tuple[Path, object, float]:
    root = tmp_path_factory.mktemp("nordhav") / "landing"
    began = time.perf_counter()
    summary = write_landing(root, START, END)
    return root, summary, time.perf_counter() - began


def _csv_rows(root: Path, source: str) -> list[dict]:
    out = []
    for path in sorted((root / source).glob("*/*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            out += [dict(r, _ds=path.parent.name) for r in csv.DictReader(fh)]
    return out


def _ndjson_rows(root: Path, source: str) -> list[dict]:
    out = []
    for path in sorted((root / source).glob("*/*.ndjson")):
        out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return out


def _oslo_date(utc_text: str) -> date:
    return datetime.fromisoformat(utc_text).replace(tzinfo=UTC).astimezone(OSLO).date()


def test_generation_is_deterministic_and_fast(landing, tmp_path) -> None:
    root, summary, seconds = landing
    again = write_landing(tmp_path / "again", START, END)
    assert again == summary
    first = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    second = sorted(
        str(p.relative_to(tmp_path / "again"))
        for p in (tmp_path / "again").rglob("*")
        if p.is_file()
    )
    assert first == second
    _, mismatch, errors = filecmp.cmpfiles(root, tmp_path / "again", first, shallow=False)
    assert not mismatch and not errors
    assert seconds < 5, f"generation took {seconds:.1f} s"


def test_writes_only_the_six_commerce_sources_at_their_cadence(landing) -> None:
    root, summary, _ = landing
    assert sorted(p.name for p in root.iterdir()) == sorted(SOURCES)
    days = (END - START).days + 1
    assert START < date(2026, 1, 1) and days >= 700
    for source in SOURCES:
        contract = contracts.get(source)
        folders = sorted(p.name for p in (root / source).iterdir())
        assert folders[0] >= START.isoformat() and folders[-1] <= END.isoformat()
        for folder in (root / source).iterdir():
            names = [p.name for p in folder.iterdir()]
            assert names == [f"{source}{contract.extensions[0]}"], (source, folder.name, names)
        if source in ON_CHANGE_SOURCES:
            assert len(folders) < days, f"{source} is on_change but delivered every day"
        else:
            assert len(folders) == days, f"{source} misses days"
    empty_reviews = [p for p in (root / "reviews").glob("*/*.ndjson") if p.stat().st_size == 0]
    assert len(empty_reviews) > days / 2, "most days should have no review"
    assert summary.rows["orders"] > 3000 and sum(summary.rows.values()) < 30_000


def test_files_follow_the_contract_columns(landing) -> None:
    import pyarrow.parquet as pq

    root, _, _ = landing
    for source in ("customers", "orders", "payments"):
        path = sorted((root / source).glob("*/*.csv"))[0]
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert tuple(header) == contracts.get(source).column_names
    for source in ("order_items", "reviews"):
        record = _ndjson_rows(root, source)[0]
        assert tuple(record) == contracts.get(source).column_names
    table = pq.read_table(sorted((root / "products").glob("*/*.parquet"))[0])
    assert tuple(table.column_names) == contracts.get("products").column_names


def test_the_world_has_what_the_issue_asks_for(landing) -> None:
    """Non-ASCII categories, open vocabularies, per-order reviews, odd statuses, a late parcel."""
    import pyarrow.parquet as pq

    root, summary, _ = landing
    products = [
        r for p in sorted(root.glob("products/*/*.parquet")) for r in pq.read_table(p).to_pylist()
    ]
    categories = {p["category"] for p in products}
    assert "kjøkken" in categories and not categories & set(contracts.CATEGORIES)
    assert any(p["unit_cost"] is None for p in products)
    assert any(p["list_price"] != p["list_price"].quantize(Decimal("0.01")) for p in products)

    orders = _csv_rows(root, "orders")
    latest = {}
    for row in orders:
        latest[row["order_id"]] = row  # files are read in day order, one version a day
    statuses = Counter(r["status"] for r in latest.values())
    assert set(statuses) <= set(contracts.ORDER_STATUSES)
    assert statuses["unavailable"] and statuses["returned"] and statuses["cancelled"]
    cancelled = [r for r in latest.values() if r["status"] == "cancelled"]
    assert any(r["cancelled_at"] == "" for r in cancelled)
    assert any(
        r["cancelled_at"] and _oslo_date(r["cancelled_at"]) > _oslo_date(r["ordered_at"])
        for r in cancelled
    )
    assert {r["sales_channel"] for r in latest.values()} - set(contracts.SALES_CHANNELS)

    late = latest[summary.late_delivery_order_id]
    transit = datetime.fromisoformat(late["delivered_at"]) - datetime.fromisoformat(
        late["shipped_at"]
    )
    assert 190 <= transit.days <= 210

    payments = _csv_rows(root, "payments")
    assert {"vipps", "klarna"} <= {p["payment_method"] for p in payments}
    assert {p["payment_type"] for p in payments} == {"charge", "refund"}

    reviews = _ndjson_rows(root, "reviews")
    assert reviews and all(r["product_id"] is None for r in reviews)

    customers = _csv_rows(root, "customers")
    assert {c["country"] for c in customers} == {"NO", "SE", "DK"}
    ids = Counter((c["customer_id"], c["_ds"]) for c in customers)
    assert max(ids.values()) == 1, "a customer appears twice in one day's file"


def test_midnight_orders_fall_on_the_next_oslo_day(landing) -> None:
    root, summary, _ = landing
    assert len(summary.midnight_order_ids) > 100
    versions = _csv_rows(root, "orders")
    orders = {r["order_id"]: r for r in versions}
    first_export = {}
    for r in versions:
        first_export.setdefault(r["order_id"], r["_ds"])
    order = orders[summary.midnight_order_ids[0]]
    placed_utc = datetime.fromisoformat(order["ordered_at"])
    oslo_day = _oslo_date(order["ordered_at"])
    assert oslo_day > placed_utc.date()

    def placed_count(day: date, timezone: str) -> int:
        return headline(root, day, timezone)["ecommerce"]["placed_orders"]

    expected = {r["order_id"] for r in orders.values() if _oslo_date(r["ordered_at"]) == oslo_day}
    assert order["order_id"] in expected
    assert placed_count(oslo_day, TIMEZONE) == len(expected)
    by_utc_date = {
        r["order_id"]
        for r in orders.values()
        if datetime.fromisoformat(r["ordered_at"]).date() == oslo_day
        and first_export[r["order_id"]] <= oslo_day.isoformat()
    }
    assert placed_count(oslo_day, "UTC") == len(by_utc_date) != len(expected)


# --- the oracle on a day small enough to check by hand --------------------------------

ORDER_COLUMNS = contracts.get("orders").column_names


def _order(
    order_id,
    customer,
    ordered_at,
    status,
    *,
    channel="web",
    discount="0.00",
    promised="",
    shipped="",
    delivered="",
    cancelled="",
    updated=None,
) -> dict:
    row = dict.fromkeys(ORDER_COLUMNS, "")
    row.update(
        order_id=order_id,
        customer_id=customer,
        ordered_at=ordered_at,
        status=status,
        sales_channel=channel,
        discount_amount=discount,
        promised_delivery_date=promised,
        shipped_at=shipped,
        delivered_at=delivered,
        cancelled_at=cancelled,
        updated_at=updated or max(t for t in (ordered_at, shipped, delivered, cancelled) if t),
    )
    return row


# fmt: off
HAND_ORDERS = [  # (export day, row); timestamps UTC, Oslo is UTC+1 in January
    ("2025-01-15", _order("O1", "A", "2025-01-14 23:30:00", "shipped", discount="24.99",
                          shipped="2025-01-15 09:30:00")),                   # Oslo 15th 00:30
    ("2025-01-15", _order("O2", "B", "2025-01-15 10:00:00", "cancelled",
                          updated="2025-01-15 12:00:00")),                   # no cancelled_at
    ("2025-01-15", _order("O3", "C", "2025-01-15 22:59:00", "placed", channel="butikk")),
    ("2025-01-16", _order("O4", "A", "2025-01-15 23:10:00", "placed")),      # Oslo 16th 00:10
    ("2025-01-13", _order("O5", "D", "2025-01-12 12:00:00", "unavailable",
                          updated="2025-01-13 09:00:00")),
    ("2025-01-15", _order("O6", "B", "2025-01-10 08:00:00", "delivered", promised="2025-01-15",
                          shipped="2025-01-13 08:00:00", delivered="2025-01-15 17:30:00")),
    ("2025-01-15", _order("O7", "E", "2025-01-08 09:00:00", "shipped",
                          shipped="2025-01-15 14:00:00")),
    ("2025-01-09", _order("O8", "F", "2025-01-09 10:00:00", "placed")),
    ("2025-01-16", _order("O8", "F", "2025-01-09 10:00:00", "cancelled",
                          cancelled="2025-01-16 09:00:00")),                 # cancelled later
    ("2025-01-14", _order("O9", "B", "2025-01-14 15:00:00", "placed")),
    ("2025-01-15", _order("O10", "H", "2025-01-06 10:00:00", "delivered", promised="2025-01-11",
                          shipped="2025-01-07 10:00:00", delivered="2025-01-15 09:00:00")),
    ("2025-01-15", _order("O11", "I", "2025-01-13 12:00:00", "shipped",
                          shipped="2025-01-14 23:15:00")),                   # Oslo 15th 00:15
]
HAND_ITEMS = [  # (export day, order_item_id, order_id, product_id, quantity, unit_price)
    ("2025-01-15", "O1-1", "O1", "P1", 2, 100.00),
    ("2025-01-15", "O1-2", "O1", "P2", 2, 12.4950),
    ("2025-01-15", "O2-1", "O2", "P3", 1, 300.00),
    ("2025-01-15", "O3-1", "O3", "P3", 1, 150.00),
    ("2025-01-16", "O4-1", "O4", "P1", 1, 80.00),
    ("2025-01-13", "O5-1", "O5", "P1", 1, 100.00),
    ("2025-01-10", "O6-1", "O6", "P1", 1, 100.00),
    ("2025-01-08", "O7-1", "O7", "P1", 1, 100.00),
    ("2025-01-09", "O8-1", "O8", "P1", 1, 100.00),
    ("2025-01-14", "O9-1", "O9", "P1", 1, 100.00),
    ("2025-01-06", "O10-1", "O10", "P1", 1, 100.00),
    ("2025-01-13", "O11-1", "O11", "P1", 1, 100.00),
]
HAND_REVIEWS = [  # (export day, review_id, order_id, customer_id, rating, reviewed_at)
    ("2025-01-15", "R1", "O6", "B", 5, "2025-01-15 12:00:00"),
    ("2025-01-15", "R2", "O10", "H", 2, "2025-01-14 23:45:00"),  # Oslo 15th 00:45
    ("2025-01-16", "R3", "O6", "B", 1, "2025-01-15 23:20:00"),   # Oslo 16th 00:20
]
HAND_PAYMENTS = [  # (export day, payment_id, order_id, type, method, amount, paid_at)
    ("2025-01-15", "Y1", "O1", "charge", "vipps", "200.00", "2025-01-14 23:31:00"),
    ("2025-01-15", "Y2", "O2", "refund", "klarna", "300.00", "2025-01-15 12:05:00"),
    ("2025-01-15", "Y3", "O5", "refund", "card", "50.00", "2025-01-14 23:50:00"),   # Oslo 15th
    ("2025-01-16", "Y4", "O8", "refund", "card", "100.00", "2025-01-16 09:05:00"),
]
# fmt: on


def _write_hand_landing(root: Path) -> None:
    by_day: dict[tuple[str, str], list[dict]] = {}
    for ds, row in HAND_ORDERS:
        by_day.setdefault(("orders", ds), []).append(row)
    for ds, *values in HAND_PAYMENTS:
        by_day.setdefault(("payments", ds), []).append(
            dict(zip(contracts.get("payments").column_names, values, strict=True))
        )
    for (source, ds), rows in by_day.items():
        path = root / source / ds / f"{source}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=contracts.get(source).column_names)
            writer.writeheader()
            writer.writerows(rows)
    lines: dict[tuple[str, str], list[str]] = {}
    for ds, item_id, order_id, product_id, quantity, price in HAND_ITEMS:
        record = {
            "order_item_id": item_id,
            "order_id": order_id,
            "product_id": product_id,
            "quantity": quantity,
            "unit_price": price,
        }
        lines.setdefault(("order_items", ds), []).append(json.dumps(record))
    for ds, review_id, order_id, customer, rating, reviewed_at in HAND_REVIEWS:
        record = {
            "review_id": review_id,
            "order_id": order_id,
            "product_id": None,
            "customer_id": customer,
            "rating": rating,
            "reviewed_at": reviewed_at,
        }
        lines.setdefault(("reviews", ds), []).append(json.dumps(record))
    for (source, ds), records in lines.items():
        path = root / source / ds / f"{source}.ndjson"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(records) + "\n", encoding="utf-8")


HAND_EXPECTED = {
    # placed on Oslo 15th: O1 (00:30), O2, O3 (23:59); not O4 (16th 00:10). Valid: O1, O3.
    # O1: 2 × 100.00 + 2 × 12.4950 − 24.99 = 200.00; O3: 150.00.
    "ecommerce": {
        "net_sales": 350.0,
        "valid_orders": 2,
        "avg_order_value": 175.0,
        "pct_cart_abandonment": None,
        "gmv": 674.99,
        "placed_orders": 3,
        "refund_amount": 350.0,
    },
    "product": {
        "net_sales": 350.0,
        "units_sold": 5,
        "pct_returned": None,
        "avg_rating": 3.5,
        "review_count": 2,
    },
    # valid orders up to the 15th: A (O1, 15th), B (O6 10th, O9 14th), C (O3, 15th), E, H, I.
    "users": {
        "new_customers": 2,
        "active_customers": 6,
        "pct_repeat_purchase": 1 / 6,
        "avg_csat_score": None,
        "customers_with_order": 6,
        "repeat_customers": 1,
    },
    # shipped on the 15th: O1 10 h, O11 35.25 h (shipped 00:15 Oslo), O7 173 h;
    # p90 = 35.25 + 0.8 × (173 − 35.25) = 145.45. Delivered: O6 on time, O10 late.
    # Backlog: O3, O9, O8 (cancelled only on the 16th); not O2 (cancelled, no time), O5.
    "process": {
        "pct_shipped_within_sla": 2 / 3,
        "p90_order_to_ship_hours": 145.45,
        "backlog_orders": 3,
        "pct_delivered_on_time": 0.5,
        "orders_shipped": 3,
        "orders_delivered": 2,
        "p50_order_to_ship_hours": 35.25,
        "p90_ship_to_deliver_hours": 57.5 + 0.9 * (191 - 57.5),
        "valid_orders": 2,
    },
    "sales": {
        "net_sales": 350.0,
        "pct_attainment": None,
        "new_customers_won": 2,
        "top_channel": "web",
        "valid_orders": 2,
    },
}


SEEN_ON_THE_15TH = {
    # the night of the 15th, O8 is still placed: F is a customer with a valid order
    "users": dict(
        HAND_EXPECTED["users"],
        active_customers=7,
        pct_repeat_purchase=1 / 7,
        customers_with_order=7,
    ),
}


@pytest.mark.parametrize("as_of", [None, date(2025, 1, 16)])
def test_oracle_on_a_hand_checked_day(tmp_path, as_of) -> None:
    """The 15th seen the night of the 15th, and again after the 16th's deliveries."""
    _write_hand_landing(tmp_path)
    got = headline(tmp_path, date(2025, 1, 15), TIMEZONE, as_of=as_of)
    wanted = HAND_EXPECTED | (SEEN_ON_THE_15TH if as_of is None else {})
    assert got.keys() == wanted.keys()
    for role, expected in wanted.items():
        assert got[role].keys() == expected.keys(), role
        for kpi, value in expected.items():
            assert got[role][kpi] == (
                value if value is None or isinstance(value, str) else pytest.approx(value)
            ), (role, kpi)


def test_quantile_cont_interpolates_like_duckdb() -> None:
    assert quantile_cont([], 0.9) is None
    assert quantile_cont([4.0], 0.9) == 4.0
    assert quantile_cont([1.0, 2.0, 3.0, 4.0], 0.9) == pytest.approx(3.7)


# --- the contract check ----------------------------------------------------------------

CLOSED_CONTRACT = (
    ("sales_channel", "is not one of the accepted values"),  # butikk
    ("payment_method", "is not one of the accepted values"),  # vipps, klarna
    ("payment_method", "more values outside the accepted values"),
    ("sales_channel", "more values outside the accepted values"),
    ("category", "is not one of the accepted values"),  # lamper, kjøkken, ...
    ("category", "more values outside the accepted values"),
    ("product_id", "required value is NULL"),  # reviews per order
    ("unit_cost", "required value is NULL"),
    ("sku", "required value is NULL"),
    ("product_name", "required value is NULL"),
    ("unit_price", "does not cast to DECIMAL(12,2)"),  # 12.4950 NOK tealights
    ("list_price", "does not cast to DECIMAL(12,2)"),
    (None, "rows do not cast"),  # the files holding those 4-decimal prices
)
"""Problems ``sources check`` reports only because the contract is still closed (issue 8,
point 5): a fixed list of channels, payment methods and categories, required sku,
product_name, unit_cost and review product_id, and DECIMAL(12,2) money."""

CHECK_END = date(2024, 12, 31)


@pytest.fixture(scope="module")
def check_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("nordhav_check") / "landing"
    write_landing(root, START, CHECK_END)
    return check_landing(root, reject_threshold=0.01)


def _closed_contract(problem) -> bool:
    return any(
        (column is None or problem.column == column) and text in problem.message
        for column, text in CLOSED_CONTRACT
    )


def test_sources_check_finds_nothing_but_the_closed_contract(check_report) -> None:
    unexpected = [
        f"{p.path}: {p.describe()}"
        for p in check_report.problems
        if p.severity != "info" and not _closed_contract(p)
    ]
    assert not unexpected, "\n".join(unexpected[:20])
    assert check_report.files_checked == sum(1 for _ in check_report.root.rglob("*") if _.is_file())


def test_sources_check_passes(check_report) -> None:
    assert check_report.ok, check_report.summary()
