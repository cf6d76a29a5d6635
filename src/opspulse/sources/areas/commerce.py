"""Contracts of the commerce area: returns, reviews."""

from __future__ import annotations

from opspulse.sources.model import Source, col

RETURN_REASONS = ("wrong_item", "damaged", "not_as_described", "changed_mind", "too_late")

SOURCES: tuple[Source, ...] = (
    Source(
        name="returns",
        area="commerce",
        format="csv",
        description=(
            "Returned order lines, written once on the day the returned goods are received "
            "at the warehouse (the day the order's status becomes returned and it is refunded)."
        ),
        key=("return_id",),
        columns=(
            col("return_id", "VARCHAR", "Stable return line identifier.", nullable=False),
            col("order_id", "VARCHAR", "Order the goods came from.", nullable=False),
            col("order_item_id", "VARCHAR", "Order line returned.", nullable=False),
            col("product_id", "VARCHAR", "Product returned.", nullable=False),
            col("quantity", "INTEGER", "Units returned (> 0).", nullable=False),
            col(
                "reason",
                "VARCHAR",
                "Why the customer sent it back.",
                example_values=RETURN_REASONS,
            ),
            col(
                "requested_at",
                "TIMESTAMP",
                "When the customer asked to return (UTC).",
                nullable=False,
            ),
            col("received_at", "TIMESTAMP", "When the goods arrived back (UTC).", nullable=False),
            col(
                "refund_amount",
                "DECIMAL(18,4)",
                "Share of the order's refund for this line; lines of an order add up to the refund payment.",
                nullable=False,
            ),
        ),
    ),
    Source(
        name="reviews",
        area="commerce",
        format="ndjson",
        description="Product reviews of delivered order lines, one row per review on the day it was posted.",
        key=("review_id",),
        columns=(
            col("review_id", "VARCHAR", "Stable review identifier.", nullable=False),
            col("order_id", "VARCHAR", "Order the reviewed product was bought in.", nullable=False),
            col("product_id", "VARCHAR", "Product reviewed."),
            col("customer_id", "VARCHAR", "Who wrote the review.", nullable=False),
            col("rating", "INTEGER", "Stars from 1 to 5.", nullable=False),
            col("reviewed_at", "TIMESTAMP", "When the review was posted (UTC).", nullable=False),
        ),
    ),
)
