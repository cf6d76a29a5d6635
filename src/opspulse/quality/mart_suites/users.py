"""User operations marts: ranges and subsets of customers, RFM reconciled with the daily mart."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import MartSpec, critical
from opspulse.quality.thresholds import Thresholds

RETENTION_MONTHS = (1, 2, 3, 6)


def rfm_customers_reconciliation(limits: Thresholds) -> Expectation:
    query = """
with segments as (
    select report_date, sum(customers) as segment_customers from {batch}
    group by report_date
),
reconciled as (
    select
        segments.report_date,
        segments.segment_customers,
        daily.customers_with_order,
    from segments
    left join marts.rpt_users__daily as daily on daily.report_date = segments.report_date
)
select * from reconciled
where customers_with_order is null or segment_customers is distinct from customers_with_order
"""
    rule = (
        "the RFM segments of a day hold every customer with a valid order to date "
        "(rpt_users__daily.customers_with_order)"
    )
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "customers"},
    )


MARTS = (
    MartSpec(
        name="rpt_users__daily",
        headline=("new_customers", "active_customers", "pct_repeat_purchase", "avg_csat_score"),
        ratios=("pct_repeat_purchase", "pct_churn"),
        money=("avg_customer_lifetime_value",),
        counts=(
            "new_customers",
            "active_customers",
            "customers_with_order",
            "repeat_customers",
            "churned_customers",
            "tickets_opened",
            "tickets_resolved",
        ),
        bounded={"avg_csat_score": (1, 5, "CSAT averages run from 1 to 5")},
        ordered_pairs=(
            ("customers_with_order", "repeat_customers", "repeat customers are a subset of buyers"),
            ("active_customers", "new_customers", "new customers are active customers"),
            ("customers_with_order", "active_customers", "active customers have an order"),
        ),
    ),
    MartSpec(
        name="rpt_users__cohort_retention",
        headline=(),
        grain=("cohort_month",),
        # a company whose newest cohort is older than the mart's window has no rows
        usual_rows=1,
        ratios=tuple(f"pct_retained_month_{m}" for m in RETENTION_MONTHS),
        counts=("cohort_customers", *(f"month_{m}_customers" for m in RETENTION_MONTHS)),
        ordered_pairs=tuple(
            (
                "cohort_customers",
                f"month_{m}_customers",
                f"customers retained in month {m} are a subset of the cohort",
            )
            for m in RETENTION_MONTHS
        ),
    ),
    MartSpec(
        name="rpt_users__rfm_segments",
        as_of_publication=True,
        headline=(),
        grain=("segment",),
        # one row per RFM segment every day, by definition (a segment may hold 0 customers)
        min_rows=7,
        usual_rows=7,
        ratios=("pct_customers",),
        money=("revenue", "avg_monetary"),
        counts=("customers", "avg_recency_days", "avg_frequency"),
        bounded={
            f"avg_{score}_score": (1, 5, "RFM scores run from 1 to 5")
            for score in ("recency", "frequency", "monetary")
        },
        extras=(rfm_customers_reconciliation,),
    ),
)
