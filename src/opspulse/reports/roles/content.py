"""Content operations: reads, engagement and the orders content brings (KPIS.md §11)."""

from opspulse.reports.roles import DetailsSection, Field, Role, TableSection, Tile

ROLE = Role(
    name="content",
    title="Content",
    mart="rpt_content__daily",
    tiles=(
        Tile("views", "Views", "count"),
        Tile("assisted_orders", "Content-assisted orders", "count"),
        Tile("avg_read_seconds", "Average read (seconds)", "decimal"),
        Tile("items_published", "Items published", "count"),
    ),
    sections=(
        TableSection(
            title="Top content by views",
            mart="rpt_content__top_content",
            label=Field("title", "Item", "text"),
            columns=(
                Field("views", "Views", "count"),
                Field("assisted_orders", "Assisted orders", "count"),
                Field("assisted_net_sales", "Assisted net sales", "money"),
            ),
            order_by="views",
            limit=5,
        ),
        TableSection(
            title="By content type and topic",
            mart="rpt_content__by_type_topic",
            label=Field("segment", "Type / topic", "text"),
            columns=(
                Field("views", "Views", "count"),
                Field("pct_views", "Share", "pct"),
                Field("assisted_orders", "Assisted orders", "count"),
            ),
            order_by="views",
            limit=8,
        ),
        DetailsSection(
            title="More of the day",
            fields=(
                Field("assisted_net_sales", "Content-assisted net sales", "money"),
                Field("shares", "Shares", "count"),
                Field("product_clicks", "Clicks to product pages", "count"),
                Field("product_clicks_per_view", "Product clicks per view", "decimal"),
            ),
        ),
    ),
)
