"""Contracts of the web area: web_events, content_items, content_views."""

from __future__ import annotations

from opspulse.sources.model import Source, col
from opspulse.sources.vocabulary import CATEGORIES

EVENT_TYPES = ("page_view", "add_to_cart", "checkout", "purchase")
CONTENT_TYPES = ("article", "guide", "video")

SOURCES: tuple[Source, ...] = (
    Source(
        name="web_events",
        area="web",
        format="parquet",
        description=(
            "Events inside web and app sessions (page views, add to cart, checkout, purchase) "
            "as exported by the analytics tool, written on the day they happen."
        ),
        key=("event_id",),
        columns=(
            col("event_id", "VARCHAR", "Stable event identifier.", nullable=False),
            col("session_id", "VARCHAR", "Session the event belongs to.", nullable=False),
            col("visitor_id", "VARCHAR", "Anonymous browser or device identifier.", nullable=False),
            col(
                "event_type",
                "VARCHAR",
                "What happened.",
                nullable=False,
                accepted_values=EVENT_TYPES,
            ),
            col("page", "VARCHAR", "Path of the page the event happened on."),
            col("product_id", "VARCHAR", "Product viewed or added to the cart, if any."),
            col("order_id", "VARCHAR", "Order placed (purchase events)."),
            col("occurred_at", "TIMESTAMP", "When it happened (UTC).", nullable=False),
        ),
    ),
    Source(
        name="content_items",
        area="web",
        format="csv",
        cadence="on_change",
        description=(
            "Blog and editorial content, one change record per item published or updated that day."
        ),
        key=("content_id",),
        updated_at="updated_at",
        columns=(
            col("content_id", "VARCHAR", "Stable content identifier.", nullable=False),
            col("page", "VARCHAR", "Path of the item on the site (/blog/<slug>).", nullable=False),
            col("title", "VARCHAR", "Headline."),
            col(
                "content_type",
                "VARCHAR",
                "Kind of content.",
                example_values=CONTENT_TYPES,
            ),
            col(
                "topic",
                "VARCHAR",
                "Product category the item is about.",
                example_values=CATEGORIES,
            ),
            col("published_at", "TIMESTAMP", "When it went live (UTC).", nullable=False),
            col("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
    Source(
        name="content_views",
        area="web",
        format="ndjson",
        description=(
            "Reads of content items, one row per session that landed on an item, written on "
            "the day of the visit."
        ),
        key=("view_id",),
        columns=(
            col("view_id", "VARCHAR", "Stable view identifier.", nullable=False),
            col("content_id", "VARCHAR", "Item read.", nullable=False),
            col("session_id", "VARCHAR", "Session of the read.", nullable=False),
            col("viewed_at", "TIMESTAMP", "When the item was opened (UTC).", nullable=False),
            col("read_seconds", "INTEGER", "Time spent on the item.", nullable=False),
            col("shares", "INTEGER", "Times the reader shared it.", nullable=False),
            col(
                "product_clicks",
                "INTEGER",
                "Clicks from the item to product pages.",
                nullable=False,
            ),
        ),
    ),
)
