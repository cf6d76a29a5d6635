"""Sales: net sales by channel and rep, attainment versus target, partners (KPIS.md §9)."""

from opspulse.reports.roles import DetailsSection, Field, Role, TableSection, Tile

ROLE = Role(
    name="sales",
    title="Sales",
    mart="rpt_sales__daily",
    tiles=(
        Tile("net_sales", "Net sales", "money"),
        Tile("pct_attainment", "Attainment (month to date)", "pct", needs="sales_targets"),
        Tile("new_customers_won", "New customers won", "count"),
        Tile("top_channel", "Top channel", "text", trend=False),
    ),
    sections=(
        TableSection(
            title="Net sales by channel",
            mart="rpt_sales__by_channel",
            label=Field("sales_channel", "Channel", "text"),
            columns=(
                Field("net_sales", "Net sales", "money"),
                Field("pct_net_sales_share", "Share", "pct"),
                Field("new_customers_won", "New customers", "count"),
            ),
            order_by="net_sales",
        ),
        TableSection(
            title="Rep leaderboard",
            mart="rpt_sales__reps",
            label=Field("sales_rep_id", "Rep", "text"),
            columns=(
                Field("region", "Region", "text"),
                Field("mtd_net_sales", "Month to date", "money"),
                Field("pct_attainment", "Attainment", "pct"),
            ),
            order_by="leaderboard_rank",
            descending=False,
        ),
        DetailsSection(
            title="More of the day",
            fields=(
                Field("valid_orders", "Valid orders", "count"),
                Field("mtd_net_sales", "Net sales month to date", "money"),
                Field(
                    "prorated_net_sales_target", "Target to date", "money", needs="sales_targets"
                ),
                Field("partner_net_sales", "Partner revenue", "money"),
                Field("partner_orders", "Partner orders", "count"),
            ),
        ),
    ),
)
