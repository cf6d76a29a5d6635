"""Contracts of the supply chain area: suppliers, purchase_orders, inventory_snapshots, shipments, competitor_prices."""

from __future__ import annotations

from opspulse.sources.model import Source, col

CARRIERS = ("ups", "dhl", "dpd", "fedex")
COMPETITORS = ("shopmax", "valuemart", "quickcart", "megastore")
PO_STATUSES = ("open", "received")
SHIPMENT_STATUSES = ("in_transit", "delivered")

SOURCES: tuple[Source, ...] = (
    Source(
        name="suppliers",
        area="supply_chain",
        format="csv",
        cadence="on_change",
        description="Suppliers of the catalogue, one change record per supplier created or changed that day.",
        key=("supplier_id",),
        updated_at="updated_at",
        columns=(
            col(
                "supplier_id",
                "VARCHAR",
                "Stable supplier identifier (products.supplier_id).",
                nullable=False,
            ),
            col("supplier_name", "VARCHAR", "Company name."),
            col("country", "VARCHAR", "ISO 3166-1 alpha-2 country code."),
            col(
                "lead_time_days",
                "INTEGER",
                "Agreed days from purchase order to delivery.",
                nullable=False,
            ),
            col(
                "payment_terms_days",
                "INTEGER",
                "Days the company has to pay an invoice.",
            ),
            col("is_active", "BOOLEAN", "Currently supplying.", nullable=False),
            col(
                "created_at", "TIMESTAMP", "When the supplier was onboarded (UTC).", nullable=False
            ),
            col("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
    Source(
        name="purchase_orders",
        area="supply_chain",
        format="csv",
        description=(
            "Purchase orders to suppliers, one change record per order placed or received that day."
        ),
        key=("po_id",),
        updated_at="updated_at",
        columns=(
            col("po_id", "VARCHAR", "Stable purchase order identifier.", nullable=False),
            col("supplier_id", "VARCHAR", "Supplier ordered from.", nullable=False),
            col("product_id", "VARCHAR", "Product ordered.", nullable=False),
            col(
                "status",
                "VARCHAR",
                "Status at the end of the export day.",
                nullable=False,
                accepted_values=PO_STATUSES,
            ),
            col("qty_ordered", "INTEGER", "Units ordered (> 0).", nullable=False),
            col("qty_received", "INTEGER", "Units received; NULL until received."),
            col("unit_cost", "DECIMAL(18,4)", "Agreed purchase cost per unit.", nullable=False),
            col("ordered_at", "TIMESTAMP", "When the order was sent (UTC).", nullable=False),
            col("expected_date", "DATE", "Delivery date the supplier confirmed.", nullable=False),
            col("received_at", "TIMESTAMP", "When the goods were booked in (UTC)."),
            col("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
    Source(
        name="inventory_snapshots",
        area="supply_chain",
        format="parquet",
        description=(
            "End-of-day stock per product. A product that ran out shows 0 on hand (a stockout); "
            "on hand is never negative."
        ),
        key=("snapshot_id",),
        columns=(
            col(
                "snapshot_id", "VARCHAR", "Stable row identifier (day and product).", nullable=False
            ),
            col("snapshot_date", "DATE", "Day the stock was counted at its end.", nullable=False),
            col("product_id", "VARCHAR", "Product counted.", nullable=False),
            col(
                "on_hand",
                "INTEGER",
                "Units in the warehouse at the end of the day (>= 0).",
                nullable=False,
            ),
            col("on_order", "INTEGER", "Units on open purchase orders.", nullable=False),
            col(
                "units_received",
                "INTEGER",
                "Units booked in from suppliers that day.",
                nullable=False,
            ),
            col(
                "units_returned",
                "INTEGER",
                "Customer returns put back in stock that day.",
                nullable=False,
            ),
            col("units_shipped", "INTEGER", "Units shipped to customers that day.", nullable=False),
            col(
                "unit_cost",
                "DECIMAL(18,4)",
                "Cost per unit the stock is valued at.",
                nullable=False,
            ),
        ),
    ),
    Source(
        name="shipments",
        area="supply_chain",
        format="ndjson",
        description=(
            "Parcels sent to customers, one change record per shipment sent or delivered that day "
            "(one shipment per shipped order)."
        ),
        key=("shipment_id",),
        updated_at="updated_at",
        columns=(
            col("shipment_id", "VARCHAR", "Stable shipment identifier.", nullable=False),
            col("order_id", "VARCHAR", "Order shipped.", nullable=False),
            col("carrier", "VARCHAR", "Parcel carrier.", example_values=CARRIERS),
            col(
                "status",
                "VARCHAR",
                "Status at the end of the export day.",
                nullable=False,
                accepted_values=SHIPMENT_STATUSES,
            ),
            col("shipped_at", "TIMESTAMP", "When the carrier picked it up (UTC).", nullable=False),
            col("promised_delivery_date", "DATE", "Delivery date promised to the customer."),
            col("delivered_at", "TIMESTAMP", "When it was delivered (UTC)."),
            col(
                "shipping_cost",
                "DECIMAL(18,4)",
                "What the carrier charged the company.",
                nullable=False,
            ),
            col("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
    Source(
        name="competitor_prices",
        area="supply_chain",
        format="csv",
        description="Competitors' shelf prices for our products, as scraped that day.",
        key=("observation_id",),
        columns=(
            col(
                "observation_id",
                "VARCHAR",
                "Stable row identifier (day, competitor, product).",
                nullable=False,
            ),
            col(
                "competitor",
                "VARCHAR",
                "Competitor observed.",
                nullable=False,
                example_values=COMPETITORS,
            ),
            col("product_id", "VARCHAR", "Our product the offer matches.", nullable=False),
            col("price", "DECIMAL(18,4)", "Competitor's price per unit.", nullable=False),
            col("in_stock", "BOOLEAN", "Competitor had it in stock.", nullable=False),
            col("observed_at", "TIMESTAMP", "When the price was scraped (UTC).", nullable=False),
        ),
    ),
)
