"""Data security and privacy: incidents, data subject requests, consent (KPIS.md §13)."""

from opspulse.reports.roles import DetailsSection, Field, Role, Tile

ROLE = Role(
    name="privacy",
    title="Security & privacy",
    mart="rpt_privacy__daily",
    tiles=(
        Tile("open_incidents", "Open incidents", "count", up_is_good=False),
        Tile("pct_requests_on_time", "Requests on time", "pct"),
        Tile("overdue_requests", "Overdue requests", "count", up_is_good=False),
        Tile("mttr_hours", "Mean time to resolve", "hours", up_is_good=False),
    ),
    sections=(
        DetailsSection(
            title="Security incidents",
            fields=(
                Field("incidents_opened", "Opened today", "count"),
                Field("critical_incidents_opened", "Critical", "count"),
                Field("high_incidents_opened", "High", "count"),
                Field("medium_incidents_opened", "Medium", "count"),
                Field("low_incidents_opened", "Low", "count"),
                Field("personal_records_affected", "Personal records affected", "count"),
                Field("mttd_hours", "Mean time to detect (30 days)", "hours"),
            ),
        ),
        DetailsSection(
            title="Privacy requests and consent",
            fields=(
                Field("requests_received", "Requests received", "count"),
                Field("access_requests_received", "Access", "count"),
                Field("deletion_requests_received", "Deletion", "count"),
                Field("correction_requests_received", "Correction", "count"),
                Field("opt_out_requests_received", "Opt-out", "count"),
                Field("requests_completed", "Completed", "count"),
                Field("open_requests", "Open", "count"),
                Field(
                    "pct_marketing_consent",
                    "Marketing consent (active customers)",
                    "pct",
                    needs="customers",
                ),
            ),
        ),
    ),
)
