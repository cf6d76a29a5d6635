"""Supply chain marts: ranges, subsets, and logistics and stock reconciled with their facts."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import MartSpec, Usual, critical
from opspulse.quality.thresholds import Thresholds


def _reconciliation(
    column: str,
    fact_total: str,
    fact: str,
    day_column: str,
    limits: Thresholds,
    *,
    empty_is_zero: bool,
) -> Expectation:
    """``column`` of the audited day equals ``fact_total`` over that day's rows of ``fact``.

    ``empty_is_zero``: a day without fact rows totals 0 (a sum of costs: the mart holds 0
    and never NULL); otherwise it totals NULL (a stock value nobody counted), and the mart
    must be NULL too.
    """
    report, total = f"report_{column}", f"{fact}_{column}"
    tolerance = limits.reconciliation_tolerance
    if empty_is_zero:
        fact_value = "coalesce(fact.fact_value, 0)"
        mismatch = f"{report} is null or abs({report} - {total}) > {tolerance}"
    else:
        fact_value = "fact.fact_value"
        mismatch = (
            f"({report} is null) <> ({total} is null) or abs({report} - {total}) > {tolerance}"
        )
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
        {fact_value} as {fact}_{column},
    from day_row
    left join fact on fact.report_date = day_row.report_date
)
select * from reconciled
where {mismatch}
"""
    empty = "0 on a day without rows" if empty_is_zero else "NULL in both on a day without rows"
    rule = f"{column} equals {fact_total} over the day's rows of {fact} ({empty})"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": column},
    )


def shipping_cost_reconciliation(limits: Thresholds) -> Expectation:
    return _reconciliation(
        "shipping_cost",
        "sum(shipping_cost)",
        "fct_shipments",
        "shipped_date",
        limits,
        empty_is_zero=True,
    )


def inventory_value_reconciliation(limits: Thresholds) -> Expectation:
    return _reconciliation(
        "inventory_value",
        "sum(inventory_value)",
        "fct_inventory_daily",
        "snapshot_date",
        limits,
        empty_is_zero=False,
    )


LEAD_TIME = Usual("avg_po_lead_time_days", "max_po_lead_time_days", "PO lead times are unusual")


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
            "days_of_inventory": (0, None, "days of inventory are never negative"),
            "avg_po_lead_time_days": (0, None, "PO lead times are never negative"),
            "inventory_turnover_annualised": (0, None, "inventory turns are never negative"),
        },
        usual=(
            Usual("days_of_inventory", "max_days_of_inventory", "days of inventory are unusual"),
            LEAD_TIME,
            Usual(
                "inventory_turnover_annualised",
                "max_inventory_turnover",
                "inventory turnover is unusual",
            ),
        ),
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
        bounded={"avg_lead_time_days": (0, None, "PO lead times are never negative")},
        usual=(LEAD_TIME._replace(column="avg_lead_time_days"),),
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
