"""Supply chain marts: ranges, subsets, and logistics and stock reconciled with their facts."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import RECONCILIATION_TOLERANCE, MartSpec, critical


def _reconciliation(column: str, fact_total: str, fact: str, day_column: str) -> Expectation:
    """``column`` of the audited day equals ``fact_total`` over that day's rows of ``fact``."""
    query = f"""
with day_row as (
    select report_date, {column} as report_value from {{batch}}
),
fact as (
    select {day_column} as report_date, {fact_total} as fact_value,
    from marts.{fact}
    where {day_column} in (select report_date from day_row)
    group by {day_column}
),
reconciled as (
    select
        day_row.report_date,
        day_row.report_value as report_{column},
        fact.fact_value as {fact}_{column},
    from day_row
    left join fact on fact.report_date = day_row.report_date
)
select * from reconciled
where abs(coalesce(report_{column}, 0) - coalesce({fact}_{column}, 0)) > {RECONCILIATION_TOLERANCE}
   or (report_{column} is null) <> ({fact}_{column} is null)
"""
    rule = f"{column} equals {fact_total} over the day's rows of {fact}"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": column},
    )


def shipping_cost_reconciliation() -> Expectation:
    return _reconciliation("shipping_cost", "sum(shipping_cost)", "fct_shipments", "shipped_date")


def inventory_value_reconciliation() -> Expectation:
    return _reconciliation(
        "inventory_value", "sum(inventory_value)", "fct_inventory_daily", "snapshot_date"
    )


MARTS = (
    MartSpec(
        name="rpt_supply_chain__daily",
        headline=("pct_supplier_otif", "pct_stockout", "days_of_inventory", "pct_fill_rate"),
        ratios=("pct_supplier_otif", "pct_stockout", "pct_fill_rate"),
        money=(
            "inventory_value",
            "cogs_amount",
            "avg_daily_cogs_30d",
            "shipping_cost",
            "logistics_cost_per_order",
        ),
        counts=(
            "purchase_orders_due",
            "purchase_orders_otif",
            "purchase_orders_received",
            "po_units_received",
            "active_products",
            "stocked_out_products",
            "inventory_units_shipped",
            "customer_units_ordered",
            "customer_units_shipped",
            "shipped_orders",
        ),
        bounded={
            "days_of_inventory": (0, 3650, "days of inventory run from 0 to ten years"),
            "avg_po_lead_time_days": (0, 365, "PO lead times run from 0 to 365 days"),
            "inventory_turnover_annualised": (0, 1000, "inventory turns run from 0 to 1000 a year"),
        },
        ordered_pairs=(
            ("purchase_orders_due", "purchase_orders_otif", "OTIF POs are a subset of POs due"),
            (
                "active_products",
                "stocked_out_products",
                "stocked-out products are a subset of active products",
            ),
            (
                "customer_units_ordered",
                "customer_units_shipped",
                "units shipped never exceed units ordered",
            ),
        ),
        no_attainment=frozenset({"pct_stockout", "days_of_inventory"}),
        extras=(shipping_cost_reconciliation, inventory_value_reconciliation),
    ),
    MartSpec(
        name="rpt_supply_chain__suppliers",
        headline=(),
        grain=("supplier_id",),
        ratios=("pct_otif",),
        counts=(
            "agreed_lead_time_days",
            "purchase_orders_due",
            "purchase_orders_otif",
            "purchase_orders_received",
            "units_received",
            "open_purchase_orders",
            "overdue_purchase_orders",
        ),
        bounded={"avg_lead_time_days": (0, 365, "PO lead times run from 0 to 365 days")},
        ordered_pairs=(
            ("purchase_orders_due", "purchase_orders_otif", "OTIF POs are a subset of POs due"),
            (
                "open_purchase_orders",
                "overdue_purchase_orders",
                "overdue POs are a subset of open POs",
            ),
        ),
    ),
)
