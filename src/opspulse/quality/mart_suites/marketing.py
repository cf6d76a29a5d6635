"""Marketing marts: ranges, subsets, spend and conversions reconciled with the facts."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import SHARE_TOLERANCE, MartSpec, critical
from opspulse.quality.thresholds import Thresholds


def _day_reconciliation(column: str, fact_sql: str, rule: str, tolerance: float) -> Expectation:
    query = f"""
with day_row as (
    select report_date, {column} from {{batch}}
),
fact as (
    {fact_sql}
),
reconciled as (
    select
        day_row.report_date,
        day_row.{column} as report_value,
        coalesce(fact.fact_value, 0) as fact_value,
    from day_row
    left join fact on fact.report_date = day_row.report_date
)
select * from reconciled
where report_value is null or abs(report_value - fact_value) > {tolerance}
"""
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query, description=rule, meta={**critical(rule), "column": column}
    )


def spend_reconciliation(limits: Thresholds) -> Expectation:
    return _day_reconciliation(
        "spend",
        """select spend_date as report_date, sum(spend) as fact_value
    from marts.fct_ad_spend
    where spend_date in (select report_date from day_row)
    group by spend_date""",
        "spend equals the sum of the day's ad spend in fct_ad_spend (0 on a day without)",
        limits.reconciliation_tolerance,
    )


def conversions_reconciliation(limits: Thresholds) -> Expectation:
    return _day_reconciliation(
        "conversions",
        """select ordered_date as report_date, count(*) as fact_value
    from marts.fct_orders
    where is_valid and campaign_id is not null
      and ordered_date in (select report_date from day_row)
    group by ordered_date""",
        "conversions equal the day's valid orders naming a campaign in fct_orders",
        0,
    )


def spend_shares_add_up(limits: Thresholds) -> Expectation:
    query = f"""
select report_date, sum(pct_spend_share) as total_share, sum(spend) as spend
from {{batch}}
group by report_date
having (sum(spend) > 0 and abs(sum(pct_spend_share) - 1) > {SHARE_TOLERANCE})
    or (sum(spend) = 0 and count(pct_spend_share) > 0)
"""
    rule = "channel spend shares add up to 1 on a day with spend and are NULL without"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "pct_spend_share"},
    )


NON_NEGATIVE_ROAS = {"roas": (0, None, "ROAS is never negative")}
CLICKS_SUBSET = ("impressions", "clicks", "clicks never exceed impressions")

MARTS = (
    MartSpec(
        name="rpt_marketing__daily",
        headline=("spend", "roas", "cpa", "conversions"),
        ratios=("pct_click_through",),
        money=(
            "spend",
            "cpc",
            "cpa",
            "attributed_net_sales",
            "co_marketing_spend",
            "co_marketing_attributed_net_sales",
        ),
        counts=(
            "impressions",
            "clicks",
            "conversions",
            "campaigns_active",
            "co_marketing_conversions",
        ),
        bounded={
            **NON_NEGATIVE_ROAS,
            "co_marketing_roas": (0, None, "ROAS is never negative"),
        },
        ordered_pairs=(
            CLICKS_SUBSET,
            ("spend", "co_marketing_spend", "co-marketing spend is part of spend"),
            ("conversions", "co_marketing_conversions", "co-marketing conversions are a subset"),
            (
                "attributed_net_sales",
                "co_marketing_attributed_net_sales",
                "co-marketing attributed net sales are part of attributed net sales",
            ),
        ),
        extras=(spend_reconciliation, conversions_reconciliation),
    ),
    MartSpec(
        name="rpt_marketing__campaigns",
        headline=(),
        grain=("campaign_id",),
        # a day without any campaign in flight, spending or converting has no rows
        usual_rows=0,
        ratios=("pct_click_through",),
        money=("spend", "cpc", "cpa", "attributed_net_sales", "budget", "campaign_to_date_spend"),
        counts=("impressions", "clicks", "conversions"),
        bounded={
            **NON_NEGATIVE_ROAS,
            "pct_budget_used": (0, None, "budget used is never negative (above 1 if overspent)"),
        },
        ordered_pairs=(
            CLICKS_SUBSET,
            ("campaign_to_date_spend", "spend", "campaign-to-date spend includes the day's"),
        ),
    ),
    MartSpec(
        name="rpt_marketing__by_channel",
        headline=(),
        grain=("channel",),
        ratios=("pct_spend_share", "pct_click_through"),
        money=("spend", "cpa", "attributed_net_sales"),
        counts=("impressions", "clicks", "conversions"),
        bounded=NON_NEGATIVE_ROAS,
        ordered_pairs=(CLICKS_SUBSET,),
        extras=(spend_shares_add_up,),
    ),
)
