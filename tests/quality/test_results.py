"""Reading the results store back (the alert email) and the loader's findings as checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from opspulse.quality import QualityGateFailed, audit, enforce, ingest_checks, results
from opspulse.quality.gate import AuditReport
from opspulse.sources.loader import OPS_DDL


def test_critical_failures_are_read_back_for_the_alert(build_db, ds) -> None:
    path = build_db(
        ["orders", "payments"],
        sql=[
            "update raw.orders set status = 'lost' where order_id = 'order_id-1'",
            "update raw.payments set amount = -5 where payment_id = 'payment_id-1'",
        ],
    )
    report = audit("raw", db_path=path, ds=ds, run_id="run-7")

    failures = results.critical_failures(path, run_id="run-7")
    assert [
        (f["suite"], f["expectation"], f["column"], f["unexpected_count"]) for f in failures
    ] == [
        ("raw.orders", "expect_column_values_to_be_in_set", "status", 1),
        ("raw.payments", "expect_column_values_to_be_between", "amount", 1),
    ]
    assert len(failures) == len(report.critical_failures)
    assert failures[0]["observed"] == '["lost"]'
    assert all(f["severity"] == "critical" for f in failures)

    text = results.describe_failures(failures, run_id="run-7")
    assert "run-7" in text and "2 critical checks failed" in text
    assert "raw.orders.status" in text and "raw.payments.amount" in text


def test_no_stored_failures(build_db, tmp_path: Path) -> None:
    assert results.critical_failures(tmp_path / "absent.duckdb", run_id="r") == []
    path = build_db(["orders"])  # no quality.results yet
    assert results.critical_failures(path, run_id="r") == []
    assert "no failed critical check" in results.describe_failures([], run_id="r")


def _log(path: Path, rows: list[tuple]) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute(OPS_DDL)
        connection.executemany(
            "insert into ops.ingest_log values (?, ?, ?, ?, 'sha', 10, ?, ?, ?, '', ?, ?, now(), null)",
            rows,
        )


def test_ingest_findings_become_checks(build_db, ds: date) -> None:
    path = build_db(["orders"])
    _log(
        path,
        [
            # run_id, source, ds, file, status, loaded, rejected, extra columns, message
            ("run-1", "orders", ds, "a.csv", "loaded", 20, 3, "coupon_code", ""),
            ("run-1", "payments", ds, "b.csv", "quarantined", 0, 0, "", "unterminated quote"),
            ("run-1", "customers", ds, "c.csv", "loaded", 5, 0, "", ""),
            ("run-0", "customers", ds, "c.csv", "quarantined", 0, 0, "", "older run"),
        ],
    )
    report = audit("raw", db_path=path, ds=ds, run_id="run-1", tables=["orders"])
    assert report.passed

    report = ingest_checks.add_ingest_findings(report, path, run_id="run-1", ds=ds)
    assert isinstance(report, AuditReport)
    assert not report.passed
    failed = {(f.suite, f.expectation, f.severity, f.unexpected_count) for f in report.failures}
    assert failed == {
        ("ingest.payments", "expect_no_quarantined_files", "critical", 1),
        ("ingest.orders", "expect_no_rejected_rows", "warning", 3),
        ("ingest.orders", "expect_no_extra_columns", "warning", 1),
    }
    assert "unterminated quote" in report.summary()
    assert "coupon_code" in report.summary()

    with duckdb.connect(str(path), read_only=True) as connection:
        stored = connection.execute(
            "select suite, count(*), count(*) filter (where not success) from quality.results "
            "where run_id = 'run-1' and suite like 'ingest.%' group by suite order by suite"
        ).fetchall()
    assert stored == [
        ("ingest.customers", 3, 0),
        ("ingest.orders", 3, 2),
        ("ingest.payments", 3, 1),
    ]

    failures = results.critical_failures(path, run_id="run-1")
    assert [f["suite"] for f in failures] == ["ingest.payments"]
    with pytest.raises(QualityGateFailed, match="raw.payments: no landing file was quarantined"):
        enforce(report)
