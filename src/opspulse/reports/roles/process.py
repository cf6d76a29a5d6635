"""Process operations: fulfilment speed, SLA, backlog, defects and customer service (KPIS.md §2)."""

from opspulse.reports.roles import DetailsSection, Field, Role, TableSection, Tile

ROLE = Role(
    name="process",
    title="Process operations",
    mart="rpt_process__daily",
    tiles=(
        Tile("pct_shipped_within_sla", "Shipped within SLA", "pct"),
        Tile("p90_order_to_ship_hours", "Order to ship (p90)", "hours", up_is_good=False),
        Tile("backlog_orders", "Backlog", "count", up_is_good=False),
        Tile("pct_delivered_on_time", "Delivered on time", "pct"),
    ),
    sections=(
        DetailsSection(
            title="Fulfilment",
            fields=(
                Field("orders_shipped", "Orders shipped", "count"),
                Field("p50_order_to_ship_hours", "Order to ship (p50)", "hours"),
                Field("orders_delivered", "Orders delivered", "count"),
                Field("p50_ship_to_deliver_hours", "Ship to deliver (p50)", "hours"),
                Field("p90_ship_to_deliver_hours", "Ship to deliver (p90)", "hours"),
                Field("pct_process_defects", "Process defect rate", "pct"),
                Field("tickets_per_100_orders", "Tickets per 100 orders", "decimal"),
            ),
        ),
        TableSection(
            title="Customer service",
            mart="rpt_service__daily",
            label=Field("tickets_opened", "Tickets opened", "count"),
            columns=(
                Field("p90_first_response_minutes", "First response p90 (min)", "decimal"),
                Field("p90_resolution_hours", "Resolution p90", "hours"),
                Field("pct_resolved_within_sla", "Resolved within SLA", "pct"),
                Field("backlog_tickets", "Open tickets", "count"),
                Field("complaints_per_1000_orders", "Complaints per 1,000 orders", "decimal"),
            ),
            order_by="report_date",
            limit=1,
        ),
    ),
)
