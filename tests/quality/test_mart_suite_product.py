"""The product, process and customer service mart suites pass a clean day and catch bad ones."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from opspulse.quality import audit
from opspulse.quality.suites import mart_specs

from .conftest import DS

BETWEEN = "expect_column_values_to_be_between"
PAIR = "expect_column_pair_values_a_to_be_greater_than_b"
ROWS = "unexpected_rows_expectation"
ROW_COUNT_AT_LEAST = "expect_table_row_count_to_be_between"

HISTORY_DAYS = 35
NET_SALES = "(1000 + (d_index % 7) * 10)"
# constant KPIs are exact binary fractions, so their trailing mean equals the day's value
# exactly and the anomaly check (3 standard deviations of 0) stays quiet

# one clean row per day (per item for breakdown marts): column -> SQL over d, d_index, item
DAILY = {
    "rpt_product__daily": {
        "net_sales": f"{NET_SALES}::decimal(18, 2)",
        "units_sold": "100 + d_index % 5",
        "units_returned": "4",
        "units_sold_30d": "3200",
        "units_returned_30d": "200",
        "pct_returned": "0.0625",
        "avg_rating": "4.25",
        "review_count": "10",
        "active_products": "300",
        "new_products": "5",
        "new_product_units_sold": "50",
        "new_product_units_received": "200",
        "pct_new_product_sell_through": "0.25",
    },
    "rpt_process__daily": {
        "orders_shipped": "12",
        "orders_shipped_within_sla": "9",
        "pct_shipped_within_sla": "9 / 12",
        "p50_order_to_ship_hours": "20.0",
        "p90_order_to_ship_hours": "40.0",
        "orders_delivered": "8",
        "orders_delivered_with_promise": "8",
        "orders_delivered_on_time": "7",
        "pct_delivered_on_time": "7 / 8",
        "p50_ship_to_deliver_hours": "60.0",
        "p90_ship_to_deliver_hours": "100.0",
        "backlog_orders": "15",
        "defect_orders": "1",
        "pct_process_defects": "1 / 8",
        "tickets_opened": "9",
        "valid_orders": "10",
        "tickets_per_100_orders": "90.0",
    },
    "rpt_service__daily": {
        "tickets_opened": "9",
        "tickets_first_responded": "8",
        "p50_first_response_minutes": "120.0",
        "p90_first_response_minutes": "400.0",
        "tickets_resolved": "8",
        "p50_resolution_hours": "14.0",
        "p90_resolution_hours": "50.0",
        "tickets_resolved_within_sla": "7",
        "pct_resolved_within_sla": "7 / 8",
        "tickets_reopened": "1",
        "pct_reopened": "1 / 8",
        "backlog_tickets": "20",
        "complaints_opened": "2",
        "valid_orders": "10",
        "complaints_per_1000_orders": "200.0",
    },
}
BREAKDOWN = {
    "rpt_product__by_category": (
        "select * from (values ('apparel', 0.75), ('books', 0.25)) as items(category, share)",
        {
            "category": "category",
            "units_sold": "50",
            "net_sales": f"({NET_SALES} * share)::decimal(18, 2)",
            "pct_net_sales_share": "share",
            "units_returned": "2",
            "pct_returned": "0.04",
            "avg_rating": "4.0",
            "review_count": "5",
        },
    ),
    "rpt_product__top_products": (
        "select * from range(1, 4) as items(sales_rank)",
        {
            "sales_rank": "sales_rank",
            "product_id": "'p' || sales_rank",
            "product_name": "'Product ' || sales_rank",
            "category": "'apparel'",
            "units_sold": "10",
            "net_sales": "(400 - 100 * sales_rank)::decimal(18, 2)",
            "prior_7d_sales_rank": "sales_rank + 1",
            "sales_rank_change": "1",
        },
    ),
}


def _select(mart: str, base: dict[str, str]) -> str:
    headline = mart_specs()[mart].headline
    columns = ["d as report_date"] + [f"{sql} as {name}" for name, sql in base.items()]
    for kpi in headline:
        attainment = kpi if kpi.startswith("pct_") else f"pct_{kpi}"
        columns += [
            f"{base[kpi]} as {kpi}_prev_day",
            f"{base[kpi]} as {kpi}_7d_avg",
            f"{base[kpi]} as {kpi}_target",
            f"1.0 as {attainment}_of_target",
        ]
    return ", ".join(columns)


@pytest.fixture
def role_marts_db(tmp_path: Path) -> Callable[..., Path]:
    """35 clean days of the five marts, and the audited day's fct_orders and tickets."""

    def make(sql: Iterable[str] = ()) -> Path:
        path = tmp_path / "build.duckdb"
        first = DS - timedelta(days=HISTORY_DAYS - 1)
        days = f"""
            select (date '{first}' + i::integer)::date as d, i::integer as d_index
            from range({HISTORY_DAYS}) as r(i)
        """
        with duckdb.connect(str(path)) as connection:
            connection.execute("create schema marts")
            for mart, base in DAILY.items():
                connection.execute(
                    f"create table marts.{mart} as select {_select(mart, base)} from ({days})"
                )
            for mart, (items, base) in BREAKDOWN.items():
                connection.execute(
                    f"create table marts.{mart} as select {_select(mart, base)} "
                    f"from ({days}) as days cross join ({items}) as items"
                )
            # the day's 10 valid orders carry its net sales; all 12 orders shipped that day
            connection.execute(
                f"""
                create table marts.fct_orders as
                select
                    'o-' || i as order_id,
                    date '{DS}' as ordered_date,
                    date '{DS}' as shipped_date,
                    i < 10 as is_valid,
                    (case when i < 10 then net_sales / 10 else 77 end)::decimal(18, 2)
                        as net_sales,
                from marts.rpt_product__daily, range(12) as r(i)
                where report_date = date '{DS}'
                """
            )
            connection.execute(
                f"""
                create table marts.fct_support_tickets as
                select 't-' || i as ticket_id, date '{DS}' as opened_date
                from range(9) as r(i)
                """
            )
            for statement in sql:
                connection.execute(statement.format(ds=DS))
        return path

    return make


MARTS = [*DAILY, *BREAKDOWN]

# case: (mart, SQL that breaks the audited day, the (expectation, column) it must fail)
BAD_DAYS = {
    "return rate above one": (
        "rpt_product__daily",
        "update marts.rpt_product__daily set pct_returned = 1.5 where report_date = '{ds}'",
        (BETWEEN, "pct_returned"),
    ),
    "rating above five": (
        "rpt_product__daily",
        "update marts.rpt_product__daily set avg_rating = 6 where report_date = '{ds}'",
        (BETWEEN, "avg_rating"),
    ),
    "product net sales off by 10": (
        "rpt_product__daily",
        "update marts.rpt_product__daily set net_sales = net_sales + 10 where report_date = '{ds}'",
        (ROWS, "net_sales"),
    ),
    "negative sell-through": (
        "rpt_product__daily",
        "update marts.rpt_product__daily set pct_new_product_sell_through = -0.5 "
        "where report_date = '{ds}'",
        (BETWEEN, "pct_new_product_sell_through"),
    ),
    "category net sales off by 10": (
        "rpt_product__by_category",
        "update marts.rpt_product__by_category set net_sales = net_sales + 10 "
        "where report_date = '{ds}' and category = 'books'",
        (ROWS, "net_sales"),
    ),
    "category shares above one": (
        "rpt_product__by_category",
        "update marts.rpt_product__by_category set pct_net_sales_share = 0.9 "
        "where report_date = '{ds}' and category = 'apparel'",
        (ROWS, "pct_net_sales_share"),
    ),
    "no category rows for the day": (
        "rpt_product__by_category",
        "delete from marts.rpt_product__by_category where report_date = '{ds}'",
        (ROW_COUNT_AT_LEAST, None),
    ),
    "rank 2 sells more than rank 1": (
        "rpt_product__top_products",
        "update marts.rpt_product__top_products set net_sales = 999 "
        "where report_date = '{ds}' and sales_rank = 2",
        (ROWS, "sales_rank"),
    ),
    "rank eleven": (
        "rpt_product__top_products",
        "update marts.rpt_product__top_products set sales_rank = 11 "
        "where report_date = '{ds}' and sales_rank = 3",
        (BETWEEN, "sales_rank"),
    ),
    "sla rate above one": (
        "rpt_process__daily",
        "update marts.rpt_process__daily set pct_shipped_within_sla = 1.2 "
        "where report_date = '{ds}'",
        (BETWEEN, "pct_shipped_within_sla"),
    ),
    "more within sla than shipped": (
        "rpt_process__daily",
        "update marts.rpt_process__daily set orders_shipped_within_sla = 13 "
        "where report_date = '{ds}'",
        (PAIR, "orders_shipped,orders_shipped_within_sla"),
    ),
    "p90 below p50": (
        "rpt_process__daily",
        "update marts.rpt_process__daily set p90_order_to_ship_hours = 10 "
        "where report_date = '{ds}'",
        (PAIR, "p90_order_to_ship_hours,p50_order_to_ship_hours"),
    ),
    "negative backlog": (
        "rpt_process__daily",
        "update marts.rpt_process__daily set backlog_orders = -1 where report_date = '{ds}'",
        (BETWEEN, "backlog_orders"),
    ),
    "shipments not in fct_orders": (
        "rpt_process__daily",
        "update marts.rpt_process__daily set orders_shipped = 13 where report_date = '{ds}'",
        (ROWS, "orders_shipped"),
    ),
    "tickets not in fct_support_tickets": (
        "rpt_service__daily",
        "update marts.rpt_service__daily set tickets_opened = 10 where report_date = '{ds}'",
        (ROWS, "tickets_opened"),
    ),
    "negative reopen rate": (
        "rpt_service__daily",
        "update marts.rpt_service__daily set pct_reopened = -0.1 where report_date = '{ds}'",
        (BETWEEN, "pct_reopened"),
    ),
    "more complaints than tickets": (
        "rpt_service__daily",
        "update marts.rpt_service__daily set complaints_opened = 10 where report_date = '{ds}'",
        (PAIR, "tickets_opened,complaints_opened"),
    ),
    "two service rows for the day": (
        "rpt_service__daily",
        "insert into marts.rpt_service__daily "
        "select * from marts.rpt_service__daily where report_date = '{ds}'",
        ("expect_table_row_count_to_equal", None),
    ),
}


def _critical_failures(report) -> set[tuple[str, str | None]]:
    return {(f.expectation, f.column) for f in report.failures if f.severity == "critical"}


@pytest.mark.parametrize("mart", MARTS)
def test_clean_day_passes(role_marts_db, mart: str) -> None:
    report = audit("marts", db_path=role_marts_db(), ds=DS, run_id="clean", tables=[mart])
    assert report.failures == [], report.summary()
    assert report.passed


@pytest.mark.parametrize("case", list(BAD_DAYS))
def test_bad_day_fails_the_planted_expectation(role_marts_db, case: str) -> None:
    mart, statement, planted = BAD_DAYS[case]
    report = audit("marts", db_path=role_marts_db([statement]), ds=DS, run_id="bad", tables=[mart])
    assert planted in _critical_failures(report), report.summary()
    assert not report.passed


def test_every_mart_of_the_roles_has_a_bad_day() -> None:
    assert {mart for mart, _, _ in BAD_DAYS.values()} == set(MARTS)


# case: (mart, SQL making the audited day unusual but real, the warnings it must raise)
UNUSUAL_DAYS = {
    "new products sold more than received": (
        "rpt_product__daily",
        "update marts.rpt_product__daily set new_product_units_sold = 201, "
        "pct_new_product_sell_through = 201 / 200 where report_date = '{ds}'",
        {(ROWS, "new_product_units_sold")},
    ),
    "new products sold without purchase orders": (
        "rpt_product__daily",
        "update marts.rpt_product__daily set new_product_units_received = 0, "
        "pct_new_product_sell_through = null where report_date = '{ds}'",
        set(),
    ),
    "a day without reviews": (
        "rpt_product__daily",
        "update marts.rpt_product__daily set review_count = 0, avg_rating = null "
        "where report_date = '{ds}'",
        set(),
    ),
    "a day without sales has no top products": (
        "rpt_product__top_products",
        "delete from marts.rpt_product__top_products where report_date = '{ds}'",
        {(ROW_COUNT_AT_LEAST, None)},
    ),
    "a parcel delivered after 200 days": (
        "rpt_process__daily",
        [
            "alter table marts.rpt_process__daily alter p90_ship_to_deliver_hours type double",
            "update marts.rpt_process__daily set p90_ship_to_deliver_hours = 200 * 24 where report_date = '{ds}'",
        ],
        {(BETWEEN, "p90_ship_to_deliver_hours")},
    ),
    "an order shipped after 100 days": (
        "rpt_process__daily",
        [
            "alter table marts.rpt_process__daily alter p90_order_to_ship_hours type double",
            "update marts.rpt_process__daily set p90_order_to_ship_hours = 100 * 24 where report_date = '{ds}'",
        ],
        # also far from its trailing mean: a headline KPI
        {(BETWEEN, "p90_order_to_ship_hours"), (ROWS, "p90_order_to_ship_hours")},
    ),
    "a ticket resolved after 100 days": (
        "rpt_service__daily",
        [
            "alter table marts.rpt_service__daily alter p90_resolution_hours type double",
            "update marts.rpt_service__daily set p90_resolution_hours = 100 * 24 where report_date = '{ds}'",
        ],
        {(BETWEEN, "p90_resolution_hours")},
    ),
}


def _warnings(report) -> set[tuple[str, str | None]]:
    return {(f.expectation, f.column) for f in report.failures if f.severity == "warning"}


@pytest.mark.parametrize("case", list(UNUSUAL_DAYS))
def test_unusual_day_warns_and_publishes(role_marts_db, case: str) -> None:
    mart, statements, expected = UNUSUAL_DAYS[case]
    statements = [statements] if isinstance(statements, str) else statements
    report = audit("marts", db_path=role_marts_db(statements), ds=DS, run_id="odd", tables=[mart])
    assert report.passed, report.summary()
    assert _warnings(report) == expected, report.summary()
    for failure in report.failures:
        if failure.expectation == ROWS:
            assert failure.observed, "a warning shows the row"


def test_a_company_threshold_turns_the_warning_off(role_marts_db, tmp_path, monkeypatch) -> None:
    """``max_ship_to_deliver_days = 240`` in the company file: a 200-day parcel is usual."""
    mart, statements, _ = UNUSUAL_DAYS["a parcel delivered after 200 days"]
    db_path = role_marts_db(statements)
    config = tmp_path / "config"
    config.mkdir()
    (config / "company.toml").write_text("[thresholds]\nmax_ship_to_deliver_days = 240\n")
    monkeypatch.setenv("OPSPULSE_CONFIG_DIR", str(config))
    report = audit("marts", db_path=db_path, ds=DS, run_id="odd", tables=[mart])
    assert report.failures == [], report.summary()
