"""Marketing promotion: spend, return and cost of the campaigns (KPIS.md §12)."""

from opspulse.reports.roles import DetailsSection, Field, Role, TableSection, Tile

ROLE = Role(
    name="marketing",
    title="Marketing",
    mart="rpt_marketing__daily",
    tiles=(
        Tile("spend", "Spend", "money"),
        Tile("roas", "ROAS", "decimal"),
        Tile("cpa", "CPA", "money", up_is_good=False),
        Tile("conversions", "Conversions", "count"),
    ),
    sections=(
        TableSection(
            title="Campaigns",
            mart="rpt_marketing__campaigns",
            label=Field("campaign_name", "Campaign", "text"),
            columns=(
                Field("spend", "Spend", "money"),
                Field("roas", "ROAS", "decimal"),
                Field("conversions", "Conversions", "count"),
                Field("pct_budget_used", "Budget used", "pct"),
            ),
            order_by="spend",
            limit=8,
        ),
        TableSection(
            title="Spend by channel",
            mart="rpt_marketing__by_channel",
            label=Field("channel", "Channel", "text"),
            columns=(
                Field("spend", "Spend", "money"),
                Field("pct_spend_share", "Share", "pct"),
                Field("roas", "ROAS", "decimal"),
            ),
            order_by="spend",
        ),
        DetailsSection(
            title="More of the day",
            fields=(
                Field("attributed_net_sales", "Attributed net sales", "money"),
                Field("impressions", "Impressions", "count"),
                Field("clicks", "Clicks", "count"),
                Field("pct_click_through", "CTR", "pct"),
                Field("cpc", "CPC", "money"),
                Field("campaigns_active", "Active campaigns", "count"),
                Field("co_marketing_spend", "Co-marketing spend", "money"),
                Field("co_marketing_roas", "Co-marketing ROAS", "decimal"),
            ),
        ),
    ),
)
