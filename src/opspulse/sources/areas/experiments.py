"""Contracts of the experiments area: experiments, experiment_assignments."""

from __future__ import annotations

from opspulse.sources.model import Source, col

VARIANTS = ("control", "treatment")
EXPERIMENT_STATUSES = ("running", "completed")
PRIMARY_METRICS = ("conversion_rate", "add_to_cart_rate", "avg_order_value")

SOURCES: tuple[Source, ...] = (
    Source(
        name="experiments",
        area="experiments",
        format="csv",
        cadence="on_change",
        description=(
            "A/B tests on the site, one change record per experiment started or changed that "
            "day (started, completed)."
        ),
        key=("experiment_id",),
        updated_at="updated_at",
        columns=(
            col("experiment_id", "VARCHAR", "Stable experiment identifier.", nullable=False),
            col("experiment_name", "VARCHAR", "Short name of the change tested."),
            col("page", "VARCHAR", "Page type the change is on."),
            col(
                "variants",
                "VARCHAR",
                "Variant names, comma-separated, control first.",
                nullable=False,
            ),
            col(
                "planned_treatment_share",
                "DECIMAL(18,4)",
                "Planned share of visitors in treatment (0-1): the base of the SRM check.",
                nullable=False,
            ),
            col(
                "primary_metric",
                "VARCHAR",
                "Metric the decision is made on.",
                nullable=False,
                accepted_values=PRIMARY_METRICS,
            ),
            col(
                "status",
                "VARCHAR",
                "Status at the end of the export day.",
                nullable=False,
                accepted_values=EXPERIMENT_STATUSES,
            ),
            col("started_at", "TIMESTAMP", "When assignment began (UTC).", nullable=False),
            col(
                "planned_end_date",
                "DATE",
                "Last day of assignment planned at the start (inclusive).",
                nullable=False,
            ),
            col("ended_at", "TIMESTAMP", "When assignment stopped (UTC); empty while running."),
            col("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
    Source(
        name="experiment_assignments",
        area="experiments",
        format="parquet",
        description=(
            "Which variant each visitor saw, one row per experiment and visitor written on the "
            "day of the visitor's first session in the experiment."
        ),
        key=("assignment_id",),
        columns=(
            col(
                "assignment_id",
                "VARCHAR",
                "Stable row identifier: the experiment and the visitor (EXP-nnn-<visitor_id>).",
                nullable=False,
            ),
            col("experiment_id", "VARCHAR", "Experiment.", nullable=False),
            col("visitor_id", "VARCHAR", "Anonymous visitor assigned.", nullable=False),
            col(
                "variant",
                "VARCHAR",
                "Variant shown.",
                nullable=False,
                accepted_values=VARIANTS,
            ),
            col(
                "session_id",
                "VARCHAR",
                "Session in which the visitor was assigned.",
                nullable=False,
            ),
            col("assigned_at", "TIMESTAMP", "When the visitor was assigned (UTC).", nullable=False),
        ),
    ),
)
