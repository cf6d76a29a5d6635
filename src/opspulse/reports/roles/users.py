"""User operations: acquisition, activity, loyalty and satisfaction (KPIS.md §10)."""

from opspulse.reports.roles import DetailsSection, Field, Role, TableSection, Tile

ROLE = Role(
    name="users",
    title="User operations",
    mart="rpt_users__daily",
    tiles=(
        Tile("new_customers", "New customers", "count"),
        Tile("active_customers", "Active customers", "count"),
        Tile("pct_repeat_purchase", "Repeat purchase rate", "pct"),
        Tile("avg_csat_score", "CSAT", "decimal", needs="support_tickets"),
    ),
    sections=(
        TableSection(
            title="RFM segments",
            mart="rpt_users__rfm_segments",
            label=Field("segment", "Segment", "text"),
            columns=(
                Field("customers", "Customers", "count"),
                Field("pct_customers", "Share", "pct"),
                Field("revenue", "Lifetime net sales", "money"),
                Field("avg_recency_days", "Days since last order", "decimal"),
            ),
            order_by="segment_rank",
            descending=False,
        ),
        TableSection(
            title="Cohort retention",
            mart="rpt_users__cohort_retention",
            label=Field("cohort_label", "First order month", "text"),
            columns=(
                Field("cohort_customers", "Customers", "count"),
                Field("pct_retained_month_1", "Month 1", "pct"),
                Field("pct_retained_month_2", "Month 2", "pct"),
                Field("pct_retained_month_3", "Month 3", "pct"),
                Field("pct_retained_month_6", "Month 6", "pct"),
            ),
            order_by="cohort_month",
            limit=6,
        ),
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
