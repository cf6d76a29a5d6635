"""Finance marts: ranges, and ledger revenue reconciled with e-commerce net sales (0.5 %).

The ledger of the newest days is still settling (thresholds ``ledger_settlement_lag_days``):
a charge captured after midnight, or an order accepted today and found unavailable
tomorrow, reaches the ledger and the order book on different nights. So the reconciliation
of a day is a warning while the day is younger than the lag, and critical on the night it
becomes that old (the mart recomputes it then, within the lookback window): no clean day
fails, and a real mismatch still withholds the reports one night later.
"""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import MartSpec, Usual, critical, warning
from opspulse.quality.thresholds import Thresholds

DAILY = "marts.rpt_finance__daily"


def _ledger_reconciliation(limits: Thresholds, *, settled: bool) -> Expectation:
    lag = limits.ledger_settlement_lag_days
    pct = limits.ledger_reconciliation_max_pct
    days = (
        f"finance.report_date = audited.report_date - {lag}"
        if settled
        else f"finance.report_date > audited.report_date - {lag}"
        f" and finance.report_date <= audited.report_date"
    )
    query = f"""
with audited as (
    select max(report_date) as report_date from {{batch}}
),
checked as (
    select
        finance.report_date,
        finance.ledger_order_revenue,
        finance.ecommerce_net_sales,
        finance.reconciliation_difference,
    from {DAILY} as finance, audited
    where {days}
)
select * from checked
where reconciliation_difference is null
   or abs(reconciliation_difference) > {pct:g} * abs(coalesce(ecommerce_net_sales, 0))
"""
    within = f"within {pct:.1%} of their e-commerce net sales"
    if settled:
        when = "the audited day" if lag == 0 else f"the day {lag} day(s) before the audited day"
        rule = f"ledger revenue of the orders of {when} (settled) is {within}"
        meta = critical(rule)
    else:
        rule = (
            f"ledger revenue of the orders of the newest {lag} day(s), still settling, is {within}"
        )
        meta = warning(rule)
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**meta, "column": "reconciliation_difference"},
    )


def settled_ledger_reconciliation(limits: Thresholds) -> Expectation:
    return _ledger_reconciliation(limits, settled=True)


def settling_ledger_reconciliation(limits: Thresholds) -> Expectation:
    return _ledger_reconciliation(limits, settled=False)


def gross_margin_identity(limits: Thresholds) -> Expectation:
    query = """
select report_date, revenue, cogs, gross_margin
from {batch}
where gross_margin is null or abs(gross_margin - (revenue - cogs)) > 0.005
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
        bounded={"pct_gross_margin": (None, 1, "a gross margin is at most 100 % of revenue")},
        usual=(
            Usual(
                "pct_gross_margin", "min_pct_gross_margin", "gross margin is unusual", below=True
            ),
        ),
        no_attainment=frozenset(
            {"pct_gross_margin", "operating_cost_per_order", "reconciliation_difference"}
        ),
        extras=(
            settled_ledger_reconciliation,
            settling_ledger_reconciliation,
            gross_margin_identity,
        ),
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
