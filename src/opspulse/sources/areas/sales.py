"""Contracts of the sales area: sales_reps, partners, sales_targets."""

from __future__ import annotations

from opspulse.sources.model import Source, col
from opspulse.sources.vocabulary import SALES_CHANNELS

REGIONS = ("north_america", "latam", "europe", "apac")
"""Sales regions (the same as ``customers.region``)."""
PARTNER_TYPES = ("distributor", "reseller", "corporate")
TARGET_LEVELS = ("company", "sales_channel", "region", "sales_rep")

SOURCES: tuple[Source, ...] = (
    Source(
        name="sales_reps",
        area="sales",
        format="csv",
        cadence="on_change",
        description="The sales team, one change record per rep hired or changed that day.",
        key=("sales_rep_id",),
        updated_at="updated_at",
        columns=(
            col("sales_rep_id", "VARCHAR", "Stable rep identifier (REP-nnn).", nullable=False),
            col(
                "region",
                "VARCHAR",
                "Region the rep covers.",
                example_values=REGIONS,
            ),
            col(
                "team",
                "VARCHAR",
                "Team: partner accounts or corporate accounts.",
                example_values=("partners", "corporate"),
            ),
            col("hired_date", "DATE", "First working day.", nullable=False),
            col("is_active", "BOOLEAN", "Currently on the team.", nullable=False),
            col("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
    Source(
        name="partners",
        area="sales",
        format="parquet",
        cadence="on_change",
        description="Partners and distributors, one change record per partner signed or changed that day.",
        key=("partner_id",),
        updated_at="updated_at",
        columns=(
            col("partner_id", "VARCHAR", "Stable partner identifier (PTN-nnn).", nullable=False),
            col("partner_name", "VARCHAR", "Company name of the partner."),
            col(
                "partner_type",
                "VARCHAR",
                "Kind of partner.",
                example_values=PARTNER_TYPES,
            ),
            col(
                "region",
                "VARCHAR",
                "Region the partner sells in.",
                example_values=REGIONS,
            ),
            col("sales_rep_id", "VARCHAR", "Rep who manages the account."),
            col(
                "commission_rate",
                "DECIMAL(18,4)",
                "Share of net sales paid to the partner (0-1).",
                nullable=False,
            ),
            col("signed_date", "DATE", "When the partnership started.", nullable=False),
            col("is_active", "BOOLEAN", "Partnership in force.", nullable=False),
            col("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
    Source(
        name="sales_targets",
        area="sales",
        format="parquet",
        cadence="on_change",
        description=(
            "Monthly net-sales targets for the company, each sales channel, each region and "
            "each rep, one change record per target set or revised that day."
        ),
        key=("target_id",),
        updated_at="updated_at",
        columns=(
            col("target_id", "VARCHAR", "Stable target identifier.", nullable=False),
            col(
                "target_month", "DATE", "First day of the month the target is for.", nullable=False
            ),
            col(
                "target_level",
                "VARCHAR",
                "What the target is set on; the matching column below is filled.",
                nullable=False,
                accepted_values=TARGET_LEVELS,
            ),
            col(
                "sales_channel",
                "VARCHAR",
                "Sales channel (level sales_channel).",
                example_values=SALES_CHANNELS,
            ),
            col("region", "VARCHAR", "Region (level region).", example_values=REGIONS),
            col("sales_rep_id", "VARCHAR", "Rep (level sales_rep)."),
            col(
                "net_sales_target",
                "DECIMAL(18,4)",
                "Net sales to reach over the whole month.",
                nullable=False,
            ),
            col("new_customers_target", "INTEGER", "New customers to win over the month."),
            col("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
)
