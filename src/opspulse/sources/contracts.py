"""The bring-your-own-data contract: every source's columns, types, format and key.

This module is the single place a source is described. The loader pins DuckDB's readers
to it, the demo company writes files that follow it, the quality suites check it and the
docs page is generated from it.

Landing layout: ``<OPSPULSE_HOME>/landing/<source>/<YYYY-MM-DD>/<any name>.<ext>``. The
folder date is the day the export was taken (``ds``). Every file of a day is loaded into
``raw.<source>`` as the ``(source, ds)`` partition, replacing what was there.

Entities that change over time (orders, tickets, customers, products) are exported as
change records: a day's file holds every row created or changed that day, as it stood at
the end of that day, with ``updated_at``. Staging keeps the latest version per key.

Timestamps are UTC without an offset (``2026-11-27 14:03:11``); the company day is derived
from them with ``OPSPULSE_TIMEZONE`` in dbt. Money is an exact ``DECIMAL(18,4)`` in the
company currency: 4 decimals hold sub-cent wholesale unit prices and 14 integer digits any
amount of a currency without cents; a value with more decimals is rejected, not rounded.

A column is required (``nullable=False``) only when no KPI can exist without it: a key, a
timestamp or amount that places a row on a day or gives a KPI its value, or the key that
ties a row to its parent. Lists of values are closed (``accepted_values``) only where the
KPI conventions define them; elsewhere they are the demo company's ``example_values``.
Each source states its delivery ``cadence`` (see ``opspulse.sources.cadence``).
"""

from __future__ import annotations

from opspulse.sources.areas import (
    commerce,
    experiments,
    finance,
    marketing,
    sales,
    security,
    supply_chain,
    web,
)
from opspulse.sources.model import FILE_EXTENSIONS, Column, CsvDialect, Format, Source, col
from opspulse.sources.vocabulary import (
    CATEGORIES,
    DEVICES,
    ORDER_STATUSES,
    PAYMENT_METHODS,
    SALES_CHANNELS,
    TICKET_CATEGORIES,
    TICKET_STATUSES,
    TRAFFIC_CHANNELS,
)

_c = col

CORE_SOURCES: tuple[Source, ...] = (
    Source(
        name="customers",
        area="commerce",
        format="csv",
        description="Customer accounts, one change record per customer created or updated that day.",
        key=("customer_id",),
        updated_at="updated_at",
        columns=(
            _c("customer_id", "VARCHAR", "Stable customer identifier.", nullable=False),
            _c("email", "VARCHAR", "Contact email. Personal data: hashed in staging.", pii=True),
            _c("phone", "VARCHAR", "Contact phone. Personal data: dropped in staging.", pii=True),
            _c("country", "VARCHAR", "ISO 3166-1 alpha-2 country code."),
            _c("region", "VARCHAR", "Sales region the customer belongs to."),
            _c(
                "signup_channel",
                "VARCHAR",
                "Traffic channel of the sign-up.",
                example_values=TRAFFIC_CHANNELS,
            ),
            _c("marketing_consent", "BOOLEAN", "Customer opted in to marketing email."),
            _c("created_at", "TIMESTAMP", "When the account was created (UTC).", nullable=False),
            _c(
                "updated_at",
                "TIMESTAMP",
                "When this version of the record was written (UTC).",
                nullable=False,
            ),
        ),
    ),
    Source(
        name="products",
        area="commerce",
        format="parquet",
        cadence="on_change",
        description="Product catalogue, one change record per product launched or changed that day.",
        key=("product_id",),
        updated_at="updated_at",
        columns=(
            _c("product_id", "VARCHAR", "Stable product identifier.", nullable=False),
            _c("sku", "VARCHAR", "Stock keeping unit."),
            _c("product_name", "VARCHAR", "Display name."),
            _c(
                "category",
                "VARCHAR",
                "Product category.",
                example_values=CATEGORIES,
            ),
            _c("brand", "VARCHAR", "Brand name."),
            _c("supplier_id", "VARCHAR", "Main supplier."),
            _c("unit_cost", "DECIMAL(18,4)", "Purchase cost per unit."),
            _c("list_price", "DECIMAL(18,4)", "Current selling price per unit.", nullable=False),
            _c("is_active", "BOOLEAN", "Listed for sale.", nullable=False),
            _c(
                "launched_at",
                "TIMESTAMP",
                "When the product was first listed (UTC).",
                nullable=False,
            ),
            _c("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
    Source(
        name="orders",
        area="commerce",
        format="csv",
        description=(
            "Customer orders with their attribution, one change record per order placed or "
            "changed (shipped, delivered, cancelled, returned) that day."
        ),
        key=("order_id",),
        updated_at="updated_at",
        columns=(
            _c("order_id", "VARCHAR", "Stable order identifier.", nullable=False),
            _c("customer_id", "VARCHAR", "Who ordered.", nullable=False),
            _c("ordered_at", "TIMESTAMP", "When the order was placed (UTC).", nullable=False),
            _c(
                "status",
                "VARCHAR",
                "Status at the end of the export day.",
                nullable=False,
                accepted_values=ORDER_STATUSES,
            ),
            _c(
                "sales_channel",
                "VARCHAR",
                "Where it was sold.",
                example_values=SALES_CHANNELS,
            ),
            _c("session_id", "VARCHAR", "Landing web session (web and app orders)."),
            _c("campaign_id", "VARCHAR", "Marketing campaign credited with the order."),
            _c("livestream_id", "VARCHAR", "Livestream the order came from."),
            _c("partner_id", "VARCHAR", "Partner or distributor that sold it."),
            _c("sales_rep_id", "VARCHAR", "Sales rep credited with the order."),
            _c("discount_amount", "DECIMAL(18,4)", "Order-level discount.", nullable=False),
            _c("shipping_cost", "DECIMAL(18,4)", "What shipping cost the company."),
            _c("promised_delivery_date", "DATE", "Delivery date promised at checkout."),
            _c("shipped_at", "TIMESTAMP", "When it left the warehouse (UTC)."),
            _c("delivered_at", "TIMESTAMP", "When it was delivered (UTC)."),
            _c("cancelled_at", "TIMESTAMP", "When it was cancelled (UTC)."),
            _c("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
    Source(
        name="order_items",
        area="commerce",
        format="ndjson",
        description="Order lines, written once on the day the order is placed.",
        key=("order_item_id",),
        columns=(
            _c("order_item_id", "VARCHAR", "Stable line identifier.", nullable=False),
            _c("order_id", "VARCHAR", "Order the line belongs to.", nullable=False),
            _c("product_id", "VARCHAR", "Product sold.", nullable=False),
            _c("quantity", "INTEGER", "Units ordered (> 0).", nullable=False),
            _c("unit_price", "DECIMAL(18,4)", "Price per unit at checkout.", nullable=False),
        ),
    ),
    Source(
        name="payments",
        area="commerce",
        format="csv",
        description="Money movements: charges when an order is paid and refunds when money goes back.",
        key=("payment_id",),
        columns=(
            _c("payment_id", "VARCHAR", "Stable payment identifier.", nullable=False),
            _c("order_id", "VARCHAR", "Order paid or refunded.", nullable=False),
            _c(
                "payment_type",
                "VARCHAR",
                "charge or refund.",
                nullable=False,
                accepted_values=("charge", "refund"),
            ),
            _c(
                "payment_method",
                "VARCHAR",
                "How the customer paid.",
                example_values=PAYMENT_METHODS,
            ),
            _c("amount", "DECIMAL(18,4)", "Amount moved, always positive.", nullable=False),
            _c("paid_at", "TIMESTAMP", "When the money moved (UTC).", nullable=False),
        ),
    ),
    Source(
        name="web_sessions",
        area="web",
        format="ndjson",
        description="Website and app sessions as exported by the analytics tool, one row per session.",
        key=("session_id",),
        columns=(
            _c("session_id", "VARCHAR", "Stable session identifier.", nullable=False),
            _c("visitor_id", "VARCHAR", "Anonymous browser or device identifier.", nullable=False),
            _c("customer_id", "VARCHAR", "Signed-in customer, if any."),
            _c("started_at", "TIMESTAMP", "Session start (UTC).", nullable=False),
            _c("ended_at", "TIMESTAMP", "Session end (UTC).", nullable=False),
            _c("device", "VARCHAR", "Device class.", example_values=DEVICES),
            _c(
                "traffic_channel",
                "VARCHAR",
                "Acquisition channel.",
                example_values=TRAFFIC_CHANNELS,
            ),
            _c("campaign_id", "VARCHAR", "Campaign in the landing URL, if any."),
            _c("landing_page", "VARCHAR", "Path of the first page viewed."),
            _c("page_views", "INTEGER", "Pages viewed in the session (>= 1).", nullable=False),
            _c(
                "add_to_cart_events",
                "INTEGER",
                "Add-to-cart events in the session.",
                nullable=False,
            ),
        ),
    ),
    Source(
        name="support_tickets",
        area="service",
        format="csv",
        description="Customer service tickets, one change record per ticket opened or updated that day.",
        key=("ticket_id",),
        updated_at="updated_at",
        columns=(
            _c("ticket_id", "VARCHAR", "Stable ticket identifier.", nullable=False),
            _c(
                "customer_id",
                "VARCHAR",
                "Customer who raised it; empty for a contact without an account.",
            ),
            _c("order_id", "VARCHAR", "Order concerned, if any."),
            _c(
                "category",
                "VARCHAR",
                "Ticket category.",
                example_values=TICKET_CATEGORIES,
            ),
            _c(
                "priority",
                "VARCHAR",
                "low, normal or high.",
                accepted_values=("low", "normal", "high"),
            ),
            _c(
                "status",
                "VARCHAR",
                "Status at the end of the export day.",
                nullable=False,
                accepted_values=TICKET_STATUSES,
            ),
            _c("subject", "VARCHAR", "Free text from the customer: dropped in staging.", pii=True),
            _c("opened_at", "TIMESTAMP", "When the ticket was opened (UTC).", nullable=False),
            _c("first_response_at", "TIMESTAMP", "First agent response (UTC)."),
            _c("resolved_at", "TIMESTAMP", "When it was resolved (UTC)."),
            _c("csat_score", "INTEGER", "Satisfaction score 1-5 given after resolution."),
            _c("reopen_count", "INTEGER", "Times the ticket was reopened.", nullable=False),
            _c("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
)

SOURCES: tuple[Source, ...] = (
    CORE_SOURCES
    + commerce.SOURCES
    + web.SOURCES
    + experiments.SOURCES
    + supply_chain.SOURCES
    + marketing.SOURCES
    + sales.SOURCES
    + finance.SOURCES
    + security.SOURCES
)
"""Every source, in the order of DESIGN.md's table (the first seven are the core world)."""

__all__ = [
    "CATEGORIES",
    "CORE_SOURCES",
    "DEVICES",
    "FILE_EXTENSIONS",
    "ORDER_STATUSES",
    "PAYMENT_METHODS",
    "SALES_CHANNELS",
    "SOURCES",
    "SOURCES_BY_NAME",
    "TICKET_CATEGORIES",
    "TICKET_STATUSES",
    "TRAFFIC_CHANNELS",
    "Column",
    "CsvDialect",
    "Format",
    "Source",
    "get",
]

SOURCES_BY_NAME: dict[str, Source] = {s.name: s for s in SOURCES}


def get(name: str) -> Source:
    try:
        return SOURCES_BY_NAME[name]
    except KeyError:
        known = ", ".join(sorted(SOURCES_BY_NAME))
        raise KeyError(f"unknown source {name!r}; known sources: {known}") from None
