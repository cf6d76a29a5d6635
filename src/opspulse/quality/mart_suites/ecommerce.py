"""E-commerce marts: ranges, subsets, net sales reconciled with ``fct_orders``, payment shares."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import SHARE_TOLERANCE, MartSpec, critical
from opspulse.quality.thresholds import Thresholds


def net_sales_reconciliation(limits: Thresholds) -> Expectation:
    query = f"""
with day_row as (
    select report_date, net_sales from {{batch}}
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
        coalesce(orders.orders_net_sales, 0) as orders_net_sales,
    from day_row
    left join orders on orders.ordered_date = day_row.report_date
)
select * from reconciled
where report_net_sales is null
   or abs(report_net_sales - orders_net_sales) > {limits.reconciliation_tolerance}
"""
    rule = (
        "net_sales equals the sum of net_sales of the day's valid orders in fct_orders "
        "(0 on a day without any)"
    )
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "net_sales"},
    )


def cancellations_add_up(limits: Thresholds) -> Expectation:
    query = f"""
select report_date, placed_orders, valid_orders, cancelled_orders, pct_cancelled
from {{batch}}
where placed_orders is distinct from valid_orders + cancelled_orders
   or (pct_cancelled is null) <> (coalesce(placed_orders, 0) = 0)
   or abs(pct_cancelled - cancelled_orders / nullif(placed_orders, 0)) > {SHARE_TOLERANCE}
"""
    rule = (
        "valid orders + cancelled orders (cancelled or unavailable) = placed orders, and "
        "pct_cancelled = cancelled_orders / placed_orders (NULL without orders)"
    )
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "cancelled_orders"},
    )


def payment_shares_add_up(limits: Thresholds) -> Expectation:
    query = f"""
select report_date, sum(pct_payment_value) as total_share from {{batch}}
group by report_date
having sum(payment_amount) > 0 and abs(sum(pct_payment_value) - 1) > {SHARE_TOLERANCE}
"""
    rule = "the payment methods' shares of a day with charges add up to 1"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "pct_payment_value"},
    )


MARTS = (
    MartSpec(
        name="rpt_ecommerce__daily",
        headline=("net_sales", "valid_orders", "avg_order_value", "pct_cart_abandonment"),
        ratios=("pct_cancelled", "pct_cart_abandonment", "pct_refund_30d"),
        money=("gmv", "discount_amount", "net_sales", "avg_order_value", "refund_amount"),
        counts=(
            "placed_orders",
            "valid_orders",
            "cancelled_orders",
            "items_per_order",
            "sessions_with_cart",
            "abandoned_cart_sessions",
            "active_listings",
            "price_changes",
        ),
        ordered_pairs=(
            ("placed_orders", "valid_orders", "valid orders are a subset of placed orders"),
            ("placed_orders", "cancelled_orders", "cancelled orders are a subset of placed orders"),
            (
                "sessions_with_cart",
                "abandoned_cart_sessions",
                "abandoned carts are a subset of carts",
            ),
            ("gmv", "net_sales", "net sales never exceed GMV"),
        ),
        no_attainment=frozenset({"pct_cart_abandonment"}),
        extras=(net_sales_reconciliation, cancellations_add_up),
    ),
    MartSpec(
        name="rpt_ecommerce__payment_mix",
        headline=(),
        grain=("payment_method",),
        ratios=("pct_payment_value",),
        money=("payment_amount",),
        extras=(payment_shares_add_up,),
    ),
)
