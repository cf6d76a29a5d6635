"""E-commerce operations: sales, orders, carts, refunds, listings (KPIS.md §5)."""

from opspulse.reports.roles import DetailsSection, Field, Role, TableSection, Tile

ROLE = Role(
    name="ecommerce",
    title="E-commerce",
    mart="rpt_ecommerce__daily",
    tiles=(
        Tile("net_sales", "Net sales", "money"),
        Tile("valid_orders", "Valid orders", "count"),
        Tile("avg_order_value", "Average order value", "money"),
        Tile(
            "pct_cart_abandonment",
            "Cart abandonment",
            "pct",
            up_is_good=False,
            needs="web_sessions",
        ),
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
)
