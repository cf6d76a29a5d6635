"""Data operations: the pipeline's own health, from its records (KPIS.md §7).

The row of day ``ds`` is built during that day's run: its ingest and raw audit are this run's,
its mart audit, publish and email figures the previous run's (``prev_run_`` columns).
"""

from opspulse.reports.roles import DetailsSection, Field, Role, TableSection, Tile

ROLE = Role(
    name="data",
    title="Data operations",
    mart="rpt_data__daily",
    restates=False,
    tiles=(
        Tile("pct_data_trust", "Data-trust score", "pct"),
        Tile("pct_expectations_passed", "Expectations passed", "pct"),
        Tile("rows_loaded", "Rows loaded", "count"),
        Tile("files_quarantined", "Files quarantined", "count", up_is_good=False),
    ),
    sections=(
        TableSection(
            title="Least trusted roles",
            mart="rpt_data__role_trust",
            label=Field("role_name", "Role", "text"),
            columns=(
                Field("checks_evaluated", "Checks", "count"),
                Field("pct_data_trust", "Passed", "pct"),
            ),
            order_by="pct_data_trust",
            descending=False,
            limit=5,
        ),
        TableSection(
            title="Sources behind",
            mart="rpt_data__sources",
            label=Field("source_name", "Source", "text"),
            columns=(
                Field("newest_partition_date", "Newest day", "text"),
                Field("freshness_lag_hours", "Behind", "hours"),
            ),
            order_by="freshness_lag_hours",
            only_where="is_late",
            limit=10,
            when_empty="Every source the company delivers daily has a file for the day.",
        ),
        TableSection(
            title="Roles this company gets",
            mart="rpt_data__roles",
            label=Field("role_title", "Role", "text"),
            columns=(
                Field("role_status", "Status", "text"),
                Field("reason", "Why", "text"),
            ),
            order_by="sort_order",
            descending=False,
            limit=14,
        ),
        DetailsSection(
            title="The run",
            fields=(
                Field("sources_loaded", "Sources loaded", "count"),
                Field("rows_rejected", "Rows rejected", "count"),
                Field("max_freshness_lag_hours", "Worst source freshness lag", "hours"),
                Field("pct_raw_expectations_passed", "Raw checks passed", "pct"),
                Field(
                    "prev_run_pct_mart_expectations_passed", "Mart checks passed (last run)", "pct"
                ),
                Field("prev_run_build_marts_seconds", "dbt build seconds (last run)", "decimal"),
                Field("prev_run_publish_status", "Publish (last run)", "text"),
                Field("prev_run_emails_sent", "Emails sent (last run)", "count"),
                Field("prev_run_emails_failed", "Emails failed (last run)", "count"),
            ),
        ),
    ),
)
