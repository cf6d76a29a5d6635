"""The livestream and sales mart suites: a clean day passes, each planted defect fails."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from opspulse.quality import audit

BETWEEN = "expect_column_values_to_be_between"
IN_SET = "expect_column_values_to_be_in_set"
PAIR = "expect_column_pair_values_a_to_be_greater_than_b"
ROWS = "unexpected_rows_expectation"


def _with_trends(base: Mapping[str, str], headline: Iterable[str]) -> dict[str, str]:
    """The mart's columns plus each headline KPI's trend columns, all on target."""
    columns = dict(base)
    for kpi in headline:
        columns[f"{kpi}_prev_day"] = base[kpi]
        columns[f"{kpi}_7d_avg"] = base[kpi]
        columns[f"{kpi}_target"] = base[kpi]
        attainment = f"{kpi}_of_target" if kpi.startswith("pct_") else f"pct_{kpi}_of_target"
        columns[attainment] = "1.0"
    return columns


LIVESTREAM_DAILY = _with_trends(
    {
        "streams_held": "2",
        "hours_streamed": "3.0",
        "peak_concurrent_viewers": "200",
        "avg_concurrent_viewers": "90.0",
        "unique_viewers": "1000",
        "watch_minutes": "9000",
        "avg_watch_minutes": "9.0",
        "chat_comments": "500",
        "likes": "1500",
        "engagement_per_viewer": "2.0",
        "new_followers": "50",
        "attributed_orders": "35",
        "attributed_valid_orders": "30",
        "stream_gmv": "3000.00::decimal(18, 2)",
        "pct_conversion": "0.03",
        "buffering_seconds": "300",
        "buffering_seconds_per_hour": "100.0",
        "interruptions": "1",
    },
    ("stream_gmv", "unique_viewers", "pct_conversion", "avg_watch_minutes"),
)

SALES_DAILY = _with_trends(
    {
        "net_sales": "30000.00::decimal(18, 2)",
        "valid_orders": "400",
        "mtd_net_sales": "800000.00::decimal(18, 2)",
        "monthly_net_sales_target": "1000000.0",
        "prorated_net_sales_target": "900000.0",
        "pct_attainment": "800000 / 900000",
        "new_customers_won": "200",
        "partner_net_sales": "4000.00::decimal(18, 2)",
        "partner_orders": "30",
        "pct_partner_net_sales": "4000 / 30000",
        "top_channel": "'web'",
    },
    ("net_sales", "pct_attainment", "new_customers_won"),
)


def _create(connection: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, str]]) -> None:
    """``table`` holding ``rows``, each a mapping of column name to SQL expression."""
    selects = ["select " + ", ".join(f"{v} as {k}" for k, v in row.items()) for row in rows]
    connection.execute(f"create table {table} as " + " union all by name ".join(selects))


@pytest.fixture
def role_marts_db(tmp_path: Path, ds) -> Callable[..., Path]:
    """The audited day of every livestream and sales mart, and the facts they reconcile with."""

    def make(*, sql: Iterable[str] = ()) -> Path:
        day = f"date '{ds}'"
        other_day = f"date '{ds - timedelta(days=1)}'"
        path = tmp_path / "build.duckdb"
        with duckdb.connect(str(path)) as connection:
            connection.execute("create schema marts")
            _create(
                connection,
                "marts.rpt_livestream__daily",
                [{"report_date": day, **LIVESTREAM_DAILY}],
            )
            streams = [
                {"livestream_id": "'LS-1'", "started_date": day, "attributed_net_sales": "1000.00"},
                {"livestream_id": "'LS-2'", "started_date": day, "attributed_net_sales": "2000.00"},
                {
                    "livestream_id": "'LS-0'",
                    "started_date": other_day,
                    "attributed_net_sales": "5.00",
                },
            ]
            _create(connection, "marts.fct_livestreams", streams)
            stream_rows = [
                {
                    "report_date": day,
                    "livestream_id": f"'LS-{i}'",
                    "stream_hours": "1.5",
                    **{
                        k: LIVESTREAM_DAILY[k]
                        for k in (
                            "peak_concurrent_viewers",
                            "avg_concurrent_viewers",
                            "unique_viewers",
                            "watch_minutes",
                            "avg_watch_minutes",
                            "engagement_per_viewer",
                            "new_followers",
                            "attributed_orders",
                            "attributed_valid_orders",
                            "pct_conversion",
                            "buffering_seconds",
                            "buffering_seconds_per_hour",
                            "interruptions",
                        )
                    },
                    "stream_gmv": f"{i}000.00::decimal(18, 2)",
                }
                for i in (1, 2)
            ]
            _create(connection, "marts.rpt_livestream__streams", stream_rows)

            _create(connection, "marts.rpt_sales__daily", [{"report_date": day, **SALES_DAILY}])
            channels = {
                "web": ("20000.00", "300", "150"),
                "app": ("6000.00", "70", "44"),
                "partner": ("4000.00", "30", "6"),
            }
            _create(
                connection,
                "marts.rpt_sales__by_channel",
                [
                    {
                        "report_date": day,
                        "sales_channel": f"'{name}'",
                        "net_sales": f"{net}::decimal(18, 2)",
                        "valid_orders": orders,
                        "new_customers_won": won,
                        "pct_net_sales_share": f"{net} / 30000",
                    }
                    for name, (net, orders, won) in channels.items()
                ],
            )
            _create(
                connection,
                "marts.fct_orders",
                [
                    {
                        "order_id": "'o1'",
                        "ordered_date": day,
                        "is_valid": "true",
                        "net_sales": "29000.00",
                    },
                    {
                        "order_id": "'o2'",
                        "ordered_date": day,
                        "is_valid": "true",
                        "net_sales": "1000.00",
                    },
                    {
                        "order_id": "'o3'",
                        "ordered_date": day,
                        "is_valid": "false",
                        "net_sales": "77.00",
                    },
                    {
                        "order_id": "'o4'",
                        "ordered_date": other_day,
                        "is_valid": "true",
                        "net_sales": "9.00",
                    },
                ],
            )
            _create(
                connection,
                "marts.rpt_sales__reps",
                [
                    {
                        "report_date": day,
                        "sales_rep_id": f"'REP-00{i}'",
                        "region": "'europe'",
                        "team": "'partners'",
                        "net_sales": "500.00::decimal(18, 2)",
                        "valid_orders": "4",
                        "mtd_net_sales": "9000.00::decimal(18, 2)",
                        "monthly_net_sales_target": "10000.0",
                        "prorated_net_sales_target": "9000.0",
                        "pct_attainment": "1.0",
                        "leaderboard_rank": str(i),
                    }
                    for i in (1, 2)
                ],
            )
            _create(
                connection,
                "marts.rpt_sales__by_region",
                [
                    {
                        "report_date": day,
                        "region": f"'{region}'",
                        "net_sales": "15000.00::decimal(18, 2)",
                        "valid_orders": "200",
                        "mtd_net_sales": "400000.00::decimal(18, 2)",
                        "monthly_net_sales_target": "500000.0",
                        "prorated_net_sales_target": "450000.0",
                        "pct_attainment": "400000 / 450000",
                    }
                    for region in ("europe", "apac")
                ],
            )
            for statement in sql:
                connection.execute(statement.format(ds=ds))
        return path

    return make


MARTS = (
    "rpt_livestream__daily",
    "rpt_livestream__streams",
    "rpt_sales__daily",
    "rpt_sales__by_channel",
    "rpt_sales__by_region",
    "rpt_sales__reps",
)

# case: (mart, SQL that breaks a clean day, {(expectation, column): unexpected count})
BAD_DAYS = {
    "livestream conversion above one": (
        "rpt_livestream__daily",
        ["update marts.rpt_livestream__daily set pct_conversion = 1.5"],
        {(BETWEEN, "pct_conversion"): 1},
    ),
    "stream gmv not reconciled": (
        "rpt_livestream__daily",
        ["update marts.rpt_livestream__daily set stream_gmv = stream_gmv + 10"],
        {(ROWS, "stream_gmv"): 1},
    ),
    "more valid than attributed orders": (
        "rpt_livestream__daily",
        ["update marts.rpt_livestream__daily set attributed_valid_orders = 40"],
        {(PAIR, "attributed_orders,attributed_valid_orders"): 1},
    ),
    "negative viewers on a stream": (
        "rpt_livestream__streams",
        [
            "update marts.rpt_livestream__streams set unique_viewers = -1 where livestream_id = 'LS-2'"
        ],
        {(BETWEEN, "unique_viewers"): 1},
    ),
    "sales net sales not reconciled": (
        "rpt_sales__daily",
        ["update marts.rpt_sales__daily set net_sales = net_sales + 10"],
        {(ROWS, "net_sales"): 1},
    ),
    "channels not reconciled": (
        "rpt_sales__daily",
        [
            "update marts.rpt_sales__by_channel set net_sales = net_sales + 10 where sales_channel = 'app'"
        ],
        {(ROWS, "net_sales"): 1},
    ),
    "top channel that did not sell that day": (
        "rpt_sales__daily",
        ["update marts.rpt_sales__daily set top_channel = 'fax'"],
        {(ROWS, "top_channel"): 1},
    ),
    "negative attainment": (
        "rpt_sales__daily",
        ["update marts.rpt_sales__daily set pct_attainment = -0.5"],
        {(BETWEEN, "pct_attainment"): 1},
    ),
    "more partner than valid orders": (
        "rpt_sales__daily",
        ["update marts.rpt_sales__daily set partner_orders = 500"],
        {(PAIR, "valid_orders,partner_orders"): 1},
    ),
    "channel share above one": (
        "rpt_sales__by_channel",
        [
            "update marts.rpt_sales__by_channel set pct_net_sales_share = 1.3 where sales_channel = 'web'"
        ],
        {(BETWEEN, "pct_net_sales_share"): 1},
    ),
    "month to date below the day": (
        "rpt_sales__by_region",
        ["update marts.rpt_sales__by_region set mtd_net_sales = 10 where region = 'apac'"],
        {(PAIR, "mtd_net_sales,net_sales"): 1},
    ),
    "negative rep net sales": (
        "rpt_sales__reps",
        ["update marts.rpt_sales__reps set net_sales = -5 where sales_rep_id = 'REP-001'"],
        {(BETWEEN, "net_sales"): 1},
    ),
}


def _failed(report) -> dict[tuple[str, str | None], int | None]:
    return {(f.expectation, f.column): f.unexpected_count for f in report.failures}


@pytest.mark.parametrize("mart", MARTS)
def test_clean_day_passes(role_marts_db, ds, mart: str) -> None:
    report = audit("marts", db_path=role_marts_db(), ds=ds, run_id="clean", tables=[mart])
    assert report.passed, report.summary()
    assert report.failures == []


@pytest.mark.parametrize("case", list(BAD_DAYS))
def test_bad_day_fails_exactly(role_marts_db, ds, case: str) -> None:
    mart, statements, expected = BAD_DAYS[case]
    report = audit(
        "marts", db_path=role_marts_db(sql=statements), ds=ds, run_id="bad", tables=[mart]
    )
    assert _failed(report) == expected, report.summary()
    assert not report.passed


def test_every_mart_has_a_bad_day() -> None:
    assert {mart for mart, _, _ in BAD_DAYS.values()} == set(MARTS)
