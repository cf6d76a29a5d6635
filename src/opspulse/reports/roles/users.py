"""User operations: acquisition, activity, loyalty and satisfaction (KPIS.md §10)."""

from opspulse.reports.roles import DetailsSection, Field, Role, Tile

ROLE = Role(
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
)
