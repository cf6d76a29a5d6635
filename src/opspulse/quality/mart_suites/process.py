"""Process operations mart: ranges, subsets and shipments reconciled with ``fct_orders``."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import MartSpec, Usual, critical
from opspulse.quality.thresholds import Thresholds

HOURS = (0, None, "durations are never negative")
DURATIONS = tuple(
    Usual(f"{p}_{kpi}_hours", f"max_{kpi}_days", f"{kpi.replace('_', '-')} times are unusual", 24)
    for kpi in ("order_to_ship", "ship_to_deliver")
    for p in ("p50", "p90")
)


def orders_shipped_reconciliation(limits: Thresholds) -> Expectation:
    query = """
with day_row as (
    select report_date, orders_shipped from {batch}
),
shipped as (
    select fct_orders.shipped_date, count(*) as fct_orders_shipped,
    from marts.fct_orders as fct_orders
    where fct_orders.shipped_date in (select report_date from day_row)
    group by fct_orders.shipped_date
)
select
    day_row.report_date,
    day_row.orders_shipped,
    coalesce(shipped.fct_orders_shipped, 0) as fct_orders_shipped,
from day_row
left join shipped on shipped.shipped_date = day_row.report_date
where day_row.orders_shipped is distinct from coalesce(shipped.fct_orders_shipped, 0)
"""
    rule = "orders_shipped equals the orders of fct_orders shipped that day"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "orders_shipped"},
    )


MARTS = (
    MartSpec(
        name="rpt_process__daily",
        headline=(
            "pct_shipped_within_sla",
            "p90_order_to_ship_hours",
            "backlog_orders",
            "pct_delivered_on_time",
        ),
        ratios=("pct_shipped_within_sla", "pct_delivered_on_time", "pct_process_defects"),
        counts=(
            "orders_shipped",
            "orders_shipped_within_sla",
            "orders_delivered",
            "orders_delivered_with_promise",
            "orders_delivered_on_time",
            "backlog_orders",
            "defect_orders",
            "tickets_opened",
            "valid_orders",
            "tickets_per_100_orders",
        ),
        bounded={
            "p50_order_to_ship_hours": HOURS,
            "p90_order_to_ship_hours": HOURS,
            "p50_ship_to_deliver_hours": HOURS,
            "p90_ship_to_deliver_hours": HOURS,
        },
        usual=DURATIONS,
        ordered_pairs=(
            ("orders_shipped", "orders_shipped_within_sla", "on-time shipments are shipments"),
            (
                "orders_delivered",
                "orders_delivered_with_promise",
                "deliveries with a promise are deliveries",
            ),
            (
                "orders_delivered_with_promise",
                "orders_delivered_on_time",
                "on-time deliveries had a promise",
            ),
            ("p90_order_to_ship_hours", "p50_order_to_ship_hours", "p90 is at least p50"),
            ("p90_ship_to_deliver_hours", "p50_ship_to_deliver_hours", "p90 is at least p50"),
        ),
        no_attainment=frozenset({"p90_order_to_ship_hours", "backlog_orders"}),
        extras=(orders_shipped_reconciliation,),
    ),
)
