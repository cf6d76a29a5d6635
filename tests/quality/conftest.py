"""Small DuckDB build databases for the quality tests, written with SQL from the contracts."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from opspulse.sources import contracts

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

DS = date(2026, 11, 27)


def _clean_value(column: contracts.Column, day: date) -> str:
    """A SQL expression over row number ``i`` giving a value every suite accepts."""
    listed = column.accepted_values or column.example_values
    if listed:
        values = ", ".join(f"'{v}'" for v in listed)
        return f"[{values}][1 + i % {len(listed)}]"
    kind = column.type.split("(")[0]
    return {
        "VARCHAR": f"'{column.name}-' || i",
        "TIMESTAMP": f"timestamp '{day} 08:00:00' + i * interval 1 second",
        "DATE": f"date '{day}'",
        "DECIMAL": f"(10 + i % 90)::{column.type}",
        "INTEGER": "1 + i % 5",
        "BOOLEAN": "i % 2 = 0",
    }[kind]


def raw_table_ddl(source: contracts.Source) -> str:
    columns = [f"{c.name} {c.type}" for c in source.columns]
    columns += ["_ds date", "_file varchar", "_loaded_at timestamp"]
    return f"create table if not exists raw.{source.name} ({', '.join(columns)})"


def load_raw(
    connection: duckdb.DuckDBPyConnection, source: contracts.Source, day: date, rows: int
) -> None:
    """Land ``rows`` clean rows of ``source`` as the ``day`` partition of ``raw.<source>``."""
    connection.execute("create schema if not exists raw")
    connection.execute(raw_table_ddl(source))
    values = [_clean_value(c, day) for c in source.columns]
    connection.execute(
        f"""
        insert into raw.{source.name}
        select {", ".join(values)}, date '{day}', 'landing/{source.name}/{day}/export',
               now()::timestamp
        from range({rows}) as r(i)
        """
    )


@pytest.fixture
def build_db(tmp_path: Path) -> Callable[..., Path]:
    """A function building ``build.duckdb`` with clean raw data plus optional SQL edits."""

    def make(
        sources: Iterable[str] | None = None,
        *,
        days: Iterable[date] = (DS,),
        rows: int = 20,
        sql: Iterable[str] = (),
    ) -> Path:
        path = tmp_path / "build.duckdb"
        names = list(sources) if sources is not None else [s.name for s in contracts.SOURCES]
        with duckdb.connect(str(path)) as connection:
            for name in names:
                for day in days:
                    load_raw(connection, contracts.get(name), day, rows)
            for statement in sql:
                connection.execute(statement)
        return path

    return make


ECOMMERCE_TRENDED = ("net_sales", "valid_orders", "avg_order_value", "pct_cart_abandonment")
USERS_TRENDED = ("new_customers", "active_customers", "pct_repeat_purchase", "avg_csat_score")


def _trend_columns(kpi: str, value: str, *, attainment: bool) -> list[str]:
    columns = [
        f"{value} as {kpi}_prev_day",
        f"{value} as {kpi}_7d_avg",
        f"{value} as {kpi}_target",
    ]
    if attainment:
        name = f"{kpi}_of_target" if kpi.startswith("pct_") else f"pct_{kpi}_of_target"
        columns.append(f"1.0 as {name}")
    return columns


def ecommerce_select(day_expr: str, net_sales: str) -> str:
    """One ``rpt_ecommerce__daily`` row per ``d`` with consistent, plausible numbers."""
    base = {
        "gmv": f"{net_sales} + 200",
        "discount_amount": "100.0",
        "net_sales": net_sales,
        "placed_orders": "12",
        "valid_orders": "10",
        "cancelled_orders": "2",
        "pct_cancelled": "2 / 12",
        "avg_order_value": f"({net_sales}) / 10",
        "items_per_order": "2.5",
        "sessions_with_cart": "40",
        "abandoned_cart_sessions": "30",
        "pct_cart_abandonment": "0.75",
        "refund_amount": "50.0",
        "pct_refund_30d": "0.05",
        "active_listings": "200",
        "price_changes": "3",
    }
    columns = [f"{day_expr} as report_date"] + [f"{v} as {k}" for k, v in base.items()]
    for kpi in ECOMMERCE_TRENDED:
        columns += _trend_columns(kpi, base[kpi], attainment=kpi != "pct_cart_abandonment")
    return ", ".join(columns)


def users_select(day_expr: str) -> str:
    base = {
        "new_customers": "5 + d_index % 3",
        "active_customers": "300",
        "customers_with_order": "1000",
        "repeat_customers": "300 + d_index % 5",
        "pct_repeat_purchase": "(300 + d_index % 5) / 1000",
        "churned_customers": "4",
        "pct_churn": "0.02",
        "avg_customer_lifetime_value": "180.5",
        "tickets_opened": "9",
        "tickets_resolved": "8",
        "avg_csat_score": "4.2 + (d_index % 3) / 10",
    }
    columns = [f"{day_expr} as report_date"] + [f"{v} as {k}" for k, v in base.items()]
    for kpi in USERS_TRENDED:
        columns += _trend_columns(kpi, base[kpi], attainment=True)
    return ", ".join(columns)


@pytest.fixture
def marts_db(tmp_path: Path) -> Callable[..., Path]:
    """A build database with 35 days of both report marts and the audited day's fct_orders."""

    def make(*, sql: Iterable[str] = (), history_days: int = 35) -> Path:
        path = tmp_path / "build.duckdb"
        first = DS - timedelta(days=history_days - 1)
        days = f"""
            select (date '{first}' + i::integer)::date as d, i::integer as d_index
            from range({history_days}) as r(i)
        """
        net_sales = "(1000 + (d_index % 7) * 10)::decimal(12, 2)"
        with duckdb.connect(str(path)) as connection:
            connection.execute("create schema marts")
            connection.execute(
                f"create table marts.rpt_ecommerce__daily as "
                f"select {ecommerce_select('d', net_sales)} from ({days})"
            )
            connection.execute(
                f"create table marts.rpt_users__daily as select {users_select('d')} from ({days})"
            )
            # the day's valid orders sum to its net_sales; invalid orders must not count
            connection.execute(
                f"""
                create table marts.fct_orders as
                with day_row as (
                    select report_date, net_sales from marts.rpt_ecommerce__daily
                    where report_date = date '{DS}'
                )
                select
                    'o-' || i as order_id,
                    day_row.report_date as ordered_date,
                    i < 10 as is_valid,
                    (case when i < 10 then day_row.net_sales / 10 else 77 end)::decimal(12, 2)
                        as net_sales,
                from day_row, range(12) as r(i)
                """
            )
            for statement in sql:
                connection.execute(statement)
        return path

    return make


@pytest.fixture
def ds() -> date:
    """The audited day of every test database."""
    return DS
