"""``expect_day_delivered``: a missing file fails only where the company's cadence expects one."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from types import MappingProxyType

import duckdb

from opspulse.quality import ingest_checks
from opspulse.sources import contracts
from opspulse.sources.cadence import effective_cadence
from opspulse.sources.loader import Loader

DAY = date(2026, 11, 2)
BEFORE = DAY - timedelta(days=3)


def land_empty(cfg, source: str, day: date) -> None:
    """An empty file of the source's format: a delivery of no rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    spec = contracts.get(source)
    folder = cfg.landing_dir / source / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{source}{spec.extensions[0]}"
    if spec.format == "csv":
        path.write_text(",".join(spec.column_names) + "\n")
    elif spec.format == "ndjson":
        path.write_text("")
    else:
        pq.write_table(pa.schema([(c, pa.string()) for c in spec.column_names]).empty_table(), path)


def with_cadence(cfg, **cadence: str):
    return dataclasses.replace(cfg, source_cadence=MappingProxyType(cadence))


def delivered_checks(cfg, run_id: str = "run-1") -> dict[str, tuple[bool, str | None]]:
    Loader(run_id, settings=cfg).run(until=DAY)
    findings = ingest_checks.ingest_findings(cfg.build_db, run_id=run_id, ds=DAY, settings=cfg)
    checks = [f for f in findings if f.expectation == "expect_day_delivered"]
    assert all(f.severity == "critical" for f in checks)
    return {f.kwargs["source"]: (f.success, f.observed) for f in checks}


def test_effective_cadence_is_the_contract_unless_the_company_says_otherwise(opspulse_home):
    cfg = opspulse_home
    assert effective_cadence("orders", cfg) == "daily"
    assert effective_cadence("reviews", cfg) == "daily"
    assert effective_cadence("products", cfg) == "on_change"
    company = with_cadence(cfg, orders="daily", reviews="on_change", products="daily")
    assert effective_cadence("reviews", company) == "on_change"
    assert effective_cadence("products", company) == "daily"
    assert effective_cadence(contracts.get("orders"), company) == "daily"
    assert effective_cadence("customers", company) == "absent"  # not listed: not delivered


def test_a_missing_file_fails_only_for_a_daily_source(opspulse_home):
    cfg = with_cadence(
        opspulse_home, orders="daily", reviews="daily", products="on_change", customers="absent"
    )
    for source in ("orders", "reviews", "products", "customers"):
        land_empty(cfg, source, BEFORE)
    land_empty(cfg, "orders", DAY)

    checks = delivered_checks(cfg)

    assert checks == {
        "orders": (True, None),
        "products": (True, f"no file for {DAY}: on_change, none expected; last delivered {BEFORE}"),
        "reviews": (False, f"no file for {DAY} (daily source); last delivered {BEFORE}"),
    }  # customers is absent for this company: not checked though it was delivered before


def test_a_daily_source_never_delivered_fails(opspulse_home):
    cfg = with_cadence(opspulse_home, orders="daily", reviews="daily")
    land_empty(cfg, "orders", DAY)

    assert delivered_checks(cfg) == {
        "orders": (True, None),
        "reviews": (False, f"no file for {DAY} (daily source); never delivered"),
    }


def test_a_day_without_reviews_passes_as_an_empty_file_or_as_on_change(opspulse_home):
    daily = with_cadence(opspulse_home, orders="daily", reviews="daily")
    land_empty(daily, "orders", DAY)
    land_empty(daily, "reviews", DAY)  # the day had no review: an empty file
    assert delivered_checks(daily)["reviews"] == (True, None)

    (daily.landing_dir / "reviews" / DAY.isoformat() / "reviews.ndjson").unlink()
    on_change = with_cadence(opspulse_home, orders="daily", reviews="on_change")
    checks = delivered_checks(on_change, run_id="run-2")
    assert checks["reviews"] == (
        True,
        f"no file for {DAY}: on_change, none expected; never delivered",
    )


def test_without_a_sources_table_the_landing_folders_and_contract_cadence_decide(opspulse_home):
    cfg = opspulse_home  # no [sources]: every source with a landing folder, contract cadence
    for source in ("orders", "products"):
        land_empty(cfg, source, BEFORE)

    checks = delivered_checks(cfg)

    assert checks["orders"][0] is False
    assert checks["products"][0] is True
    assert set(checks) == {"orders", "products"}


def test_the_gate_report_carries_the_cadence_findings(opspulse_home):
    from opspulse.quality.gate import AuditReport

    cfg = with_cadence(opspulse_home, orders="daily", products="on_change")
    land_empty(cfg, "orders", BEFORE)
    land_empty(cfg, "products", BEFORE)
    Loader("run-g", settings=cfg).run(until=DAY)
    empty = AuditReport(layer="raw", ds=DAY, run_id="run-g")

    report = ingest_checks.add_ingest_findings(
        empty, cfg.build_db, run_id="run-g", ds=DAY, settings=cfg
    )

    failed = [(f.suite, f.unexpected_count) for f in report.critical_failures]
    assert failed == [("ingest.orders", 1)]
    with duckdb.connect(str(cfg.build_db), read_only=True) as connection:
        stored = connection.execute(
            "select suite, success, observed_value from quality.results "
            "where expectation_type = 'expect_day_delivered' order by suite"
        ).fetchall()
    assert stored == [
        ("ingest.orders", False, f"no file for {DAY} (daily source); last delivered {BEFORE}"),
        (
            "ingest.products",
            True,
            f"no file for {DAY}: on_change, none expected; last delivered {BEFORE}",
        ),
    ]


def _land_orders(cfg, name: str, text: str) -> None:
    folder = cfg.landing_dir / "orders" / DAY.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def _quarantine_checks(cfg, run_id: str):
    findings = ingest_checks.ingest_findings(cfg.build_db, run_id=run_id, ds=DAY, settings=cfg)
    return [f for f in findings if f.expectation == "expect_quarantine_resolved"]


def test_a_quarantine_outlives_the_run_that_made_it(opspulse_home):
    """The drill: a broken second orders file is quarantined, the run is killed after its
    load, and the re-run, which sees only the good file, must still be withheld."""
    cfg = with_cadence(opspulse_home, orders="daily")
    header = ",".join(contracts.get("orders").column_names)
    _land_orders(cfg, "good.csv", header + "\n")
    _land_orders(cfg, "broken.csv", header.replace("customer_id", "client_id") + "\n")
    Loader("killed-run", settings=cfg).run(until=DAY)
    # ... killed here: audit_raw of the first run never ran
    Loader("re-run", settings=cfg).run(until=DAY)
    [check] = _quarantine_checks(cfg, "re-run")
    assert check.severity == "critical" and not check.success
    assert "broken.csv" in check.observed and "line 1" in check.observed
    # resolved by moving the fixed file back (or deleting it): the next run passes
    quarantined = cfg.quarantine_dir / "orders" / DAY.isoformat() / "broken.csv"
    quarantined.unlink()
    Loader("after-fix", settings=cfg).run(until=DAY)
    assert _quarantine_checks(cfg, "after-fix") == []


def _checked(findings) -> list[tuple]:
    return sorted(
        (f.expectation, f.kwargs.get("source"), f.success, f.element_count, f.unexpected_count)
        for f in findings
    )


def test_a_re_run_after_a_kill_checks_the_killed_runs_load(opspulse_home):
    """The drill: a run is killed after its load; its re-run finds nothing changed and loads
    nothing, yet checks what one clean run checks (rows seen, rejects, extra columns) and
    audits the days the killed run loaded."""
    from opspulse import nightly

    cfg = with_cadence(opspulse_home, orders="daily")
    header = ",".join(contracts.get("orders").column_names)
    _land_orders(cfg, "orders.csv", header + ",loyalty_tier\n")
    Loader("killed-run", settings=cfg).run(until=DAY)
    clean = ingest_checks.ingest_findings(cfg.build_db, run_id="killed-run", ds=DAY, settings=cfg)
    summary = Loader("re-run", settings=cfg).run(until=DAY)
    assert summary.partitions_loaded == [] and summary.files == []
    again = ingest_checks.ingest_findings(cfg.build_db, run_id="re-run", ds=DAY, settings=cfg)
    assert _checked(again) == _checked(clean)
    assert ("expect_no_extra_columns", "orders", False, 1, 1) in _checked(again)
    assert nightly._days_loaded(cfg, "re-run", DAY) == [DAY]
    # another day's run does not inherit the day's ingest
    other = DAY + timedelta(days=1)
    assert nightly._days_loaded(cfg, "next-night", other) == [other]
    later = ingest_checks.ingest_findings(cfg.build_db, run_id="next-night", ds=other, settings=cfg)
    assert not [f for f in later if f.expectation == "expect_no_extra_columns"]
