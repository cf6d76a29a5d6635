"""Faults on demand: each plants exactly its defect, and the pipeline reacts as documented.

One clean tiny world is generated once; every test copies it, plants one fault and runs the
real loader (and the real raw gate where the reaction is a gate failure) on that source.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import shutil
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from opspulse import settings
from opspulse.demo import generate
from opspulse.demo.faults import FAULTS, ROWS_PER_FAULT, apply_faults, parse, render_markdown
from opspulse.quality import gate
from opspulse.sources import contracts
from opspulse.sources.loader import Loader

START, END = date(2026, 11, 1), date(2026, 11, 5)
SEED = 7
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def clean_world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean") / "landing"
    generate(START, END, out, scale=0.03, seed=SEED)
    return out


@pytest.fixture
def home(tmp_path, monkeypatch, clean_world):
    monkeypatch.setenv("OPSPULSE_HOME", str(tmp_path / "home"))
    cfg = settings.load()
    shutil.copytree(clean_world, cfg.landing_dir)
    return cfg


def plant(cfg, spec: str):
    (record,) = apply_faults(cfg.landing_dir, [spec], start=START, end=END, seed=SEED)
    return record


def load(cfg, source: str, run_id: str = "faults"):
    return Loader(run_id, settings=cfg, progress=lambda m: None).run(until=END, sources=[source])


def raw_check(cfg, source: str, day: date, expectation: str, column: str | None = None):
    report = gate.audit(
        "raw", db_path=cfg.build_db, ds=day, run_id="faults", days=[day], tables=[source]
    )
    found = [r for r in report.results if r.expectation == expectation and r.column == column]
    assert len(found) == 1, [r.describe() for r in report.failures]
    return report, found[0]


def digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def changed(clean: Path, faulted: Path) -> set[str]:
    a, b = digest(clean), digest(faulted)
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}


def records(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        with path.open(newline="") as fh:
            return list(csv.DictReader(fh))
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def raw_rows(cfg, sql: str):
    con = duckdb.connect(str(cfg.build_db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def reasons(cfg, source: str, day: date) -> list[dict]:
    return json.loads((cfg.quarantine_dir / source / day.isoformat() / "reason.json").read_text())


# --- the registry and its docs -------------------------------------------------------------


def test_docs_page_lists_every_fault_and_is_up_to_date():
    page = (REPO / "docs" / "faults.md").read_text()
    assert page == render_markdown(), "regenerate docs/faults.md from render_markdown()"
    for name in FAULTS:
        assert f"| `{name}` |" in page


def test_specs_resolve_defaults_and_overrides():
    assert parse("null_keys", start=START, end=END)[1:] == (contracts.get("orders"), END)
    fault, source, day = parse("null_keys:payments:2026-11-03", start=START, end=END)
    assert (fault.name, source.name, day) == ("null_keys", "payments", date(2026, 11, 3))
    assert parse("late_rows", start=START, end=END)[2] == END - timedelta(days=1)
    with pytest.raises(ValueError, match="choose a variant"):
        parse("schema_drift", start=START, end=END)
    with pytest.raises(ValueError, match="outside"):
        parse("null_keys:orders:2026-12-01", start=START, end=END)
    with pytest.raises(ValueError, match="not products"):
        parse("null_keys:products", start=START, end=END)


def test_faults_are_deterministic_for_the_seed(clean_world, tmp_path):
    trees = []
    for n in (1, 2):
        out = tmp_path / str(n)
        shutil.copytree(clean_world, out)
        apply_faults(out, ["null_keys", "orphan_keys"], start=START, end=END, seed=SEED)
        trees.append(digest(out))
    assert trees[0] == trees[1]


# --- gate faults: the file loads, a critical raw expectation fails --------------------------


@pytest.mark.parametrize(
    ("spec", "expectation"),
    [
        ("duplicate_rows", "expect_compound_columns_to_be_unique"),
        ("duplicate_rows:order_items", "expect_column_values_to_be_unique"),
        ("null_keys", "expect_column_values_to_not_be_null"),
        ("out_of_range", "expect_column_values_to_be_between"),
    ],
)
def test_gate_faults_fail_their_raw_expectation(home, clean_world, spec, expectation):
    record = plant(home, spec)
    rel = str(record.file.relative_to(home.landing_dir))
    assert changed(clean_world, home.landing_dir) == {rel}
    before, after = records(clean_world / rel), records(record.file)
    key = contracts.get(record.source).key[0]
    if spec.startswith("duplicate_rows"):
        assert after == before + after[len(before) :]
        counts = Counter(r[key] for r in after)
        assert sorted(k for k, n in counts.items() if n > 1) == sorted(record.keys)
        assert len(after) - len(before) == len(record.keys) == ROWS_PER_FAULT
    else:
        diff = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        assert len(diff) == ROWS_PER_FAULT
        assert all(before[i].keys() == after[i].keys() for i in diff)
        assert all(
            {k for k in before[i] if before[i][k] != after[i][k]} == {record.column} for i in diff
        )
    assert record.reaction == "gate" and record.check == expectation

    summary = load(home, record.source)
    assert summary.quarantined == [] and summary.rows_rejected == 0
    report, check = raw_check(home, record.source, record.day, expectation, record.column)
    assert not check.success and check.severity == "critical"
    assert check.unexpected_count == record.unexpected_count
    assert not report.passed


# --- quarantine faults: the file moves aside with a reason naming the line / column --------


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ("malformed_file.bad_quoting", "unquoted value"),
        ("malformed_file.bad_quoting:order_items", "invalid JSON"),
        ("malformed_file.truncated_last_line", "missing columns"),
        ("malformed_file.truncated_last_line:order_items", "invalid JSON"),
        ("schema_drift.removed_column", "missing from the file"),
        ("schema_drift.renamed_column", "renamed?"),
        ("schema_drift.retyped_column", "reject threshold"),
        ("schema_drift.retyped_column:order_items", "reject threshold"),
    ],
)
def test_quarantine_faults_move_the_file_aside_with_its_reason(home, clean_world, spec, error):
    record = plant(home, spec)
    assert changed(clean_world, home.landing_dir) == {
        str(record.file.relative_to(home.landing_dir))
    }
    assert record.reaction == "quarantine"

    summary = load(home, record.source)
    (bad,) = summary.quarantined
    assert (bad.file, bad.line) == (record.file, record.lines[0])
    assert not record.file.exists()
    (entry,) = reasons(home, record.source, record.day)
    assert entry["file"] == str(record.file) and entry["line"] == record.lines[0]
    assert error in entry["error"]
    if record.column:
        assert repr(record.column) in entry["error"]
    loaded = raw_rows(home, f"select count(*) from raw.{record.source} where _ds = '{record.day}'")
    assert loaded == [(0,)]


# --- tolerated faults ----------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["malformed_file.wrong_line_endings", "schema_drift.added_column"])
def test_tolerated_faults_load_like_the_clean_file(home, clean_world, tmp_path, spec):
    record = plant(home, spec)
    assert record.reaction == "none"
    summary = load(home, record.source)
    assert summary.quarantined == [] and summary.rows_rejected == 0
    cols = ", ".join(contracts.get(record.source).column_names)
    faulted = raw_rows(home, f"select {cols} from raw.{record.source} order by all")

    clean_cfg = dataclasses.replace(home, home=tmp_path / "clean_home")
    shutil.copytree(clean_world, clean_cfg.landing_dir)
    load(clean_cfg, record.source)
    assert faulted == raw_rows(clean_cfg, f"select {cols} from raw.{record.source} order by all")
    if spec == "schema_drift.added_column":
        (file,) = [f for f in summary.files if f.file == record.file]
        assert file.extra_columns == [record.column]
    else:
        assert b"\n" not in record.file.read_bytes()


# --- dbt, reload and not-caught faults ------------------------------------------------------


def test_orphan_keys_pass_the_raw_gate_and_are_left_to_dbt(home, clean_world):
    record = plant(home, "orphan_keys")
    assert (record.source, record.reaction, record.column) == ("order_items", "dbt", "order_id")
    assert record.check.startswith("relationships_fct_order_items_order_id")
    load(home, "orders")
    load(home, "order_items")
    orphans = raw_rows(
        home,
        "select distinct i.order_id from raw.order_items i "
        "anti join raw.orders o on i.order_id = o.order_id order by 1",
    )
    assert [o for (o,) in orphans] == sorted(record.keys)
    report = gate.audit(
        "raw", db_path=home.build_db, ds=END, run_id="faults", days=[END], tables=["order_items"]
    )
    assert report.passed, report.summary()


def test_late_rows_reload_only_the_redelivered_partition(home):
    assert load(home, "orders", "first").quarantined == []
    record = plant(home, "late_rows")
    assert (record.reaction, record.day) == ("reload", END - timedelta(days=1))
    summary = load(home, "orders", "second")
    assert summary.partitions_loaded == [("orders", record.day)]
    assert summary.partitions_unchanged == (END - START).days
    keys = raw_rows(
        home,
        f"select order_id from raw.orders where order_id like '%-late%' "
        f"and _ds = '{record.day}' order by 1",
    )
    assert [k for (k,) in keys] == sorted(record.keys)
    assert raw_rows(home, "select count(*) - count(distinct (order_id, _ds)) from raw.orders") == [
        (0,)
    ]


def test_missing_day_fails_the_raw_gate(home):
    from opspulse.quality.ingest_checks import add_ingest_findings

    record = plant(home, "missing_day")
    assert not record.file.exists() and record.reaction == "gate"
    summary = load(home, "orders")
    assert summary.quarantined == []
    assert END not in summary.days_loaded
    report = gate.audit(
        "raw", db_path=home.build_db, ds=END, run_id="faults", days=[END], tables=["orders"]
    )
    report = add_ingest_findings(report, home.build_db, run_id="faults", ds=END)
    missing = [r for r in report.failures if r.expectation == "expect_day_delivered"]
    assert [(r.table_name, r.severity) for r in missing] == [("raw.orders", "critical")]
    assert f"no file for {END}" in missing[0].observed
    assert not report.passed
