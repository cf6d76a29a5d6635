"""Contracts of the security area: security_incidents, privacy_requests."""

from __future__ import annotations

from opspulse.sources.model import Source, col

SEVERITIES = ("low", "medium", "high", "critical")
INCIDENT_CATEGORIES = (
    "phishing",
    "malware",
    "unauthorized_access",
    "data_leak",
    "misconfiguration",
    "lost_device",
)
INCIDENT_STATUSES = ("open", "resolved")
PRIVACY_REQUEST_TYPES = ("access", "deletion", "correction", "opt_out")
PRIVACY_REQUEST_STATUSES = ("open", "completed")

SOURCES: tuple[Source, ...] = (
    Source(
        name="security_incidents",
        area="security",
        format="parquet",
        description="Security incidents, one change record per incident detected or resolved that day.",
        key=("incident_id",),
        updated_at="updated_at",
        columns=(
            col("incident_id", "VARCHAR", "Stable incident identifier.", nullable=False),
            col(
                "category",
                "VARCHAR",
                "Kind of incident.",
                example_values=INCIDENT_CATEGORIES,
            ),
            col(
                "severity",
                "VARCHAR",
                "Assessed severity.",
                nullable=False,
                accepted_values=SEVERITIES,
            ),
            col(
                "status",
                "VARCHAR",
                "Status at the end of the export day.",
                nullable=False,
                accepted_values=INCIDENT_STATUSES,
            ),
            col(
                "occurred_at", "TIMESTAMP", "When it started, as established (UTC).", nullable=False
            ),
            col("detected_at", "TIMESTAMP", "When it was detected (UTC).", nullable=False),
            col("resolved_at", "TIMESTAMP", "When it was resolved (UTC)."),
            col(
                "personal_records_affected",
                "INTEGER",
                "Customer records exposed (0 when none).",
                nullable=False,
            ),
            col("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
    Source(
        name="privacy_requests",
        area="security",
        format="csv",
        description=(
            "Data subject requests from customers, one change record per request received or "
            "completed that day."
        ),
        key=("request_id",),
        updated_at="updated_at",
        columns=(
            col("request_id", "VARCHAR", "Stable request identifier.", nullable=False),
            col("customer_id", "VARCHAR", "Customer the request is about.", nullable=False),
            col(
                "request_type",
                "VARCHAR",
                "What the customer asked for.",
                nullable=False,
                accepted_values=PRIVACY_REQUEST_TYPES,
            ),
            col(
                "status",
                "VARCHAR",
                "Status at the end of the export day.",
                nullable=False,
                accepted_values=PRIVACY_REQUEST_STATUSES,
            ),
            col("received_at", "TIMESTAMP", "When the request came in (UTC).", nullable=False),
            col("due_date", "DATE", "Legal deadline (30 days; 10 for opt-outs).", nullable=False),
            col("completed_at", "TIMESTAMP", "When it was fulfilled (UTC)."),
            col("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
)
