"""Supply chain operations: suppliers, stock, fulfilment, logistics, competitors (KPIS.md §3)."""

from opspulse.reports.roles import DetailsSection, Field, Role, TableSection, Tile

ROLE = Role(
    name="supply_chain",
    title="Supply chain",
    mart="rpt_supply_chain__daily",
    tiles=(
        Tile("pct_supplier_otif", "Supplier OTIF", "pct"),
        Tile("pct_stockout", "Stockout rate", "pct", up_is_good=False),
        Tile("days_of_inventory", "Days of inventory", "decimal", up_is_good=False),
        Tile("pct_fill_rate", "Fill rate", "pct"),
    ),
    sections=(
        TableSection(
            title="Competitor price index",
            mart="rpt_competitors__price_index",
            label=Field("competitor", "Competitor", "text"),
            columns=(
                Field("category", "Category", "text"),
                Field("avg_price_index", "Price index", "decimal"),
                Field("products_over_10pct_more_expensive", ">10 % dearer", "count"),
                Field("pct_competitor_in_stock", "Their in-stock", "pct"),
            ),
            order_by="avg_price_index",
            limit=8,
        ),
        TableSection(
            title="Suppliers with purchase orders due",
            mart="rpt_supply_chain__suppliers",
            label=Field("supplier_name", "Supplier", "text"),
            columns=(
                Field("purchase_orders_due", "Due", "count"),
                Field("pct_otif", "OTIF", "pct"),
                Field("open_purchase_orders", "Open", "count"),
                Field("overdue_purchase_orders", "Overdue", "count"),
            ),
            order_by="purchase_orders_due",
            limit=8,
        ),
        DetailsSection(
            title="More of the day",
            fields=(
                Field("purchase_orders_due", "POs due", "count"),
                Field("purchase_orders_received", "POs received", "count"),
                Field("avg_po_lead_time_days", "Average PO lead time (days)", "decimal"),
                Field("inventory_value", "Inventory value at cost", "money"),
                Field(
                    "inventory_turnover_annualised", "Inventory turnover (annualised)", "decimal"
                ),
                Field("stocked_out_products", "Products out of stock", "count"),
                Field("shipped_orders", "Orders shipped", "count"),
                Field(
                    "logistics_cost_per_order",
                    "Logistics cost per order",
                    "money",
                    needs="shipments",
                ),
            ),
        ),
    ),
)
