"""The operations areas of the demo company: commerce, supply chain, finance, security."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from opspulse.demo import generate
from opspulse.sources.areas import commerce, finance, security, supply_chain
from opspulse.sources.contracts import SOURCES_BY_NAME, Source
from opspulse.sources.readers import typed_reader

START = date(2026, 3, 2)
END = date(2026, 3, 15)
DAYS = [START + timedelta(days=i) for i in range((END - START).days + 1)]
SCALE = 0.05
SEED = 7
OURS: tuple[Source, ...] = (
    commerce.SOURCES + supply_chain.SOURCES + finance.SOURCES + security.SOURCES
)
CORE = ("customers", "products", "orders", "order_items", "payments")


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("operations")
    generate(START, END, out, scale=SCALE, seed=SEED)
    return out


@pytest.fixture(scope="module")
def db(landing) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for source in [*OURS, *(SOURCES_BY_NAME[n] for n in CORE)]:
        path = str(landing / source.name / "*" / f"{source.name}{source.extensions[0]}")
        con.execute(f"""create view {source.name} as
            select * exclude (filename),
                   regexp_extract(filename, '(\\d{{4}}-\\d{{2}}-\\d{{2}})')::date as ds
            from {typed_reader(source, path, filename=True)}""")
    con.execute("""create view orders_latest as select * from orders
        qualify row_number() over (partition by order_id order by ds desc, updated_at desc) = 1""")
    return con


def scalar(con, sql: str):
    return con.execute(sql).fetchone()[0]


@pytest.mark.parametrize("source", OURS, ids=lambda s: s.name)
def test_every_source_has_a_typed_file_per_day(landing, db, source):
    for day in DAYS:
        assert (
            landing / source.name / day.isoformat() / f"{source.name}{source.extensions[0]}"
        ).is_file()
    assert scalar(db, f"select count(*) from {source.name}") > 0 or source.name == "returns"


def test_formats_are_mixed():
    assert {s.format for s in OURS} == {"csv", "ndjson", "parquet"}


def test_referential_integrity(db):
    checks = {
        "returns": "select count(*) from returns r anti join orders_latest o using (order_id)",
        "reviews": "select count(*) from reviews r anti join orders_latest o using (order_id)",
        "shipments": "select count(*) from shipments s anti join orders_latest o using (order_id)",
        "purchase_orders": "select count(*) from purchase_orders p anti join products using (product_id)",
        "inventory": "select count(*) from inventory_snapshots i anti join products using (product_id)",
        "competitors": "select count(*) from competitor_prices c anti join products using (product_id)",
        "suppliers": """select count(*) from products p anti join suppliers s using (supplier_id)
                        where p.supplier_id is not null""",
        "privacy": "select count(*) from privacy_requests r anti join customers using (customer_id)",
        "gl orders": """select count(*) from gl_entries g anti join orders o using (order_id)
                        where g.order_id is not null""",
    }
    assert {name: scalar(db, sql) for name, sql in checks.items()} == dict.fromkeys(checks, 0)


def test_suppliers_are_the_catalogue_ids(db):
    ids = [r[0] for r in db.execute("select supplier_id from suppliers order by 1").fetchall()]
    assert ids == [f"SUP-{i:03d}" for i in range(1, 25)]


def test_ledger_revenue_agrees_with_charges(db):
    rows = db.execute("""
        with charges as (
            select paid_at::date as d, sum(amount) as charged from payments
            where payment_type = 'charge' group by all),
        posted as (
            select posted_date as d, sum(amount) filter (where amount > 0) as revenue
            from gl_entries where account = 'revenue' group by all)
        select count(*), count(*) filter (where abs(charged - coalesce(revenue, 0)) > 0.01)
        from charges left join posted using (d)""").fetchone()
    assert rows[0] == len(DAYS) and rows[1] == 0
    assert scalar(db, "select count(*) from gl_entries where posted_date <> ds") == 0
    assert (
        scalar(db, "select count(distinct account) from gl_entries where account like 'opex:%'")
        >= 5
    )


def test_inventory_is_never_negative_and_stock_moves(db):
    assert scalar(db, "select count(*) from inventory_snapshots where on_hand < 0") == 0
    assert scalar(db, "select count(*) from inventory_snapshots where snapshot_date <> ds") == 0
    moved = db.execute("""
        with s as (select *, lag(on_hand) over (partition by product_id order by snapshot_date)
                   as prev from inventory_snapshots)
        select count(*) filter (where on_hand > 0 and on_hand <> prev + units_received
                                       + units_returned - units_shipped),
               sum(units_shipped)
        from s where prev is not null""").fetchone()
    assert moved[0] == 0 and moved[1] > 0


def test_purchase_orders_are_not_all_on_time_in_full(db):
    received = db.execute("""
        select count(*), count(*) filter (where received_at::date <= expected_date
                                          and qty_received >= qty_ordered)
        from purchase_orders where status = 'received'""").fetchone()
    assert received[0] > 0 and received[1] < received[0]


def test_values_are_plausible(db):
    assert scalar(db, "select count(*) from reviews where rating not between 1 and 5") == 0
    assert scalar(db, "select count(*) from returns where requested_at >= received_at") == 0
    assert (
        scalar(
            db,
            """select count(*) from shipments s join orders_latest o using (order_id)
        where s.shipped_at <> o.shipped_at or s.promised_delivery_date <> o.promised_delivery_date""",
        )
        == 0
    )
    assert (
        scalar(
            db,
            """select count(*) from competitor_prices c join products p using (product_id)
        where c.price not between p.list_price * 0.7 and p.list_price * 1.3 + 1""",
        )
        == 0
    )
    assert (
        scalar(
            db,
            """select count(*) from security_incidents
        where detected_at < occurred_at or resolved_at < detected_at""",
        )
        == 0
    )
    assert (
        scalar(db, "select count(*) from privacy_requests where due_date < received_at::date") == 0
    )


def test_critical_incidents_and_overdue_requests_happen_over_a_year(tmp_path):
    from opspulse.demo.areas import security as area
    from opspulse.demo.areas.context import AreaContext

    context = AreaContext(tmp_path, date(2026, 1, 1), date(2026, 12, 31), SCALE, SEED, print)
    incidents = area._incidents(context).to_pylist()
    assert any(r["severity"] == "critical" for r in incidents)
    assert 20 <= len({r["incident_id"] for r in incidents}) <= 100


def test_our_files_are_deterministic(landing, tmp_path):
    generate(START, START + timedelta(days=3), tmp_path, scale=SCALE, seed=SEED)

    def digest(root: Path) -> dict[str, str]:
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for s in OURS
            for p in sorted((root / s.name).rglob("*"))
            if p.is_file()
        }

    shorter, longer = digest(tmp_path), digest(landing)
    assert shorter and shorter == {k: longer[k] for k in shorter}
