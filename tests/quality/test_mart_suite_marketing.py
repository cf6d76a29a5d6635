"""The social and marketing mart suites: a clean day passes, each known-bad day fails exactly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest

from opspulse.quality import audit

BETWEEN = "expect_column_values_to_be_between"
PAIR = "expect_column_pair_values_a_to_be_greater_than_b"
ROWS = "unexpected_rows_expectation"
ROW_COUNT = "expect_table_row_count_to_equal"


def _trended(values: dict[str, str], headline: tuple[str, ...]) -> str:
    """A select list of ``values`` plus flat trend columns (attainment 1) for ``headline``."""
    columns = [f"{v} as {k}" for k, v in values.items()]
    for kpi in headline:
        attainment = f"{kpi}_of_target" if kpi.startswith("pct_") else f"pct_{kpi}_of_target"
        columns += [
            f"{values[kpi]} as {kpi}_prev_day",
            f"{values[kpi]} as {kpi}_7d_avg",
            f"{values[kpi]} as {kpi}_target",
            f"1.0 as {attainment}",
        ]
    return ", ".join(columns)


def _tables(ds: date) -> list[str]:
    day = f"date '{ds}'"
    social_daily = {
        "report_date": day,
        "followers": "1000",
        "followers_gained": "30",
        "followers_lost": "10",
        "net_follower_growth": "20",
        "posts_published": "2",
        "impressions": "3000",
        "reach": "2500",
        "engagements": "100",
        "clicks": "30",
        "pct_engagement": "100 / 3000",
        "pct_click_through": "0.01",
    }
    marketing_daily = {
        "report_date": day,
        "spend": "100.00::decimal(18, 2)",
        "impressions": "5000",
        "clicks": "100",
        "pct_click_through": "0.02",
        "cpc": "1.0",
        "conversions": "4",
        "cpa": "25.0",
        "attributed_net_sales": "400.00::decimal(18, 2)",
        "roas": "4.0",
        "campaigns_active": "2",
        "co_marketing_spend": "30.00::decimal(18, 2)",
        "co_marketing_conversions": "1",
        "co_marketing_attributed_net_sales": "100.00::decimal(18, 2)",
        "co_marketing_roas": "100 / 30",
    }
    return [
        "create schema marts",
        f"""create table marts.fct_social_posts as
        select * from (values ('p1', {day}, 1000, 40, 10), ('p2', {day}, 2000, 60, 20))
            as t(post_id, published_date, impressions, engagements, clicks)""",
        "create table marts.rpt_social__daily as select "
        + _trended(
            social_daily,
            ("pct_engagement", "impressions", "net_follower_growth", "pct_click_through"),
        ),
        f"""create table marts.rpt_social__by_platform as
        select * from (values
            ({day}, 'instagram', 600, 15, 1, 1000, 900, 40, 10, 0.04, 0.01),
            ({day}, 'tiktok', 400, 5, 1, 2000, 1600, 60, 20, 0.03, 0.01)
        ) as t(report_date, platform, followers, net_follower_growth, posts_published,
               impressions, reach, engagements, clicks, pct_engagement, pct_click_through)""",
        f"""create table marts.rpt_social__top_posts as
        select * from (values
            ({day}, 1, 'p2', 'tiktok', 'video', null, 2000, 1600, 60, 20, 0.03, 0.01),
            ({day}, 2, 'p1', 'instagram', 'image', 'c2', 1000, 900, 40, 10, 0.04, 0.01)
        ) as t(report_date, post_rank, post_id, platform, post_type, campaign_id, impressions,
               reach, engagements, clicks, pct_engagement, pct_click_through)""",
        f"""create table marts.fct_ad_spend as
        select * from (values ('s1', 'c1', {day}, 70.00), ('s2', 'c2', {day}, 30.00))
            as t(ad_spend_id, campaign_id, spend_date, spend)""",
        f"""create table marts.fct_orders as
        select * from (values
            ('o1', 'c1', {day}, true), ('o2', 'c1', {day}, true), ('o3', 'c1', {day}, true),
            ('o4', 'c2', {day}, true), ('o5', 'c1', {day}, false), ('o6', null, {day}, true)
        ) as t(order_id, campaign_id, ordered_date, is_valid)""",
        "create table marts.rpt_marketing__daily as select "
        + _trended(marketing_daily, ("spend", "roas", "cpa", "conversions")),
        f"""create table marts.rpt_marketing__campaigns as
        select * from (values
            ({day}, 'c1', 'paid_search', false, 70.00, 3000, 60, 0.02, 70 / 60, 3, 70 / 3,
             300.00, 300 / 70, 500.00, 210.00, 0.42),
            ({day}, 'c2', 'social', true, 30.00, 2000, 40, 0.02, 0.75, 1, 30.0,
             100.00, 100 / 30, 200.00, 90.00, 0.45)
        ) as t(report_date, campaign_id, channel, is_co_marketing, spend, impressions, clicks,
               pct_click_through, cpc, conversions, cpa, attributed_net_sales, roas, budget,
               campaign_to_date_spend, pct_budget_used)""",
        f"""create table marts.rpt_marketing__by_channel as
        select * from (values
            ({day}, 'paid_search', 70.00, 0.7, 3000, 60, 0.02, 3, 70 / 3, 300.00, 300 / 70),
            ({day}, 'social', 30.00, 0.3, 2000, 40, 0.02, 1, 30.0, 100.00, 100 / 30),
            ({day}, 'email', 0.00, 0.0, 0, 0, null, 0, null, 0.00, null)
        ) as t(report_date, channel, spend, pct_spend_share, impressions, clicks,
               pct_click_through, conversions, cpa, attributed_net_sales, roas)""",
    ]


@pytest.fixture
def growth_marts_db(tmp_path: Path, ds: date) -> Callable[..., Path]:
    """A build database with one clean audited day of every social and marketing mart."""

    def make(sql: tuple[str, ...] = ()) -> Path:
        path = tmp_path / "build.duckdb"
        with duckdb.connect(str(path)) as connection:
            for statement in [*_tables(ds), *sql]:
                connection.execute(statement)
        return path

    return make


MARTS = (
    "rpt_social__daily",
    "rpt_social__by_platform",
    "rpt_social__top_posts",
    "rpt_marketing__daily",
    "rpt_marketing__campaigns",
    "rpt_marketing__by_channel",
)

# case: (mart, SQL that breaks the clean day, {(expectation, column): unexpected count})
BAD_DAYS = {
    "engagement rate above one": (
        "rpt_social__daily",
        "update marts.rpt_social__daily set pct_engagement = 1.5",
        {(BETWEEN, "pct_engagement"): 1},
    ),
    "impressions not the day's posts": (
        "rpt_social__daily",
        "update marts.rpt_social__daily set impressions = 3001",
        {(ROWS, "impressions"): 1},
    ),
    "negative follower count": (
        "rpt_social__daily",
        "update marts.rpt_social__daily set followers = -1",
        {(BETWEEN, "followers"): 1},
    ),
    "two social rows for the day": (
        "rpt_social__daily",
        "insert into marts.rpt_social__daily select * from marts.rpt_social__daily",
        {(ROW_COUNT, None): None},
    ),
    "reach above impressions on a platform": (
        "rpt_social__by_platform",
        "update marts.rpt_social__by_platform set reach = 5000 where platform = 'instagram'",
        {(PAIR, "impressions,reach"): 1},
    ),
    "top post ranked eleventh": (
        "rpt_social__top_posts",
        "update marts.rpt_social__top_posts set post_rank = 11 where post_id = 'p1'",
        {(BETWEEN, "post_rank"): 1},
    ),
    "spend not the day's ad spend": (
        "rpt_marketing__daily",
        "update marts.rpt_marketing__daily set spend = 110",
        {(ROWS, "spend"): 1},
    ),
    "conversions count a cancelled order": (
        "rpt_marketing__daily",
        "update marts.rpt_marketing__daily set conversions = 5",
        {(ROWS, "conversions"): 1},
    ),
    "negative CPA": (
        "rpt_marketing__daily",
        "update marts.rpt_marketing__daily set cpa = -25",
        {(BETWEEN, "cpa"): 1},
    ),
    "more co-marketing conversions than conversions": (
        "rpt_marketing__daily",
        "update marts.rpt_marketing__daily set co_marketing_conversions = 9",
        {(PAIR, "conversions,co_marketing_conversions"): 1},
    ),
    "campaign with more clicks than impressions": (
        "rpt_marketing__campaigns",
        "update marts.rpt_marketing__campaigns set clicks = 4000 where campaign_id = 'c1'",
        {(PAIR, "impressions,clicks"): 1},
    ),
    "campaign-to-date spend below the day's spend": (
        "rpt_marketing__campaigns",
        "update marts.rpt_marketing__campaigns set campaign_to_date_spend = 10 "
        "where campaign_id = 'c2'",
        {(PAIR, "campaign_to_date_spend,spend"): 1},
    ),
    "channel shares not adding up": (
        "rpt_marketing__by_channel",
        "update marts.rpt_marketing__by_channel set pct_spend_share = 0.5 where channel = 'social'",
        {(ROWS, "pct_spend_share"): 1},
    ),
    "negative channel ROAS": (
        "rpt_marketing__by_channel",
        "update marts.rpt_marketing__by_channel set roas = -1 where channel = 'social'",
        {(BETWEEN, "roas"): 1},
    ),
}


def _failed(report) -> dict[tuple[str, str | None], int | None]:
    return {(f.expectation, f.column): f.unexpected_count for f in report.failures}


@pytest.mark.parametrize("mart", MARTS)
def test_clean_day_passes(growth_marts_db, ds, mart: str) -> None:
    report = audit("marts", db_path=growth_marts_db(), ds=ds, run_id="clean", tables=[mart])
    assert report.passed, report.summary()
    assert report.failures == []


def test_negative_follower_growth_is_not_a_failure(growth_marts_db, ds) -> None:
    path = growth_marts_db(
        (
            "update marts.rpt_social__daily set net_follower_growth = -20, "
            "followers_gained = 0, followers_lost = 20, net_follower_growth_prev_day = -20, "
            "net_follower_growth_7d_avg = -20, pct_net_follower_growth_of_target = -1",
        )
    )
    report = audit("marts", db_path=path, ds=ds, run_id="shrink", tables=["rpt_social__daily"])
    assert report.failures == [], report.summary()


@pytest.mark.parametrize("case", list(BAD_DAYS))
def test_bad_day_fails_exactly(growth_marts_db, ds, case: str) -> None:
    mart, statement, expected = BAD_DAYS[case]
    report = audit(
        "marts", db_path=growth_marts_db((statement,)), ds=ds, run_id="bad", tables=[mart]
    )
    assert _failed(report) == expected, report.summary()
    assert not report.passed
