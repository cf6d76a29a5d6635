"""The supply chain and competitor mart suites: a clean day passes, planted defects fail."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from opspulse.quality import audit

BETWEEN = "expect_column_values_to_be_between"
PAIR = "expect_column_pair_values_a_to_be_greater_than_b"
ROWS = "unexpected_rows_expectation"
ROW_COUNT = "expect_table_row_count_to_be_between"

DAILY = "rpt_supply_chain__daily"
SUPPLIERS = "rpt_supply_chain__suppliers"
COMPETITORS = "rpt_competitors__price_index"
HEADLINE = ("pct_supplier_otif", "pct_stockout", "days_of_inventory", "pct_fill_rate")

# binary-exact fractions, so a constant history has a zero spread around its exact mean
DAILY_ROW = {
    "purchase_orders_due": "8",
    "purchase_orders_otif": "6",
    "pct_supplier_otif": "0.75",
    "purchase_orders_received": "9",
    "po_units_received": "900",
    "avg_po_lead_time_days": "8.5",
    "active_products": "48",
    "stocked_out_products": "3",
    "pct_stockout": "0.0625",
    "inventory_value": "20000.00::decimal(18, 2)",
    "inventory_units_shipped": "100",
    "cogs_amount": "1000.00::decimal(18, 2)",
    "avg_daily_cogs_30d": "1000.0",
    "days_of_inventory": "20.0",
    "inventory_turnover_annualised": "18.25",
    "customer_units_ordered": "32",
    "customer_units_shipped": "31",
    "pct_fill_rate": "0.96875",
    "shipped_orders": "40",
    "shipping_cost": "300.00::decimal(18, 2)",
    "logistics_cost_per_order": "7.5",
}


def _daily_select(day: str) -> str:
    columns = [f"{day} as report_date"] + [f"{v} as {k}" for k, v in DAILY_ROW.items()]
    for kpi in HEADLINE:
        value = DAILY_ROW[kpi]
        attainment = kpi if kpi.startswith("pct_") else f"pct_{kpi}"
        columns += [
            f"{value} as {kpi}_prev_day",
            f"{value} as {kpi}_7d_avg",
            f"{value} as {kpi}_target",
            f"1.0 as {attainment}_of_target",
        ]
    return ", ".join(columns)


@pytest.fixture
def supply_chain_db(tmp_path: Path, ds) -> Callable[..., Path]:
    """35 clean days of the daily mart, the audited day of the breakdown marts and facts."""

    def make(*, sql: Iterable[str] = ()) -> Path:
        path = tmp_path / "build.duckdb"
        first = ds - timedelta(days=34)
        days = f"select (date '{first}' + i::integer)::date as d from range(35) as r(i)"
        with duckdb.connect(str(path)) as connection:
            connection.execute("create schema marts")
            connection.execute(
                f"create table marts.{DAILY} as select {_daily_select('d')} from ({days})"
            )
            # the day's 40 parcels cost 300 and its 200 stock counts are worth 20000
            connection.execute(
                f"""
                create table marts.fct_shipments as
                select 'sh-' || i as shipment_id, date '{ds}' as shipped_date,
                       7.50::decimal(12, 2) as shipping_cost
                from range(40) as r(i)
                """
            )
            connection.execute(
                f"""
                create table marts.fct_inventory_daily as
                select date '{ds}' as snapshot_date, 'p-' || i as product_id,
                       100.00::decimal(18, 2) as inventory_value
                from range(200) as r(i)
                """
            )
            connection.execute(
                f"""
                create table marts.{SUPPLIERS} as
                select date '{ds}' as report_date, 'SUP-' || i as supplier_id,
                       'Supplier ' || i as supplier_name, 7 as agreed_lead_time_days,
                       2 as purchase_orders_due, 1 as purchase_orders_otif, 0.5 as pct_otif,
                       1 as purchase_orders_received, 50 as units_received,
                       8.0 as avg_lead_time_days, 3 as open_purchase_orders,
                       1 as overdue_purchase_orders
                from range(5) as r(i)
                """
            )
            connection.execute(
                f"""
                create table marts.{COMPETITORS} as
                select date '{ds}' as report_date, c.competitor, k.category,
                       20 as observations, 18 as products_observed, 1.02 as avg_price_index,
                       2 as products_over_10pct_more_expensive,
                       0.9 as pct_competitor_in_stock
                from (values ('megastore'), ('shopmax')) as c(competitor),
                     (values ('home'), ('toys')) as k(category)
                """
            )
            for statement in sql:
                connection.execute(statement)
        return path

    return make


def _failed(report) -> dict[tuple[str, str | None], int | None]:
    return {(f.expectation, f.column): f.unexpected_count for f in report.failures}


def test_clean_supply_chain_day_passes(supply_chain_db, ds) -> None:
    tables = [DAILY, SUPPLIERS, COMPETITORS]
    report = audit("marts", db_path=supply_chain_db(), ds=ds, run_id="clean", tables=tables)
    assert report.passed, report.summary()
    assert report.failures == []


# case: (mart, SQL that breaks a clean day, {(expectation, column): unexpected count})
BAD_DAYS = {
    "stockout rate above one": (
        DAILY,
        [f"update marts.{DAILY} set pct_stockout = 1.2 where report_date = '{{ds}}'"],
        # a headline KPI far from its constant history: also an anomaly (a warning)
        {(BETWEEN, "pct_stockout"): 1, (ROWS, "pct_stockout"): 1},
    ),
    "more stocked out than active products": (
        DAILY,
        [f"update marts.{DAILY} set stocked_out_products = 49 where report_date = '{{ds}}'"],
        {(PAIR, "active_products,stocked_out_products"): 1},
    ),
    "negative logistics cost": (
        DAILY,
        [f"update marts.{DAILY} set logistics_cost_per_order = -1 where report_date = '{{ds}}'"],
        {(BETWEEN, "logistics_cost_per_order"): 1},
    ),
    "shipping cost off by 10": (
        DAILY,
        [f"update marts.{DAILY} set shipping_cost = 310 where report_date = '{{ds}}'"],
        {(ROWS, "shipping_cost"): 1},
    ),
    "inventory value without stock counts": (
        DAILY,
        ["delete from marts.fct_inventory_daily"],
        {(ROWS, "inventory_value"): 1},
    ),
    "more overdue than open purchase orders": (
        SUPPLIERS,
        [f"update marts.{SUPPLIERS} set overdue_purchase_orders = 4 where supplier_id = 'SUP-1'"],
        {(PAIR, "open_purchase_orders,overdue_purchase_orders"): 1},
    ),
    "shipping cost NULL instead of a sum": (
        DAILY,
        [f"update marts.{DAILY} set shipping_cost = null where report_date = '{{ds}}'"],
        {(ROWS, "shipping_cost"): 1},
    ),
    "shipping cost on a day without shipments": (
        DAILY,
        ["delete from marts.fct_shipments"],
        {(ROWS, "shipping_cost"): 1},
    ),
    "competitor in-stock rate above one": (
        COMPETITORS,
        [f"update marts.{COMPETITORS} set pct_competitor_in_stock = 1.5 where category = 'toys'"],
        {(BETWEEN, "pct_competitor_in_stock"): 2},
    ),
}


@pytest.mark.parametrize("case", list(BAD_DAYS))
def test_bad_supply_chain_day_fails_exactly(supply_chain_db, ds, case: str) -> None:
    mart, statements, expected = BAD_DAYS[case]
    path = supply_chain_db(sql=[s.format(ds=ds) for s in statements])
    report = audit("marts", db_path=path, ds=ds, run_id="bad", tables=[mart])
    assert _failed(report) == expected, report.summary()
    assert not report.passed


NO_SHIPMENTS = [
    "delete from marts.fct_shipments",
    f"update marts.{DAILY} set shipping_cost = 0, shipped_orders = 0, "
    "logistics_cost_per_order = null where report_date = '{ds}'",
]

# case: (mart, SQL making a clean day unusual but real, {(expectation, column): count})
UNUSUAL_DAYS = {
    # the demo's warehouse is closed on Sundays: the sum over no parcels is 0 in the mart,
    # and so it is on the facts' side (the check once compared 0.00 with NULL)
    "a day without shipments": (DAILY, NO_SHIPMENTS, {}),
    "a day without stock counts": (
        DAILY,
        [
            "delete from marts.fct_inventory_daily",
            f"update marts.{DAILY} set inventory_value = null, days_of_inventory = null, "
            "inventory_turnover_annualised = null where report_date = '{ds}'",
        ],
        {},
    ),
    "a 400-day purchase-order lead time": (
        DAILY,
        [
            f"alter table marts.{DAILY} alter avg_po_lead_time_days type double",
            f"update marts.{DAILY} set avg_po_lead_time_days = 400 where report_date = '{{ds}}'",
        ],
        {(BETWEEN, "avg_po_lead_time_days"): 1},
    ),
    "no supplier rows for the day": (
        SUPPLIERS,
        [f"delete from marts.{SUPPLIERS}"],
        {(ROW_COUNT, None): None},
    ),
}


@pytest.mark.parametrize("case", list(UNUSUAL_DAYS))
def test_unusual_supply_chain_day_warns_and_publishes(supply_chain_db, ds, case: str) -> None:
    mart, statements, expected = UNUSUAL_DAYS[case]
    path = supply_chain_db(sql=[s.format(ds=ds) for s in statements])
    report = audit("marts", db_path=path, ds=ds, run_id="odd", tables=[mart])
    assert report.passed, report.summary()
    assert _failed(report) == expected, report.summary()
    assert all(f.severity == "warning" for f in report.failures)
