"""Data-operations marts: ranges and subsets of the pipeline's own figures."""

from opspulse.quality.suites import MartSpec

MARTS = (
    MartSpec(
        name="rpt_data__daily",
        headline=("pct_data_trust", "pct_expectations_passed", "rows_loaded", "files_quarantined"),
        ratios=(
            "pct_data_trust",
            "pct_expectations_passed",
            "pct_raw_expectations_passed",
            "prev_run_pct_mart_expectations_passed",
        ),
        counts=(
            "sources_loaded",
            "files_loaded",
            "rows_loaded",
            "rows_rejected",
            "files_quarantined",
            "raw_expectations_evaluated",
            "raw_expectations_passed",
            "prev_run_mart_expectations_evaluated",
            "prev_run_mart_expectations_passed",
            "expectations_evaluated",
            "expectations_passed",
            "load_sources_seconds",
            "audit_raw_seconds",
            "prev_run_build_marts_seconds",
            "prev_run_audit_marts_seconds",
            "prev_run_publish_marts_seconds",
            "prev_run_send_reports_seconds",
            "prev_run_emails_sent",
            "prev_run_emails_failed",
        ),
        ordered_pairs=(
            (
                "raw_expectations_evaluated",
                "raw_expectations_passed",
                "passed raw expectations are a subset of those evaluated",
            ),
            (
                "prev_run_mart_expectations_evaluated",
                "prev_run_mart_expectations_passed",
                "passed mart expectations are a subset of those evaluated",
            ),
            (
                "expectations_evaluated",
                "expectations_passed",
                "passed expectations are a subset of those evaluated",
            ),
        ),
        no_attainment=frozenset({"files_quarantined"}),
    ),
    MartSpec(
        name="rpt_data__sources",
        headline=(),
        counts=("files_loaded", "rows_loaded", "rows_rejected", "files_quarantined"),
        grain=("source_name",),
    ),
    MartSpec(
        name="rpt_data__role_trust",
        headline=(),
        ratios=("pct_data_trust",),
        counts=(
            "raw_checks_evaluated",
            "raw_checks_passed",
            "prev_run_mart_checks_evaluated",
            "prev_run_mart_checks_passed",
            "checks_evaluated",
            "checks_passed",
        ),
        ordered_pairs=(
            ("checks_evaluated", "checks_passed", "passed checks are a subset of those evaluated"),
        ),
        grain=("role_name",),
    ),
    MartSpec(
        name="rpt_data__roles",
        headline=(),
        grain=("role_name",),
    ),
)
