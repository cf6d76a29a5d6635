"""Sales marts: ranges, subsets and net sales reconciled with ``fct_orders``."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import MartSpec, Usual, critical
from opspulse.quality.thresholds import Thresholds


def net_sales_by_channel_reconciliation(limits: Thresholds) -> Expectation:
    query = f"""
with day_row as (
    select report_date, net_sales from {{batch}}
),
channels as (
    select
        by_channel.report_date,
        sum(by_channel.net_sales) as channels_net_sales,
    from marts.rpt_sales__by_channel as by_channel
    where by_channel.report_date in (select report_date from day_row)
    group by by_channel.report_date
),
orders as (
    select
        fct_orders.ordered_date,
        sum(fct_orders.net_sales) as orders_net_sales,
    from marts.fct_orders as fct_orders
    where fct_orders.is_valid
      and fct_orders.ordered_date in (select report_date from day_row)
    group by fct_orders.ordered_date
),
reconciled as (
    select
        day_row.report_date,
        day_row.net_sales as report_net_sales,
        coalesce(channels.channels_net_sales, 0) as channels_net_sales,
        coalesce(orders.orders_net_sales, 0) as orders_net_sales,
    from day_row
    left join channels on channels.report_date = day_row.report_date
    left join orders on orders.ordered_date = day_row.report_date
)
select * from reconciled
where report_net_sales is null
   or abs(report_net_sales - orders_net_sales) > {limits.reconciliation_tolerance}
   or abs(channels_net_sales - orders_net_sales) > {limits.reconciliation_tolerance}
"""
    rule = (
        "net_sales and the sum over channels equal the net sales of the day's valid orders "
        "in fct_orders"
    )
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "net_sales"},
    )


def top_channel_is_a_channel(limits: Thresholds) -> Expectation:
    """The top channel is one the company sold through that day (any name: channels are the
    company's own vocabulary), or NULL on a day without valid orders."""
    query = """
with day_row as (
    select report_date, top_channel from {batch}
)
select day_row.report_date, day_row.top_channel
from day_row
where day_row.top_channel is not null
  and day_row.top_channel not in (
      select by_channel.sales_channel
      from marts.rpt_sales__by_channel as by_channel
      where by_channel.report_date = day_row.report_date
        and by_channel.valid_orders > 0
  )
"""
    rule = "top_channel is a channel that sold that day"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "top_channel"},
    )


ATTAINMENT = (0, None, "attainment is never negative")
UNUSUAL_ATTAINMENT = Usual("pct_attainment", "max_target_attainment", "attainment is unusual")

MARTS = (
    MartSpec(
        name="rpt_sales__daily",
        headline=("net_sales", "pct_attainment", "new_customers_won"),
        money=(
            "net_sales",
            "mtd_net_sales",
            "monthly_net_sales_target",
            "prorated_net_sales_target",
            "partner_net_sales",
        ),
        counts=("valid_orders", "new_customers_won", "partner_orders"),
        ratios=("pct_partner_net_sales",),
        bounded={"pct_attainment": ATTAINMENT},
        usual=(UNUSUAL_ATTAINMENT,),
        ordered_pairs=(
            ("mtd_net_sales", "net_sales", "month-to-date net sales include the day's"),
            ("net_sales", "partner_net_sales", "partner revenue is part of net sales"),
            ("valid_orders", "partner_orders", "partner orders are a subset of valid orders"),
            ("valid_orders", "new_customers_won", "each new customer placed a valid order"),
        ),
        extras=(net_sales_by_channel_reconciliation, top_channel_is_a_channel),
    ),
    MartSpec(
        name="rpt_sales__by_channel",
        headline=(),
        grain=("sales_channel",),
        # every channel that ever sold has a row every day
        min_rows=1,
        ratios=("pct_net_sales_share",),
        money=("net_sales",),
        counts=("valid_orders", "new_customers_won"),
        ordered_pairs=(
            ("valid_orders", "new_customers_won", "each new customer placed a valid order"),
        ),
    ),
    MartSpec(
        name="rpt_sales__by_region",
        headline=(),
        grain=("region",),
        money=("net_sales", "mtd_net_sales", "monthly_net_sales_target"),
        counts=("valid_orders",),
        bounded={"pct_attainment": ATTAINMENT},
        usual=(UNUSUAL_ATTAINMENT,),
        ordered_pairs=(
            ("mtd_net_sales", "net_sales", "month-to-date net sales include the day's"),
        ),
    ),
    MartSpec(
        name="rpt_sales__reps",
        headline=(),
        grain=("sales_rep_id",),
        money=("net_sales", "mtd_net_sales", "monthly_net_sales_target"),
        counts=("valid_orders", "leaderboard_rank"),
        bounded={"pct_attainment": ATTAINMENT},
        usual=(UNUSUAL_ATTAINMENT,),
        ordered_pairs=(
            ("mtd_net_sales", "net_sales", "month-to-date net sales include the day's"),
        ),
    ),
)
