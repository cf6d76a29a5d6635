"""Which email each operations role gets: the registry of roles, as data.

A role's email is described here and nowhere else: its title, the report mart it reads
(one row per ``report_date``), its headline tiles in the order of KPIS.md ("Headline KPIs
per email") and any extra sections. Adding a role is adding an entry to :data:`ROLES`;
the reader (:mod:`opspulse.reports.kpis`), the renderer and the sender need no change.

Trend columns follow the KPIS.md convention, derived from the tile's column ``k``:
``k_prev_day`` and ``k_7d_avg`` (required unless ``trend=False``), and, when the mart has
them, ``k_target`` and the attainment ``pct_k_of_target`` (for a ``pct_`` KPI the prefix is
not doubled: ``pct_cart_abandonment_of_target``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["money", "count", "pct", "decimal", "hours", "text"]
"""How a value is displayed (see :mod:`opspulse.reports.formatting`)."""

MART_SCHEMA = "marts"


@dataclass(frozen=True)
class Field:
    """One number shown in a section: a column, its label and how to display it."""

    column: str
    label: str
    kind: Kind


@dataclass(frozen=True)
class Tile:
    """A headline KPI: a big tile with its value, trend and attainment."""

    column: str
    label: str
    kind: Kind
    up_is_good: bool = True
    trend: bool = True

    @property
    def prev_day_column(self) -> str:
        return f"{self.column}_prev_day"

    @property
    def avg_7d_column(self) -> str:
        return f"{self.column}_7d_avg"

    @property
    def target_column(self) -> str:
        return f"{self.column}_target"

    @property
    def attainment_column(self) -> str:
        base = self.column if self.column.startswith("pct_") else f"pct_{self.column}"
        return f"{base}_of_target"


@dataclass(frozen=True)
class DetailsSection:
    """More numbers of the day from the role's own report mart, as label: value lines."""

    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class TableSection:
    """A short breakdown table from a breakdown mart (``report_date`` + one row per item)."""

    title: str
    mart: str
    label: Field
    columns: tuple[Field, ...]
    order_by: str
    descending: bool = True
    limit: int = 10


Section = DetailsSection | TableSection


@dataclass(frozen=True)
class Role:
    name: str
    title: str
    mart: str
    tiles: tuple[Tile, ...]
    sections: tuple[Section, ...] = field(default=())

    @property
    def marts(self) -> tuple[str, ...]:
        """Every mart this role's email reads, qualified (``marts.rpt_...``)."""
        names = [self.mart] + [s.mart for s in self.sections if isinstance(s, TableSection)]
        return tuple(f"{MART_SCHEMA}.{name}" for name in dict.fromkeys(names))


ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        Role(
            name="ecommerce",
            title="E-commerce",
            mart="rpt_ecommerce__daily",
            tiles=(
                Tile("net_sales", "Net sales", "money"),
                Tile("valid_orders", "Valid orders", "count"),
                Tile("avg_order_value", "Average order value", "money"),
                Tile("pct_cart_abandonment", "Cart abandonment", "pct", up_is_good=False),
            ),
            sections=(
                TableSection(
                    title="Payment mix",
                    mart="rpt_ecommerce__payment_mix",
                    label=Field("payment_method", "Method", "text"),
                    columns=(
                        Field("payment_amount", "Amount", "money"),
                        Field("pct_payment_value", "Share", "pct"),
                    ),
                    order_by="payment_amount",
                ),
                DetailsSection(
                    title="More of the day",
                    fields=(
                        Field("gmv", "GMV", "money"),
                        Field("discount_amount", "Discounts", "money"),
                        Field("placed_orders", "Placed orders", "count"),
                        Field("cancelled_orders", "Cancelled orders", "count"),
                        Field("pct_cancelled", "Cancellation rate", "pct"),
                        Field("items_per_order", "Items per order", "decimal"),
                        Field("refund_amount", "Refunds paid", "money"),
                        Field("pct_refund_30d", "Refund rate (30 days)", "pct"),
                        Field("active_listings", "Active listings", "count"),
                        Field("price_changes", "Price changes", "count"),
                    ),
                ),
            ),
        ),
        Role(
            name="users",
            title="User operations",
            mart="rpt_users__daily",
            tiles=(
                Tile("new_customers", "New customers", "count"),
                Tile("active_customers", "Active customers", "count"),
                Tile("pct_repeat_purchase", "Repeat purchase rate", "pct"),
                Tile("avg_csat_score", "CSAT", "decimal"),
            ),
            sections=(
                DetailsSection(
                    title="More of the day",
                    fields=(
                        Field("customers_with_order", "Customers with an order", "count"),
                        Field("repeat_customers", "Repeat customers", "count"),
                        Field("churned_customers", "Churned customers", "count"),
                        Field("pct_churn", "Churn rate", "pct"),
                        Field("avg_customer_lifetime_value", "Average lifetime value", "money"),
                        Field("tickets_opened", "Tickets opened", "count"),
                        Field("tickets_resolved", "Tickets resolved", "count"),
                    ),
                ),
            ),
        ),
    )
}


class UnknownRole(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def get_role(name: str) -> Role:
    try:
        return ROLES[name]
    except KeyError:
        known = ", ".join(sorted(ROLES))
        raise UnknownRole(f"unknown report role {name!r}; registered roles: {known}") from None
