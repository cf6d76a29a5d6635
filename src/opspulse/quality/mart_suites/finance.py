"""Finance marts: ranges, and ledger revenue reconciled with e-commerce net sales (0.5 %)."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import MartSpec, critical

RECONCILIATION_MAX_PCT = 0.005
"""KPIS.md §14: a daily ledger-to-sales difference above 0.5 % is a quality failure."""


def ledger_reconciliation() -> Expectation:
    query = f"""
select report_date, ledger_order_revenue, ecommerce_net_sales, reconciliation_difference
from {{batch}}
where abs(coalesce(reconciliation_difference, 0))
      > {RECONCILIATION_MAX_PCT} * abs(coalesce(ecommerce_net_sales, 0))
"""
    rule = "ledger revenue of the day's orders is within 0.5 % of their e-commerce net sales"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "reconciliation_difference"},
    )


def gross_margin_identity() -> Expectation:
    query = """
select report_date, revenue, cogs, gross_margin
from {batch}
where abs(gross_margin - (revenue - cogs)) > 0.005
"""
    rule = "gross margin equals revenue minus COGS"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "gross_margin"},
    )


MARTS = (
    MartSpec(
        name="rpt_finance__daily",
        headline=(
            "revenue",
            "pct_gross_margin",
            "operating_cost_per_order",
            "reconciliation_difference",
        ),
        money=("cogs", "opex", "operating_cost_per_order", "cash_collected", "refunds_paid"),
        counts=("valid_orders",),
        bounded={"pct_gross_margin": (-10, 1, "a gross margin is at most 100 % of revenue")},
        no_attainment=frozenset(
            {"pct_gross_margin", "operating_cost_per_order", "reconciliation_difference"}
        ),
        extras=(ledger_reconciliation, gross_margin_identity),
    ),
    MartSpec(
        name="rpt_finance__opex",
        headline=(),
        ratios=("pct_day_opex",),
        money=("opex",),
        counts=("ledger_lines",),
        grain=("department", "expense_category"),
    ),
    MartSpec(
        name="rpt_finance__budget_vs_actual",
        headline=(),
        money=("monthly_budget", "mtd_budget", "mtd_actual"),
        counts=(),
        bounded={"pct_mtd_budget_used": (0, None, "month-to-date budget use is never negative")},
        grain=("department",),
    ),
)
