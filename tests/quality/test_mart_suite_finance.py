"""The finance, privacy and data mart suites: a good day passes, a planted defect fails exactly.

Each test writes one day of a report mart (no history, so the anomaly warnings have nothing to
compare with) into a tiny build database and audits it with the real gate.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from opspulse.quality import audit
from opspulse.quality.suites import mart_specs

ROWS = "unexpected_rows_expectation"
BETWEEN = "expect_column_values_to_be_between"
PAIR = "expect_column_pair_values_a_to_be_greater_than_b"

FINANCE_DAY = {
    "revenue": 1000.0,
    "cogs": 600.0,
    "gross_margin": 400.0,
    "pct_gross_margin": 0.4,
    "opex": 300.0,
    "valid_orders": 10,
    "operating_cost_per_order": 30.0,
    "cash_collected": 1000.0,
    "refunds_paid": 50.0,
    "ledger_refunds": 50.0,
    "ledger_order_revenue": 2000.0,
    "ecommerce_net_sales": 2000.0,
    "reconciliation_difference": 0.0,
    "pct_reconciliation_difference": 0.0,
}
OPEX_ROWS = (
    {"department": "finance", "expense_category": "payroll", "opex": 200.0, "ledger_lines": 1,
     "pct_day_opex": 2 / 3},
    {"department": "sales", "expense_category": "payroll", "opex": 100.0, "ledger_lines": 1,
     "pct_day_opex": 1 / 3},
)  # fmt: skip
BUDGET_ROWS = (
    {"department": "finance", "monthly_budget": 3000.0, "mtd_budget": 2700.0,
     "mtd_actual": 2600.0, "mtd_variance": -100.0, "pct_mtd_budget_used": 2600 / 2700},
)  # fmt: skip
PRIVACY_DAY = {
    "incidents_opened": 2,
    "critical_incidents_opened": 1,
    "high_incidents_opened": 0,
    "medium_incidents_opened": 0,
    "low_incidents_opened": 1,
    "personal_records_affected": 40,
    "open_incidents": 3,
    "incidents_resolved_30d": 4,
    "mttd_hours": 20.0,
    "mttr_hours": 50.0,
    "requests_received": 10,
    "access_requests_received": 4,
    "deletion_requests_received": 3,
    "correction_requests_received": 1,
    "opt_out_requests_received": 2,
    "requests_completed": 8,
    "requests_completed_on_time": 7,
    "pct_requests_on_time": 7 / 8,
    "open_requests": 150,
    "overdue_requests": 4,
    "active_customers": 1000,
    "consenting_active_customers": 550,
    "pct_marketing_consent": 0.55,
}
DATA_DAY = {
    "sources_loaded": 31,
    "files_loaded": 31,
    "rows_loaded": 60000,
    "rows_rejected": 2,
    "files_quarantined": 0,
    "max_freshness_lag_hours": 1.5,
    "raw_expectations_evaluated": 550,
    "raw_expectations_passed": 549,
    "pct_raw_expectations_passed": 549 / 550,
    "prev_run_mart_expectations_evaluated": 300,
    "prev_run_mart_expectations_passed": 300,
    "prev_run_pct_mart_expectations_passed": 1.0,
    "expectations_evaluated": 850,
    "expectations_passed": 849,
    "pct_expectations_passed": 849 / 850,
    "pct_data_trust": 0.998,
    "load_sources_seconds": 20.0,
    "audit_raw_seconds": 10.0,
    "prev_run_build_marts_seconds": 30.0,
    "prev_run_audit_marts_seconds": 3.0,
    "prev_run_publish_marts_seconds": 1.0,
    "prev_run_send_reports_seconds": 1.0,
    "prev_run_emails_sent": 14,
    "prev_run_emails_failed": 0,
}
SOURCE_ROWS = (
    {"source_name": "orders", "files_loaded": 1, "rows_loaded": 400, "rows_rejected": 0,
     "files_quarantined": 0, "freshness_lag_hours": 1.5},
)  # fmt: skip
TRUST_ROWS = (
    {"role_name": "finance", "raw_checks_evaluated": 80, "raw_checks_passed": 80,
     "prev_run_mart_checks_evaluated": 20, "prev_run_mart_checks_passed": 19,
     "checks_evaluated": 100, "checks_passed": 99, "pct_data_trust": 0.99},
)  # fmt: skip

GOOD_MARTS: dict[str, tuple[Mapping[str, object], ...]] = {
    "rpt_finance__daily": (FINANCE_DAY,),
    "rpt_finance__opex": OPEX_ROWS,
    "rpt_finance__budget_vs_actual": BUDGET_ROWS,
    "rpt_privacy__daily": (PRIVACY_DAY,),
    "rpt_data__daily": (DATA_DAY,),
    "rpt_data__sources": SOURCE_ROWS,
    "rpt_data__role_trust": TRUST_ROWS,
}


def _with_trends(mart: str, row: Mapping[str, object]) -> dict[str, object]:
    """The row plus the trend and attainment columns of the mart's headline KPIs."""
    spec = mart_specs()[mart]
    out = dict(row)
    for kpi in spec.headline:
        out |= {f"{kpi}_prev_day": row[kpi], f"{kpi}_7d_avg": row[kpi], f"{kpi}_target": row[kpi]}
    out |= dict.fromkeys(spec.attainment, 1.0)
    return out


def _write_mart(
    tmp_path: Path,
    ds,
    mart: str,
    rows: tuple[Mapping[str, object], ...],
    *,
    earlier: tuple[Mapping[str, object], ...] = (),
    **changes,
) -> Path:
    """The mart's rows of ``ds`` (with ``changes``), after ``earlier`` days' rows (the
    first of them the day before ``ds``)."""
    path = tmp_path / "build.duckdb"
    days = [
        (ds - timedelta(days=len(earlier) - i), _with_trends(mart, row))
        for i, row in enumerate(earlier)
    ]
    days += [(ds, _with_trends(mart, row | changes)) for row in rows]
    columns = list(days[0][1])
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema if not exists marts")
        selects = " union all ".join(
            f"select date '{day}' as report_date, " + ", ".join(f"? as {c}" for c in columns)
            for day, _ in days
        )
        params = [row[c] for _, row in days for c in columns]
        connection.execute(f"create table marts.{mart} as {selects}", params)
    return path


def _failed(report) -> dict[tuple[str, str | None], int | None]:
    return {(f.expectation, f.column): f.unexpected_count for f in report.failures}


@pytest.mark.parametrize("mart", list(GOOD_MARTS))
def test_good_day_passes(tmp_path, ds, mart: str) -> None:
    path = _write_mart(tmp_path, ds, mart, GOOD_MARTS[mart])
    report = audit("marts", db_path=path, ds=ds, run_id="good", tables=[mart])
    assert report.failures == [], report.summary()


def test_reconciliation_within_half_a_percent_passes(tmp_path, ds) -> None:
    path = _write_mart(
        tmp_path,
        ds,
        "rpt_finance__daily",
        (FINANCE_DAY,),
        ledger_order_revenue=2009.0,
        reconciliation_difference=9.0,
        pct_reconciliation_difference=0.0045,
    )
    report = audit("marts", db_path=path, ds=ds, run_id="r", tables=["rpt_finance__daily"])
    assert report.failures == [], report.summary()


# case: (mart, column changes of the good rows, {(expectation, column): unexpected count})
BAD_DAYS = {
    "gross_margin_not_revenue_minus_cogs": (
        "rpt_finance__daily",
        {"gross_margin": 500.0},
        {(ROWS, "gross_margin"): 1},
    ),
    "negative_opex_line": (
        "rpt_finance__opex",
        {"opex": -5.0},
        {(BETWEEN, "opex"): 2},
    ),
    "negative_budget": (
        "rpt_finance__budget_vs_actual",
        {"mtd_budget": -1.0},
        {(BETWEEN, "mtd_budget"): 1},
    ),
    "severities_do_not_add_up": (
        "rpt_privacy__daily",
        {"critical_incidents_opened": 2},
        {(ROWS, "incidents_opened"): 1},
    ),
    "more_overdue_than_open_requests": (
        "rpt_privacy__daily",
        {"overdue_requests": 151},
        {(PAIR, "open_requests,overdue_requests"): 1},
    ),
    "trust_score_above_one": (
        "rpt_data__daily",
        {"pct_data_trust": 1.2},
        {
            (BETWEEN, "pct_data_trust"): 1,
            (BETWEEN, "pct_data_trust_prev_day"): 1,
            (BETWEEN, "pct_data_trust_7d_avg"): 1,
            (BETWEEN, "pct_data_trust_target"): 1,
        },
    ),  # fmt: skip
    "more_passed_than_evaluated_checks": (
        "rpt_data__role_trust",
        {"checks_passed": 101},
        {(PAIR, "checks_evaluated,checks_passed"): 1},
    ),
}


@pytest.mark.parametrize("case", list(BAD_DAYS))
def test_bad_day_fails_exactly(tmp_path, ds, case: str) -> None:
    mart, changes, expected = BAD_DAYS[case]
    path = _write_mart(tmp_path, ds, mart, GOOD_MARTS[mart], **changes)
    report = audit("marts", db_path=path, ds=ds, run_id="bad", tables=[mart])
    assert _failed(report) == expected, report.summary()
    assert not report.passed


def test_missing_day_is_critical(tmp_path, ds) -> None:
    from datetime import timedelta

    path = _write_mart(tmp_path, ds - timedelta(days=1), "rpt_privacy__daily", (PRIVACY_DAY,))
    report = audit("marts", db_path=path, ds=ds, run_id="gap", tables=["rpt_privacy__daily"])
    assert not report.passed
    assert ("expect_table_row_count_to_equal", None) in _failed(report)


# The ledger of the newest day is still settling (thresholds.ledger_settlement_lag_days, 1 by
# default): the demo's newest day once differed by 0.96 % because orders accepted that day and
# found unavailable the next morning were never charged.
LEDGER_MISMATCHES = {
    "newest_day_still_settling_0.96pct": {
        "ledger_order_revenue": 1980.8,
        "reconciliation_difference": -19.2,
        "pct_reconciliation_difference": -0.0096,
    },
    "off_by_more_than_half_a_percent": {
        "ledger_order_revenue": 2011.0,
        "reconciliation_difference": 11.0,
        "pct_reconciliation_difference": 0.0055,
    },
    "ledger_revenue_short": {
        "ledger_order_revenue": 1900.0,
        "reconciliation_difference": -100.0,
        "pct_reconciliation_difference": -0.05,
    },
}
LEDGER = (ROWS, "reconciliation_difference")


def _audit_finance(path: Path, ds):
    return audit("marts", db_path=path, ds=ds, run_id="ledger", tables=["rpt_finance__daily"])


@pytest.mark.parametrize("case", list(LEDGER_MISMATCHES))
def test_ledger_mismatch_on_the_newest_day_is_a_warning(tmp_path, ds, case: str) -> None:
    path = _write_mart(
        tmp_path, ds, "rpt_finance__daily", (FINANCE_DAY,), earlier=(FINANCE_DAY,),
        **LEDGER_MISMATCHES[case],
    )  # fmt: skip
    report = _audit_finance(path, ds)
    assert report.passed, report.summary()
    (failure,) = report.failures
    assert (failure.expectation, failure.column, failure.unexpected_count) == (*LEDGER, 1)
    assert failure.severity == "warning"
    assert "still settling" in failure.rule


@pytest.mark.parametrize("case", list(LEDGER_MISMATCHES))
def test_ledger_mismatch_on_a_settled_day_is_critical(tmp_path, ds, case: str) -> None:
    """The day before the audited day has settled: its mismatch withholds the run."""
    bad_yesterday = FINANCE_DAY | LEDGER_MISMATCHES[case]
    path = _write_mart(tmp_path, ds, "rpt_finance__daily", (FINANCE_DAY,), earlier=(bad_yesterday,))
    report = _audit_finance(path, ds)
    assert not report.passed
    (failure,) = report.critical_failures
    assert (failure.expectation, failure.column, failure.unexpected_count) == (*LEDGER, 1)
    assert "(settled)" in failure.rule
    assert [f for f in report.failures if f.severity == "warning"] == []


def test_a_clean_settled_day_and_a_clean_newest_day_pass(tmp_path, ds) -> None:
    path = _write_mart(tmp_path, ds, "rpt_finance__daily", (FINANCE_DAY,), earlier=(FINANCE_DAY,))
    assert _audit_finance(path, ds).failures == []


def test_a_company_without_settlement_lag_checks_the_newest_day_critically(
    tmp_path, ds, monkeypatch
) -> None:
    """``[thresholds]`` of the company file changes the outcome of the same check."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "company.toml").write_text("[thresholds]\nledger_settlement_lag_days = 0\n")
    monkeypatch.setenv("OPSPULSE_CONFIG_DIR", str(config))
    path = _write_mart(
        tmp_path, ds, "rpt_finance__daily", (FINANCE_DAY,), earlier=(FINANCE_DAY,),
        **LEDGER_MISMATCHES["newest_day_still_settling_0.96pct"],
    )  # fmt: skip
    report = _audit_finance(path, ds)
    assert not report.passed
    (failure,) = report.critical_failures
    assert (failure.expectation, failure.column) == LEDGER
    assert "the audited day (settled)" in failure.rule
