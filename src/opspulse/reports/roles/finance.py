"""Finance operations: ledger revenue and margin, cost control, cash, reconciliation (KPIS.md §14)."""

from opspulse.reports.roles import DetailsSection, Field, Role, TableSection, Tile

ROLE = Role(
    name="finance",
    title="Finance",
    mart="rpt_finance__daily",
    tiles=(
        Tile("revenue", "Revenue", "money"),
        Tile("pct_gross_margin", "Gross margin", "pct"),
        Tile("operating_cost_per_order", "Operating cost per order", "money", up_is_good=False),
        Tile("reconciliation_difference", "Ledger vs sales difference", "money", up_is_good=False),
    ),
    sections=(
        TableSection(
            title="Budget vs actual, month to date",
            mart="rpt_finance__budget_vs_actual",
            label=Field("department", "Department", "text"),
            columns=(
                Field("mtd_actual", "Actual", "money"),
                Field("mtd_budget", "Budget", "money"),
                Field("pct_mtd_budget_used", "Used", "pct"),
            ),
            order_by="mtd_actual",
        ),
        DetailsSection(
            title="More of the day",
            fields=(
                Field("cogs", "COGS", "money"),
                Field("gross_margin", "Gross margin", "money"),
                Field("opex", "Operating expenses", "money"),
                Field("valid_orders", "Valid orders", "count"),
                Field("cash_collected", "Cash collected", "money"),
                Field("refunds_paid", "Refunds paid", "money"),
                Field("pct_reconciliation_difference", "Reconciliation difference", "pct"),
            ),
        ),
    ),
)
