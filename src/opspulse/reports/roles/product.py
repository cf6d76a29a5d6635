"""Product operations: sales, returns, ratings, catalogue and launches (KPIS.md §1)."""

from opspulse.reports.roles import DetailsSection, Field, Role, TableSection, Tile

ROLE = Role(
    name="product",
    title="Product operations",
    mart="rpt_product__daily",
    tiles=(
        Tile("net_sales", "Net sales", "money"),
        Tile("units_sold", "Units sold", "count"),
        Tile(
            "pct_returned",
            "Return rate (30 days)",
            "pct",
            up_is_good=False,
            needs="returns",
        ),
        Tile("avg_rating", "Average rating", "decimal", needs="reviews"),
    ),
    sections=(
        TableSection(
            title="Categories",
            mart="rpt_product__by_category",
            label=Field("category", "Category", "text"),
            columns=(
                Field("net_sales", "Net sales", "money"),
                Field("pct_net_sales_share", "Share", "pct"),
                Field("pct_returned", "Returns", "pct"),
                Field("avg_rating", "Rating", "decimal"),
            ),
            order_by="net_sales",
        ),
        TableSection(
            title="Top products",
            mart="rpt_product__top_products",
            label=Field("product_name", "Product", "text"),
            columns=(
                Field("net_sales", "Net sales", "money"),
                Field("units_sold", "Units", "count"),
                Field("sales_rank_change", "Rank change (7 days)", "count"),
            ),
            order_by="sales_rank",
            descending=False,
        ),
        DetailsSection(
            title="More of the day",
            fields=(
                Field("review_count", "Reviews", "count"),
                Field("units_returned", "Units returned", "count"),
                Field("active_products", "Active products", "count"),
                Field("new_products", "Launched in the last 30 days", "count"),
                Field(
                    "pct_new_product_sell_through",
                    "Their sell-through",
                    "pct",
                    needs="purchase_orders",
                ),
            ),
        ),
    ),
)
