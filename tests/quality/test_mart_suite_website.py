"""The website, content and A/B test mart suites: a clean day passes, known-bad days fail
exactly where they should."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from opspulse.quality import audit

BETWEEN = "expect_column_values_to_be_between"
PAIR = "expect_column_pair_values_a_to_be_greater_than_b"
ROWS = "unexpected_rows_expectation"
HISTORY_DAYS = 35

WEBSITE_DAILY = {
    "sessions": "100 + d_index % 7",
    "unique_visitors": "90 + d_index % 7",
    "bounced_sessions": "40",
    "pct_bounce": "40 / (100 + d_index % 7)",
    "converted_sessions": "4",
    "pct_conversion": "4 / (100 + d_index % 7)",
    "page_views": "300",
    "pages_per_session": "300 / (100 + d_index % 7)",
    "avg_session_duration_seconds": "120.0",
}
CONTENT_DAILY = {
    "items_published": "d_index % 2",
    "views": "20 + d_index % 7",
    "avg_read_seconds": "60.0 + d_index % 5",
    "shares": "2",
    "product_clicks": "5",
    "product_clicks_per_view": "5 / (20 + d_index % 7)",
    "assisted_orders": "3 + d_index % 3",
    "assisted_net_sales": "(120 + d_index)::decimal(18, 2)",
}


def _daily_select(base: dict[str, str]) -> str:
    """A daily mart's columns over ``d``/``d_index``, with trends equal to the value."""
    columns = ["d as report_date"] + [f"{v} as {k}" for k, v in base.items()]
    for kpi, value in base.items():
        columns += [f"{value} as {kpi}_{suffix}" for suffix in ("prev_day", "7d_avg", "target")]
        name = f"{kpi}_of_target" if kpi.startswith("pct_") else f"pct_{kpi}_of_target"
        columns.append(f"1.0 as {name}")
    return ", ".join(columns)


def _breakdown(table: str, columns: str, rows: list[str], ds) -> str:
    values = ", ".join(f"(date '{ds}', {row})" for row in rows)
    return f"create table marts.{table} as select * from (values {values}) as t(report_date, {columns})"


@pytest.fixture
def my_marts_db(tmp_path: Path, ds):
    """35 days of both daily marts, the audited day's breakdowns and the facts they reconcile with."""

    def make(*, sql: tuple[str, ...] = ()) -> Path:
        path = tmp_path / "build.duckdb"
        first = ds - timedelta(days=HISTORY_DAYS - 1)
        days = f"""
            select (date '{first}' + i::integer)::date as d, i::integer as d_index
            from range({HISTORY_DAYS}) as r(i)
        """
        with duckdb.connect(str(path)) as con:
            con.execute("create schema marts")
            for table, base in (
                ("rpt_website__daily", WEBSITE_DAILY),
                ("rpt_content__daily", CONTENT_DAILY),
            ):
                con.execute(
                    f"create table marts.{table} as select {_daily_select(base)} from ({days})"
                )
            con.execute(
                f"""
                create table marts.fct_web_sessions as
                select 's-' || i as session_id, report_date as session_date
                from marts.rpt_website__daily, range(sessions) as r(i)
                where report_date = date '{ds}'
                """
            )
            con.execute(
                f"""
                create table marts.fct_content_views as
                select 'v-' || i as view_id, report_date as viewed_date
                from marts.rpt_content__daily, range(views) as r(i)
                where report_date = date '{ds}'
                """
            )
            (sessions, views, orders) = con.execute(
                f"select w.sessions, c.views, c.assisted_orders from marts.rpt_website__daily w "
                f"join marts.rpt_content__daily c using (report_date) where report_date = '{ds}'"
            ).fetchone()
            by_channel = "dimension, dimension_value, segment, sessions, pct_sessions, " + (
                "converted_sessions, pct_conversion, bounced_sessions, pct_bounce"
            )
            con.execute(
                _breakdown(
                    "rpt_website__by_channel",
                    by_channel,
                    [
                        f"'channel', 'organic', 'channel: organic', {sessions - 30}, "
                        f"{(sessions - 30) / sessions}, 3, 0.05, 20, 0.3",
                        f"'channel', 'email', 'channel: email', 30, {30 / sessions}, 1, 0.03, 20, 0.6",
                        f"'device', 'mobile', 'device: mobile', {sessions}, 1.0, 4, 0.04, 40, 0.4",
                    ],
                    ds,
                )
            )
            con.execute(
                _breakdown(
                    "rpt_website__landing_pages",
                    "page_rank, landing_page, sessions, converted_sessions, pct_conversion, "
                    "bounced_sessions, pct_bounce",
                    ["1, '/', 60, 3, 0.05, 20, 0.33", "2, '/blog/a', 40, 1, 0.025, 20, 0.5"],
                    ds,
                )
            )
            con.execute(
                _breakdown(
                    "rpt_content__top_content",
                    "content_id, views, avg_read_seconds, shares, product_clicks, assisted_orders, "
                    "assisted_net_sales, views_rank, assisted_net_sales_rank",
                    [
                        f"'c1', {views - 5}, 60.0, 2, 4, {orders - 1}, 100.00, 1, 1",
                        "'c2', 5, 30.0, 0, 1, 1, 20.00, 2, 2",
                    ],
                    ds,
                )
            )
            con.execute(
                _breakdown(
                    "rpt_content__by_type_topic",
                    "dimension, dimension_value, segment, views, pct_views, avg_read_seconds, "
                    "assisted_orders, assisted_net_sales",
                    [
                        f"'content_type', 'guide', 'content_type: guide', {views}, 1.0, 60.0, "
                        f"{orders}, 120.00",
                        f"'topic', 'toys', 'topic: toys', {views - 5}, {(views - 5) / views}, 55.0, "
                        f"{orders}, 120.00",
                        f"'topic', 'home', 'topic: home', 5, {5 / views}, 70.0, 0, 0.00",
                    ],
                    ds,
                )
            )
            con.execute(
                _breakdown(
                    "rpt_experiments__results",
                    "experiment_id, variant, is_control, visitors, conversions, pct_conversion, "
                    "lift_abs, lift_abs_ci_low, lift_abs_ci_high, p_value, "
                    "planned_treatment_share, srm_chi_square, srm_p_value, verdict",
                    [
                        "'e1', 'control', true, 1000, 100, 0.1, null, null, null, null, "
                        "0.5, 0.2, 0.65, null",
                        "'e1', 'treatment', false, 1020, 150, 0.147, 0.047, 0.019, 0.075, "
                        "0.0011, 0.5, 0.2, 0.65, 'winner'",
                    ],
                    ds,
                )
            )
            for statement in sql:
                con.execute(statement.format(ds=ds))
        return path

    return make


MARTS = (
    "rpt_website__daily",
    "rpt_website__by_channel",
    "rpt_website__landing_pages",
    "rpt_content__daily",
    "rpt_content__top_content",
    "rpt_content__by_type_topic",
    "rpt_experiments__results",
)

# case: (mart, SQL that breaks the clean day, {(expectation, column): unexpected count})
BAD_DAYS = {
    "conversion rate above one": (
        "rpt_website__daily",
        ["update marts.rpt_website__daily set pct_conversion = 1.5 where report_date = '{ds}'"],
        {(BETWEEN, "pct_conversion"): 1, (ROWS, "pct_conversion"): 1},
    ),
    "sessions not reconciled with fct_web_sessions": (
        "rpt_website__daily",
        ["delete from marts.fct_web_sessions where session_id = 's-0'"],
        {(ROWS, "sessions"): 1},
    ),
    "more unique visitors than sessions": (
        "rpt_website__daily",
        [
            "update marts.rpt_website__daily set unique_visitors = sessions + 1 where report_date = '{ds}'"
        ],
        # 107 is also far above the trailing mean of about 93: an anomaly (a warning)
        {(PAIR, "sessions,unique_visitors"): 1, (ROWS, "unique_visitors"): 1},
    ),
    "channels do not add up to the day's sessions": (
        "rpt_website__by_channel",
        ["update marts.rpt_website__by_channel set sessions = 31 where segment = 'channel: email'"],
        {(ROWS, "sessions"): 1},
    ),
    "landing page converts more sessions than it has": (
        "rpt_website__landing_pages",
        ["update marts.rpt_website__landing_pages set converted_sessions = 61 where page_rank = 1"],
        {(PAIR, "sessions,converted_sessions"): 1},
    ),
    "views not reconciled with fct_content_views": (
        "rpt_content__daily",
        ["insert into marts.fct_content_views values ('v-extra', date '{ds}')"],
        {(ROWS, "views"): 1},
    ),
    "negative assisted net sales": (
        "rpt_content__daily",
        ["update marts.rpt_content__daily set assisted_net_sales = -1 where report_date = '{ds}'"],
        {(BETWEEN, "assisted_net_sales"): 1},
    ),
    "items do not add up to the day's views": (
        "rpt_content__top_content",
        ["update marts.rpt_content__top_content set views = 6 where content_id = 'c2'"],
        {(ROWS, "views"): 1},
    ),
    "topics do not add up to the day's views": (
        "rpt_content__by_type_topic",
        ["update marts.rpt_content__by_type_topic set views = 6 where segment = 'topic: home'"],
        {(ROWS, "views"): 1},
    ),
    "share of views above one": (
        "rpt_content__by_type_topic",
        [
            "update marts.rpt_content__by_type_topic set pct_views = 1.01 where segment = 'topic: home'"
        ],
        {(BETWEEN, "pct_views"): 1},
    ),
    "verdict contradicts the p-value": (
        "rpt_experiments__results",
        ["update marts.rpt_experiments__results set verdict = 'loser' where variant = 'treatment'"],
        {(ROWS, "verdict"): 1},
    ),
    "p-value above one and lift outside its interval": (
        "rpt_experiments__results",
        [
            "update marts.rpt_experiments__results set p_value = 1.2, verdict = 'inconclusive', "
            "lift_abs = 0.08 where variant = 'treatment'"
        ],
        {(BETWEEN, "p_value"): 1, (PAIR, "lift_abs_ci_high,lift_abs"): 1},
    ),
    "experiment without a control": (
        "rpt_experiments__results",
        ["delete from marts.rpt_experiments__results where is_control"],
        {(ROWS, "is_control"): 1, ("expect_table_row_count_to_be_between", None): None},
    ),
}


def _failed(report) -> dict[tuple[str, str | None], int | None]:
    return {(f.expectation, f.column): f.unexpected_count for f in report.failures}


@pytest.mark.parametrize("mart", MARTS)
def test_clean_day_passes(my_marts_db, ds, mart: str) -> None:
    report = audit("marts", db_path=my_marts_db(), ds=ds, run_id="clean", tables=[mart])
    assert report.passed, report.summary()
    assert report.failures == []


@pytest.mark.parametrize("case", list(BAD_DAYS))
def test_bad_day_fails_exactly(my_marts_db, ds, case: str) -> None:
    mart, statements, expected = BAD_DAYS[case]
    report = audit(
        "marts", db_path=my_marts_db(sql=tuple(statements)), ds=ds, run_id="bad", tables=[mart]
    )
    assert _failed(report) == expected, report.summary()
    assert not report.passed
