"""Product operations marts: ranges, subsets and net sales reconciled with ``fct_orders``."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.mart_suites.ecommerce import net_sales_reconciliation
from opspulse.quality.suites import SHARE_TOLERANCE, MartSpec, critical, warning
from opspulse.quality.thresholds import Thresholds

RATING = (1, 5, "ratings run from 1 to 5 stars")


def new_products_sell_what_was_received(limits: Thresholds) -> Expectation:
    """Usual, not certain: stock may arrive outside purchase orders (a transfer, a count
    correction), and without any receipts (no purchase orders delivered) it cannot apply."""
    query = """
select
    report_date,
    new_products,
    new_product_units_sold,
    new_product_units_received,
    pct_new_product_sell_through,
from {batch}
where new_product_units_received > 0
  and new_product_units_sold > new_product_units_received
"""
    rule = (
        "new products usually sell no more units than were received (skipped on days "
        "without receipts)"
    )
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**warning(rule), "column": "new_product_units_sold"},
    )


def category_net_sales_reconciliation(limits: Thresholds) -> Expectation:
    """The categories of the day add up to its valid orders' net sales (each rounded to cents)."""
    query = f"""
with day_rows as (
    select report_date, sum(net_sales) as category_net_sales, count(*) as categories,
    from {{batch}}
    group by report_date
),
orders as (
    select fct_orders.ordered_date, sum(fct_orders.net_sales) as orders_net_sales,
    from marts.fct_orders as fct_orders
    where fct_orders.is_valid
      and fct_orders.ordered_date in (select report_date from day_rows)
    group by fct_orders.ordered_date
)
select
    day_rows.report_date,
    day_rows.category_net_sales,
    coalesce(orders.orders_net_sales, 0) as orders_net_sales,
from day_rows
left join orders on orders.ordered_date = day_rows.report_date
where abs(day_rows.category_net_sales - coalesce(orders.orders_net_sales, 0))
      > {limits.reconciliation_tolerance} * day_rows.categories
"""
    rule = "the categories' net_sales add up to the net_sales of the day's valid orders"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "net_sales"},
    )


def category_shares_sum_to_one(limits: Thresholds) -> Expectation:
    query = f"""
select report_date, sum(pct_net_sales_share) as total_share,
from {{batch}}
group by report_date
having count(pct_net_sales_share) > 0 and abs(sum(pct_net_sales_share) - 1) > {SHARE_TOLERANCE}
"""
    rule = "the categories' shares of net sales add up to 1 on a day with sales"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "pct_net_sales_share"},
    )


def top_products_ranked_by_net_sales(limits: Thresholds) -> Expectation:
    query = """
with ranked as (
    select
        report_date,
        sales_rank,
        net_sales,
        lag(net_sales) over (partition by report_date order by sales_rank) as better_net_sales,
        row_number() over (partition by report_date order by sales_rank) as position,
    from {batch}
)
select * from ranked
where sales_rank != position or sales_rank > 10 or net_sales > better_net_sales
"""
    rule = "ranks run 1..10 without gaps and net sales never rise down the ranking"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "sales_rank"},
    )


MARTS = (
    MartSpec(
        name="rpt_product__daily",
        headline=("net_sales", "units_sold", "pct_returned", "avg_rating"),
        ratios=("pct_returned",),
        money=("net_sales",),
        counts=(
            "units_sold",
            "units_returned",
            "units_sold_30d",
            "units_returned_30d",
            "review_count",
            "active_products",
            "new_products",
            "new_product_units_sold",
            "new_product_units_received",
        ),
        bounded={
            "avg_rating": RATING,
            "pct_new_product_sell_through": (0, None, "sell-through is never negative"),
        },
        ordered_pairs=(
            ("units_sold_30d", "units_sold", "the day's units sold are in its 30-day window"),
            (
                "units_returned_30d",
                "units_returned",
                "the day's returns are in its 30-day window",
            ),
        ),
        no_attainment=frozenset({"pct_returned"}),
        extras=(net_sales_reconciliation, new_products_sell_what_was_received),
    ),
    MartSpec(
        name="rpt_product__by_category",
        headline=(),
        grain=("category",),
        # every category of the catalogue has a row every day, sold or not
        min_rows=1,
        ratios=("pct_net_sales_share", "pct_returned"),
        money=("net_sales",),
        counts=("units_sold", "units_returned", "review_count"),
        bounded={"avg_rating": RATING},
        extras=(category_net_sales_reconciliation, category_shares_sum_to_one),
    ),
    MartSpec(
        name="rpt_product__top_products",
        headline=(),
        grain=("sales_rank",),
        money=("net_sales",),
        counts=("units_sold",),
        bounded={
            "sales_rank": (1, 10, "the top products are ranked 1 to 10"),
            "prior_7d_sales_rank": (1, None, "ranks start at 1"),
        },
        extras=(top_products_ranked_by_net_sales,),
    ),
)
