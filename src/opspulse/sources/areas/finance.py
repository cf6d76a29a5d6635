"""Contracts of the finance area: gl_entries, budgets."""

from __future__ import annotations

from opspulse.sources.model import Source, col

DEPARTMENTS = (
    "operations",
    "customer_service",
    "marketing",
    "sales",
    "technology",
    "finance",
    "people",
)
OPEX_CATEGORIES = ("marketing", "shipping", "payment_fees", "payroll", "rent", "software", "other")
GL_ACCOUNTS = ("revenue", "cogs", "refunds", *(f"opex:{c}" for c in OPEX_CATEGORIES))
GL_ACCOUNT_PATTERN = r"revenue|cogs|refunds|opex:.+"
"""The KPIs read revenue, cogs and refunds; operating expenses are ``opex:`` and any category."""

SOURCES: tuple[Source, ...] = (
    Source(
        name="gl_entries",
        area="finance",
        format="parquet",
        description=(
            "General ledger lines, written once on their posting day. Revenue is posted per charge "
            "on the day it is paid and reversed (a negative revenue line) when the order is "
            "cancelled before shipping; refunds of returns, cost of goods by ship day and "
            "operating expenses are positive amounts on their own accounts."
        ),
        key=("entry_id",),
        columns=(
            col("entry_id", "VARCHAR", "Stable ledger line identifier.", nullable=False),
            col("posted_date", "DATE", "Accounting day of the line.", nullable=False),
            col(
                "account",
                "VARCHAR",
                "revenue, cogs, refunds or opex:<category>, any expense category of your own.",
                nullable=False,
                example_values=GL_ACCOUNTS,
                pattern=GL_ACCOUNT_PATTERN,
            ),
            col(
                "department",
                "VARCHAR",
                "Cost or revenue centre.",
                example_values=DEPARTMENTS,
            ),
            col(
                "amount",
                "DECIMAL(18,4)",
                "Amount in the account's direction (negative only for reversals).",
                nullable=False,
            ),
            col("order_id", "VARCHAR", "Order behind the line (revenue, refunds, cogs)."),
            col(
                "description",
                "VARCHAR",
                "What the line is for (never personal data).",
            ),
        ),
    ),
    Source(
        name="budgets",
        area="finance",
        format="csv",
        cadence="on_change",
        description=(
            "Monthly operating budget per department and expense category, written on the first "
            "day of the month (and for the running month on the first export day)."
        ),
        key=("budget_id",),
        columns=(
            col(
                "budget_id",
                "VARCHAR",
                "Stable line identifier (month, department, category).",
                nullable=False,
            ),
            col("month", "DATE", "First day of the budgeted month.", nullable=False),
            col(
                "department",
                "VARCHAR",
                "Cost centre.",
                nullable=False,
                example_values=DEPARTMENTS,
            ),
            col(
                "category",
                "VARCHAR",
                "Expense category (the opex:<category> of the ledger).",
                nullable=False,
                example_values=OPEX_CATEGORIES,
            ),
            col("amount", "DECIMAL(18,4)", "Budgeted spend for the month (>= 0).", nullable=False),
        ),
    ),
)
