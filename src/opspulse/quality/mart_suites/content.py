"""Content marts: ranges, and views reconciled with ``fct_content_views``."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import MartSpec, critical
from opspulse.quality.thresholds import Thresholds


def views_reconciliation(limits: Thresholds) -> Expectation:
    query = """
with day_row as (
    select report_date, views from {batch}
),
facts as (
    select viewed_date, count(*) as fact_views
    from marts.fct_content_views
    where viewed_date in (select report_date from day_row)
    group by viewed_date
)
select
    day_row.report_date,
    day_row.views as report_views,
    coalesce(facts.fact_views, 0) as fact_views,
from day_row
left join facts on facts.viewed_date = day_row.report_date
where coalesce(day_row.views, -1) <> coalesce(facts.fact_views, 0)
"""
    rule = "views equals the day's reads in fct_content_views"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "views"},
    )


def top_content_adds_up(limits: Thresholds) -> Expectation:
    query = """
with rows_of_day as (
    select report_date, sum(views) as item_views, sum(assisted_orders) as item_orders
    from {batch}
    group by report_date
),
daily as (
    select report_date, views, assisted_orders
    from marts.rpt_content__daily
    where report_date in (select report_date from rows_of_day)
)
select rows_of_day.*, daily.views as daily_views, daily.assisted_orders as daily_orders,
from rows_of_day
left join daily on daily.report_date = rows_of_day.report_date
where rows_of_day.item_views is distinct from daily.views
   or rows_of_day.item_orders is distinct from daily.assisted_orders
"""
    rule = "the items' views and assisted orders add up to the day's in rpt_content__daily"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "views"},
    )


def breakdown_adds_up(limits: Thresholds) -> Expectation:
    query = """
with rows_of_day as (
    select report_date, dimension, sum(views) as breakdown_views,
           sum(assisted_orders) as breakdown_orders,
    from {batch}
    group by report_date, dimension
),
daily as (
    select report_date, views, assisted_orders
    from marts.rpt_content__daily
    where report_date in (select report_date from rows_of_day)
)
select rows_of_day.*, daily.views as daily_views, daily.assisted_orders as daily_orders,
from rows_of_day
left join daily on daily.report_date = rows_of_day.report_date
where rows_of_day.breakdown_views is distinct from daily.views
   or rows_of_day.breakdown_orders is distinct from daily.assisted_orders
"""
    rule = "each dimension's views and assisted orders add up to the day's in rpt_content__daily"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "views"},
    )


MARTS = (
    MartSpec(
        name="rpt_content__daily",
        headline=("views", "assisted_orders", "avg_read_seconds", "items_published"),
        money=("assisted_net_sales",),
        counts=(
            "items_published",
            "views",
            "avg_read_seconds",
            "shares",
            "product_clicks",
            "product_clicks_per_view",
            "assisted_orders",
        ),
        extras=(views_reconciliation,),
    ),
    MartSpec(
        name="rpt_content__top_content",
        headline=(),
        grain=("content_id",),
        money=("assisted_net_sales",),
        counts=(
            "views",
            "avg_read_seconds",
            "shares",
            "product_clicks",
            "assisted_orders",
            "views_rank",
            "assisted_net_sales_rank",
        ),
        extras=(top_content_adds_up,),
    ),
    MartSpec(
        name="rpt_content__by_type_topic",
        headline=(),
        grain=("dimension", "dimension_value"),
        # a row per type and topic read that day: a day without reads has none
        usual_rows=2,
        ratios=("pct_views",),
        money=("assisted_net_sales",),
        counts=("views", "avg_read_seconds", "assisted_orders"),
        extras=(breakdown_adds_up,),
    ),
)
