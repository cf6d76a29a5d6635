"""``opspulse sources check``: every problem named by file, line and column, before any run."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from opspulse.cli import main
from opspulse.sources import contracts
from opspulse.sources.check import check_landing
from opspulse.sources.model import Column, Source

DAY1, DAY2 = date(2026, 11, 1), date(2026, 11, 2)


def value(column: Column, i: int) -> str:
    """A valid text value of ``column`` for row ``i`` (keys differ), from the contract alone."""
    t = column.type.upper()
    if t.startswith(("DECIMAL", "NUMERIC", "DOUBLE", "FLOAT", "REAL")):
        return f"{i}.50"
    if t in ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER"):
        return str(i)
    if t == "BOOLEAN":
        return "true"
    if t == "TIMESTAMP":
        return f"2026-11-01 10:{i % 60:02d}:00"
    if t == "DATE":
        return (date(2026, 10, 1) + timedelta(days=i)).isoformat()
    listed = column.accepted_values or column.example_values
    if listed:
        return listed[i % len(listed)]
    return f"{column.name}-{i}"


def records(source: Source, n: int = 3) -> list[dict[str, str]]:
    return [{c.name: value(c, i) for c in source.columns} for i in range(1, n + 1)]


def write(root: Path, source: Source, day: date, rows: list[dict], name: str | None = None):
    """Write ``rows`` in the source's format; columns are the keys of the first row."""
    folder = root / source.name / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{source.name}{source.extensions[0]}")
    columns = list(rows[0])
    if source.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=source.csv.delimiter, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[r[c] for c in columns] for r in rows])
        path.write_text(buf.getvalue())
    elif source.format == "ndjson":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    else:
        pq.write_table(pa.table({c: [r[c] for r in rows] for c in columns}), path)
    return path


def contract_folder(root: Path) -> Path:
    for source in contracts.SOURCES:
        write(root, source, DAY1, records(source))
    return root


def errors_of(report) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.path, p.line, p.column, p.kind) for p in report.problems if p.severity == "error"]


def test_files_written_from_every_contract_pass(tmp_path):
    report = check_landing(contract_folder(tmp_path / "landing"))

    assert errors_of(report) == []
    assert report.files_checked == len(contracts.SOURCES)
    assert report.rows_checked == 3 * len(contracts.SOURCES)
    assert report.summary() == f"{len(contracts.SOURCES)} files checked, 0 errors, 0 warnings"


def test_demo_company_files_pass(tmp_path):
    from opspulse.demo import generate

    landing = tmp_path / "landing"
    generate(DAY1, DAY2, landing, scale=0.03)

    report = check_landing(landing)

    assert errors_of(report) == [], report.describe()
    assert report.files_checked > 0
    assert main(["sources", "check", str(landing)]) == 0


def test_csv_defects_are_named_by_file_line_and_column(tmp_path):
    root = tmp_path / "landing"
    orders = contracts.get("orders")
    rows = records(orders)
    rows[1]["discount_amount"] = "12,5O"
    write(root, orders, DAY1, rows)
    renamed = [{("order_date" if k == "ordered_at" else k): v for k, v in r.items()} for r in rows]
    write(root, orders, DAY2, renamed)

    report = check_landing(root)

    assert ("orders/2026-11-01/orders.csv", 3, "discount_amount", "cast") in errors_of(report)
    assert ("orders/2026-11-02/orders.csv", 1, "ordered_at", "missing_column") in errors_of(report)
    text = report.describe()
    assert "'12,5O' does not cast to DECIMAL(18,4)" in text
    assert "renamed to 'order_date'?" in text
    assert "column order_date: extra column tolerated" in text


def test_ndjson_defects_are_named_by_file_line_and_column(tmp_path):
    root = tmp_path / "landing"
    items = contracts.get("order_items")
    path = write(root, items, DAY1, records(items, 4))
    lines = path.read_text().splitlines()
    lines[2] = lines[2][:-5]  # truncated record on line 3
    path.write_text("\n".join(lines) + "\n")
    rows = records(items, 4)
    rows[3]["order_id"] = None
    write(root, items, DAY2, rows)

    report = check_landing(root)

    assert [(p.path, p.line, p.kind) for p in report.problems if p.severity == "error"] == [
        ("order_items/2026-11-01/order_items.ndjson", 3, "structure"),
        ("order_items/2026-11-02/order_items.ndjson", 4, "null"),
    ]
    assert errors_of(report)[1][2] == "order_id"
    assert "invalid JSON" in report.describe()


def test_parquet_defects_are_named_by_file_line_and_column(tmp_path):
    root = tmp_path / "landing"
    products = contracts.get("products")
    rows = records(products)
    write(root, products, DAY1, [{k: v for k, v in r.items() if k != "sku"} for r in rows])
    rows[2]["category"] = "gadgets"  # a company's own category: fine
    rows[2]["launched_at"] = None
    write(root, products, DAY2, rows)

    report = check_landing(root)

    assert errors_of(report) == [
        ("products/2026-11-01/products.parquet", 1, "sku", "missing_column"),
        ("products/2026-11-02/products.parquet", 3, "launched_at", "null"),
    ]
    assert "required value is NULL" in report.describe()


def test_open_vocabularies_and_empty_optional_columns_pass(tmp_path):
    root = tmp_path / "landing"
    own = {
        "products": {"category": "garden furniture", "unit_cost": None, "sku": None, "brand": None},
        "shipments": {"carrier": "la_poste"},
        "returns": {"reason": "arrived_broken"},
        "web_sessions": {"device": "smart_tv", "traffic_channel": "affiliate"},
        "payments": {"payment_method": "klarna"},
        "orders": {"sales_channel": "wholesale"},
        "reviews": {"product_id": None},
        "partners": {"sales_rep_id": None, "region": "mena"},
    }
    for name, values in own.items():
        source = contracts.get(name)
        rows = [{**r, **values} for r in records(source)]
        if name == "shipments":
            rows[0]["carrier"] = None
        write(root, source, DAY1, rows)
    orders = contracts.get("orders")
    write(root, orders, DAY2, [{**r, "status": "lost"} for r in records(orders, 1)])

    report = check_landing(root)

    assert errors_of(report) == [("orders/2026-11-02/orders.csv", 2, "status", "accepted")]
    assert "'lost' is not one of the accepted values (placed, shipped," in report.describe()


def test_line_numbers_skip_rows_that_failed_a_cast(tmp_path):
    root = tmp_path / "landing"
    payments = contracts.get("payments")
    rows = records(payments, 6)
    rows[0]["amount"] = "n/a"  # line 2
    rows[1]["amount"] = "n/a"  # line 3
    rows[3]["payment_type"] = "chargeback"  # line 5
    rows[5]["payment_id"] = rows[4]["payment_id"]  # lines 6 and 7
    write(root, payments, DAY1, rows)

    report = check_landing(root, reject_threshold=1.0)

    assert [(p.line, p.column, p.kind) for p in report.problems if p.severity == "error"] == [
        (2, "amount", "cast"),
        (3, "amount", "cast"),
        (5, "payment_type", "accepted"),
        (6, "payment_id", "duplicate"),
        (7, "payment_id", "duplicate"),
    ]


def test_many_bad_values_are_capped_with_a_count(tmp_path):
    root = tmp_path / "landing"
    payments = contracts.get("payments")
    rows = records(payments, 30)
    for r in rows[:12]:
        r["amount"] = "lots"
    write(root, payments, DAY1, rows)

    report = check_landing(root, limit=5)

    casts = [p for p in report.problems if p.kind == "cast"]
    assert [p.line for p in casts] == [2, 3, 4, 5, 6, None]
    assert casts[-1].count == 7 and "7 more" in casts[-1].message
    assert report.errors == 12 + 1  # every bad value, and the file is over the reject threshold
    assert any(p.kind == "over_reject_threshold" for p in report.problems)


def test_folder_problems(tmp_path):
    root = contract_folder(tmp_path / "landing")
    (root / "order" / "2026-11-01").mkdir(parents=True)
    (root / "orders" / "latest").mkdir()
    (root / "orders" / "20261102").mkdir()
    (root / "orders" / "20261102" / "orders.csv").write_text(
        (root / "orders" / "2026-11-01" / "orders.csv").read_text()
    )
    (root / "customers" / "2026-11-01" / "customers.xlsx").write_bytes(b"PK")
    (root / "payments" / "2026-11-02").mkdir()
    (root / "payments" / "2026-11-01" / "_SUCCESS").write_text("")

    report = check_landing(root)

    found = {(p.severity, p.path, p.kind) for p in report.problems}
    assert found >= {
        ("error", "order", "unknown_source"),
        ("error", "orders/latest", "folder_not_a_date"),
        ("warning", "orders/20261102", "folder_not_a_date"),
        ("error", "customers/2026-11-01/customers.xlsx", "structure"),
        ("warning", "payments/2026-11-02", "empty_day"),
    }
    assert "did you mean 'orders'?" in report.describe()
    assert "a daily source needs a file every day (an empty file on a day" in report.describe()
    assert report.errors == 3 and report.warnings == 2


def test_cli_exit_codes_and_json(tmp_path, capsys):
    root = contract_folder(tmp_path / "landing")
    assert main(["sources", "check", str(root)]) == 0
    out = capsys.readouterr()
    assert out.out.strip().endswith(
        f"{len(contracts.SOURCES)} files checked, 0 errors, 0 warnings ("
        + f"{3 * len(contracts.SOURCES)} rows)"
    )
    assert "orders: 1 files" in out.err  # progress, one line per source

    payments = contracts.get("payments")
    rows = records(payments)
    rows[0]["amount"] = "abc"
    write(root, payments, DAY2, rows)
    assert main(["sources", "check", "--json", str(root)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] >= 1
    assert {
        "severity": "error",
        "kind": "cast",
        "path": "payments/2026-11-02/payments.csv",
        "message": "'abc' does not cast to DECIMAL(18,4)",
        "line": 2,
        "column": "amount",
        "count": 1,
    } in report["problems"]

    assert main(["sources", "check", str(tmp_path / "nowhere")]) == 2


@pytest.mark.parametrize("fmt", ["csv", "ndjson", "parquet"])
def test_check_does_not_touch_the_build_database(tmp_path, opspulse_home, fmt):
    root = tmp_path / "landing"
    source = next(s for s in contracts.SOURCES if s.format == fmt)
    write(root, source, DAY1, records(source))

    check_landing(root)

    assert not opspulse_home.build_db.exists()


def test_a_ledger_account_is_checked_by_its_form(tmp_path):
    root = tmp_path / "landing"
    gl = contracts.get("gl_entries")
    rows = records(gl, 3)
    rows[0]["account"] = "opex:travel"  # an expense category of the company's own
    rows[1]["account"] = "revenue"
    rows[2]["account"] = "salaries"
    write(root, gl, DAY1, rows)

    report = check_landing(root)

    assert errors_of(report) == [
        ("gl_entries/2026-11-01/gl_entries.parquet", 3, "account", "accepted")
    ]
    assert "'salaries' does not have the contract's form" in report.describe()


def test_a_symlink_out_of_the_landing_folder_is_an_error_and_is_not_read(tmp_path):
    root = tmp_path / "landing"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "orders.csv").write_text("not,a,contract\n")
    (root / "orders" / "2026-11-01").mkdir(parents=True)
    (root / "orders" / "2026-11-02").symlink_to(elsewhere, target_is_directory=True)
    (root / "orders" / "2026-11-01" / "orders.csv").symlink_to(elsewhere / "orders.csv")

    report = check_landing(root)

    outside = sorted(p.path for p in report.problems if p.kind == "outside_landing")
    assert outside == ["orders/2026-11-01/orders.csv", "orders/2026-11-02"]
    assert all(p.severity == "error" for p in report.problems if p.kind == "outside_landing")
    assert report.files_checked == 0
