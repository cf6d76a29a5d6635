"""Ingest: good files load, broken files are quarantined with a reason, re-runs are safe."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from opspulse.sources import contracts
from opspulse.sources.loader import Loader

DAY = date(2026, 11, 2)

ORDER = {
    "order_id": "O1",
    "customer_id": "C1",
    "ordered_at": "2026-11-02 10:00:00",
    "status": "placed",
    "sales_channel": "web",
    "session_id": "S1",
    "campaign_id": "",
    "livestream_id": "",
    "partner_id": "",
    "sales_rep_id": "",
    "discount_amount": "1.50",
    "shipping_cost": "",
    "promised_delivery_date": "2026-11-06",
    "shipped_at": "",
    "delivered_at": "",
    "cancelled_at": "",
    "updated_at": "2026-11-02 10:00:00",
}


def csv_text(rows: list[dict], columns=None) -> str:
    columns = columns or contracts.get("orders").column_names
    lines = [",".join(columns)]
    lines += [",".join(str(r.get(c, "")) for c in columns) for r in rows]
    return "\n".join(lines) + "\n"


def orders(n: int, **overrides) -> list[dict]:
    return [{**ORDER, "order_id": f"O{i}", **overrides} for i in range(1, n + 1)]


def land(cfg, source: str, name: str, content, day: date = DAY):
    folder = cfg.landing_dir / source / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def rows(cfg, sql: str):
    con = duckdb.connect(str(cfg.build_db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def reason(cfg, source: str, day: date = DAY) -> list[dict]:
    return json.loads((cfg.quarantine_dir / source / day.isoformat() / "reason.json").read_text())


def test_good_files_of_each_format_load_with_contract_types(opspulse_home):
    cfg = opspulse_home
    land(cfg, "orders", "orders.csv", csv_text(orders(3)))
    items = [
        {
            "order_item_id": "OI1",
            "order_id": "O1",
            "product_id": "P1",
            "quantity": 2,
            "unit_price": 9.99,
        },
        {
            "order_item_id": "OI2",
            "order_id": "O2",
            "product_id": "P2",
            "quantity": 1,
            "unit_price": 120.5,
        },
    ]
    land(cfg, "order_items", "order_items.ndjson", "\n".join(map(json.dumps, items)) + "\n")
    table = pa.table(
        {
            "product_id": ["P1"],
            "sku": ["SKU1"],
            "product_name": ["Mug"],
            "category": ["kitchen"],
            "brand": ["Acme"],
            "supplier_id": ["SUP1"],
            "unit_cost": pa.array([4], pa.int64()),
            "list_price": pa.array([9.99], pa.float64()),
            "is_active": [True],
            "launched_at": ["2026-11-02 08:00:00"],
            "updated_at": ["2026-11-02 08:00:00"],
        }
    )
    folder = cfg.landing_dir / "products" / DAY.isoformat()
    folder.mkdir(parents=True)
    pq.write_table(table, folder / "products.parquet")

    summary = Loader("run-1", settings=cfg).run(until=DAY)

    assert summary.quarantined == []
    assert summary.rows_loaded == 6
    assert rows(cfg, "select sum(discount_amount)::double, count(*) from raw.orders") == [(4.5, 3)]
    assert rows(
        cfg, "select typeof(discount_amount), typeof(ordered_at) from raw.orders limit 1"
    ) == [("DECIMAL(18,4)", "TIMESTAMP")]
    assert rows(cfg, "select sum(quantity * unit_price)::double from raw.order_items") == [
        (140.48,)
    ]
    assert rows(cfg, "select list_price::double, launched_at::varchar from raw.products") == [
        (9.99, "2026-11-02 08:00:00")
    ]
    log = rows(cfg, "select source, status, rows_loaded from ops.ingest_log order by source")
    assert log == [("order_items", "loaded", 2), ("orders", "loaded", 3), ("products", "loaded", 1)]


@pytest.mark.parametrize(
    ("name", "content", "line", "words"),
    [
        ("bad_quoting.csv", csv_text(orders(3)).replace("O2,C1", 'O2,"C1', 1), 3, "unterminated"),
        ("truncated.csv", csv_text(orders(3))[:-60], 4, "missing columns"),
        (
            "missing_column.csv",
            csv_text(orders(2), [c for c in contracts.get("orders").column_names if c != "status"]),
            1,
            "['status'] missing",
        ),
        (
            "renamed_column.csv",
            csv_text(orders(2)).replace("customer_id", "client_id", 1),
            1,
            "renamed?",
        ),
        ("empty.csv", "", 1, "empty"),
        ("orders.json", "{}", None, "unexpected file type"),
    ],
)
def test_broken_file_is_quarantined_with_file_line_and_reason(
    opspulse_home, name, content, line, words
):
    cfg = opspulse_home
    good = land(
        cfg,
        "orders",
        "good.csv",
        csv_text(orders(2, customer_id="C9")).replace("O1,", "G1,").replace("O2,", "G2,"),
    )
    broken = land(cfg, "orders", name, content)

    summary = Loader("run-q", settings=cfg).run(until=DAY)

    assert [f.file.name for f in summary.quarantined] == [name]
    assert not broken.exists()
    assert (cfg.quarantine_dir / "orders" / DAY.isoformat() / name).exists()
    entry = reason(cfg, "orders")[0]
    assert entry["file"] == str(broken)
    assert entry["line"] == line
    assert words in entry["error"].lower()
    assert "what_to_do" in entry
    # the good file of the same day still loads; nothing of the broken one does
    assert good.exists()
    assert rows(cfg, "select count(*), min(customer_id) from raw.orders") == [(2, "C9")]
    assert rows(
        cfg, "select status from ops.ingest_log where file = ?".replace("?", f"'{broken}'")
    ) == [("quarantined",)]


def test_invalid_json_line_quarantines_the_file_naming_the_line(opspulse_home):
    cfg = opspulse_home
    good = json.dumps(
        {
            "order_item_id": "OI1",
            "order_id": "O1",
            "product_id": "P1",
            "quantity": 1,
            "unit_price": 5,
        }
    )
    land(cfg, "order_items", "items.ndjson", f"{good}\n{good[:-10]}\n{good}\n")

    summary = Loader("run-j", settings=cfg).run(until=DAY)

    assert len(summary.quarantined) == 1
    entry = reason(cfg, "order_items")[0]
    assert entry["line"] == 2
    assert "invalid json" in entry["error"].lower()


def test_unreadable_values_go_to_rejected_rows_below_threshold(opspulse_home, monkeypatch):
    monkeypatch.setenv("OPSPULSE_REJECT_THRESHOLD", "0.2")
    from opspulse import settings

    cfg = settings.load()
    data = orders(10)
    data[6]["discount_amount"] = "ten"
    land(cfg, "orders", "orders.csv", csv_text(data))

    summary = Loader("run-r", settings=cfg).run(until=DAY)

    assert summary.quarantined == []
    assert (summary.rows_loaded, summary.rows_rejected) == (9, 1)
    assert rows(cfg, "select line, column_name, error_type from ops.rejected_rows") == [
        (8, "discount_amount", "CAST")
    ]
    assert rows(cfg, "select count(*) from raw.orders where order_id = 'O7'") == [(0,)]


def test_too_many_unreadable_rows_quarantine_the_whole_file(opspulse_home):
    cfg = opspulse_home  # default threshold 1 %: one bad row in ten is too many
    data = orders(10)
    data[3]["ordered_at"] = "yesterday"
    land(cfg, "orders", "orders.csv", csv_text(data))

    summary = Loader("run-t", settings=cfg).run(until=DAY)

    assert summary.rows_loaded == 0
    entry = reason(cfg, "orders")[0]
    assert entry["line"] == 5
    assert "ordered_at" in entry["error"] and "reject threshold" in entry["error"]


def test_extra_columns_are_tolerated_and_logged(opspulse_home):
    cfg = opspulse_home
    columns = (*contracts.get("orders").column_names, "loyalty_tier")
    land(
        cfg,
        "orders",
        "orders.csv",
        csv_text([{**r, "loyalty_tier": "gold"} for r in orders(2)], columns),
    )

    summary = Loader("run-x", settings=cfg).run(until=DAY)

    assert summary.rows_loaded == 2 and summary.quarantined == []
    assert rows(cfg, "select extra_columns from ops.ingest_log") == [("loyalty_tier",)]


def test_crlf_line_endings_load(opspulse_home):
    cfg = opspulse_home
    land(cfg, "orders", "orders.csv", csv_text(orders(3)).replace("\n", "\r\n"))

    summary = Loader("run-crlf", settings=cfg).run(until=DAY)

    assert summary.rows_loaded == 3
    assert rows(cfg, "select max(updated_at)::varchar from raw.orders") == [
        ("2026-11-02 10:00:00",)
    ]


def test_rerunning_a_day_leaves_the_same_rows(opspulse_home):
    cfg = opspulse_home
    land(cfg, "orders", "orders.csv", csv_text(orders(5)))
    land(cfg, "orders", "orders.csv", csv_text(orders(4)), day=date(2026, 11, 3))
    first = Loader("run-1", settings=cfg).run(until=date(2026, 11, 3))
    snapshot = rows(cfg, "select * exclude (_loaded_at) from raw.orders order by all")

    again = Loader("run-2", settings=cfg).run(until=date(2026, 11, 3))
    forced = Loader("run-3", settings=cfg).run(until=date(2026, 11, 3), force=True)

    assert len(first.partitions_loaded) == 2
    assert again.partitions_loaded == [] and again.partitions_unchanged == 2
    assert len(forced.partitions_loaded) == 2
    assert rows(cfg, "select * exclude (_loaded_at) from raw.orders order by all") == snapshot
    assert len(snapshot) == 9


def test_a_redelivered_file_replaces_its_partition_only(opspulse_home):
    cfg = opspulse_home
    land(cfg, "orders", "orders.csv", csv_text(orders(5)))
    land(cfg, "orders", "orders.csv", csv_text(orders(4)), day=date(2026, 11, 3))
    Loader("run-1", settings=cfg).run(until=date(2026, 11, 3))

    land(cfg, "orders", "orders.csv", csv_text(orders(2, status="cancelled")))
    summary = Loader("run-2", settings=cfg).run(until=date(2026, 11, 3))

    assert summary.partitions_loaded == [("orders", DAY)]
    assert rows(cfg, "select _ds, status, count(*) from raw.orders group by all order by 1") == [
        (DAY, "cancelled", 2),
        (date(2026, 11, 3), "placed", 4),
    ]


def test_days_after_the_run_day_are_not_loaded(opspulse_home):
    cfg = opspulse_home
    land(cfg, "orders", "orders.csv", csv_text(orders(1)))
    land(cfg, "orders", "orders.csv", csv_text(orders(1)), day=date(2026, 11, 3))

    summary = Loader("run-1", settings=cfg).run(until=DAY)

    assert summary.partitions_loaded == [("orders", DAY)]


def test_inexact_numbers_are_rejected_not_rounded(opspulse_home, monkeypatch):
    monkeypatch.setenv("OPSPULSE_REJECT_THRESHOLD", "0.9")
    from opspulse import settings

    cfg = settings.load()
    items = [
        {
            "order_item_id": "OI1",
            "order_id": "O1",
            "product_id": "P1",
            "quantity": 2,
            "unit_price": 9.99,
        },
        {
            "order_item_id": "OI2",
            "order_id": "O1",
            "product_id": "P1",
            "quantity": 2.5,
            "unit_price": 9.99,
        },
        {
            "order_item_id": "OI3",
            "order_id": "O1",
            "product_id": "P1",
            "quantity": 1,
            "unit_price": 1.00005,
        },
    ]
    land(cfg, "order_items", "items.ndjson", "\n".join(map(json.dumps, items)) + "\n")

    summary = Loader("run-n", settings=cfg).run(until=DAY)

    assert (summary.rows_loaded, summary.rows_rejected) == (1, 2)
    assert rows(cfg, "select line, column_name from ops.rejected_rows order by line") == [
        (2, "quantity"),
        (3, "unit_price"),
    ]


def test_a_narrowed_parquet_column_quarantines_the_file(opspulse_home):
    cfg = opspulse_home
    table = pa.table(
        {
            "product_id": ["P1"],
            "sku": ["SKU1"],
            "product_name": ["Mug"],
            "category": ["kitchen"],
            "brand": ["Acme"],
            "supplier_id": ["SUP1"],
            "unit_cost": [4.0],
            "list_price": [9.99],
            "is_active": [True],
            "launched_at": pa.array([DAY], pa.date32()),
            "updated_at": ["2026-11-02 08:00:00"],
        }
    )
    folder = cfg.landing_dir / "products" / DAY.isoformat()
    folder.mkdir(parents=True)
    pq.write_table(table, folder / "products.parquet")

    summary = Loader("run-p", settings=cfg).run(until=DAY)

    assert len(summary.quarantined) == 1
    entry = reason(cfg, "products")[0]
    assert "launched_at" in entry["error"] and "narrowed" in entry["error"]


def test_csv_money_with_too_many_decimals_is_rejected_not_rounded(opspulse_home, monkeypatch):
    monkeypatch.setenv("OPSPULSE_REJECT_THRESHOLD", "0.5")
    from opspulse import settings

    cfg = settings.load()
    data = orders(4)
    data[2]["discount_amount"] = "1.00005"
    land(cfg, "orders", "orders.csv", csv_text(data))

    summary = Loader("run-d", settings=cfg).run(until=DAY)

    assert (summary.rows_loaded, summary.rows_rejected) == (3, 1)
    assert rows(cfg, "select line, column_name from ops.rejected_rows") == [(4, "discount_amount")]


def _item(i: int, **overrides) -> dict:
    return {
        "order_item_id": f"OI{i}",
        "order_id": "O1",
        "product_id": "P1",
        "quantity": 1,
        "unit_price": 9.99,
        **overrides,
    }


def test_wholesale_prices_below_a_cent_load_exactly(opspulse_home):
    cfg = opspulse_home
    items = [_item(1, quantity=80000, unit_price="0.0035"), _item(2, unit_price=1234567.8912)]
    land(cfg, "order_items", "items.ndjson", "\n".join(map(json.dumps, items)) + "\n")
    land(cfg, "orders", "orders.csv", csv_text(orders(1, discount_amount="0.0125")))

    summary = Loader("run-w", settings=cfg).run(until=DAY)

    assert (summary.rows_loaded, summary.rows_rejected) == (3, 0)
    assert rows(cfg, "select unit_price::varchar from raw.order_items order by 1") == [
        ("0.0035",),
        ("1234567.8912",),
    ]
    assert rows(cfg, "select sum(quantity * unit_price)::varchar from raw.order_items") == [
        ("1234847.8912",)
    ]
    assert rows(cfg, "select discount_amount::varchar from raw.orders") == [("0.0125",)]


def test_money_beyond_four_decimals_is_rejected_not_rounded(opspulse_home, monkeypatch):
    monkeypatch.setenv("OPSPULSE_REJECT_THRESHOLD", "0.9")
    from opspulse import settings

    cfg = settings.load()
    items = [_item(1, unit_price="0.0035"), _item(2, unit_price="0.00351")]
    land(cfg, "order_items", "items.ndjson", "\n".join(map(json.dumps, items)) + "\n")

    summary = Loader("run-5", settings=cfg).run(until=DAY)

    assert (summary.rows_loaded, summary.rows_rejected) == (1, 1)
    assert rows(cfg, "select line, column_name from ops.rejected_rows") == [(2, "unit_price")]


def _empty_parquet(cfg, source: str) -> None:
    schema = pa.schema(
        [(c.name, pa.string()) for c in contracts.get(source).columns]  # text casts to any type
    )
    folder = cfg.landing_dir / source / DAY.isoformat()
    folder.mkdir(parents=True)
    pq.write_table(schema.empty_table(), folder / f"{source}.parquet")


@pytest.mark.parametrize(
    ("source", "content"),
    [
        ("orders", csv_text([])),
        ("orders", csv_text([]).replace("\n", "\r\n")),
        ("order_items", b""),
        ("order_items", b"\n\n  \r\n\n"),
        ("products", None),
    ],
    ids=["header-only-csv", "header-only-csv-crlf", "empty-ndjson", "blank-ndjson", "parquet"],
)
def test_an_empty_file_is_a_delivery_of_no_rows(opspulse_home, source, content):
    cfg = opspulse_home
    if content is None:
        _empty_parquet(cfg, source)
    else:
        land(cfg, source, f"{source}{contracts.get(source).extensions[0]}", content)

    summary = Loader("run-e", settings=cfg).run(until=DAY)

    assert summary.quarantined == []
    assert [(f.source, f.status, f.rows_loaded, f.rows_rejected) for f in summary.files] == [
        (source, "loaded", 0, 0)
    ]
    assert summary.partitions_loaded == [(source, DAY)]
    assert rows(cfg, f"select count(*) from raw.{source}") == [(0,)]
    assert rows(cfg, "select source, ds, files, rows_loaded from ops.partitions") == [
        (source, DAY, 1, 0)
    ]


@pytest.mark.parametrize("separator", ["\r", "\r\n"], ids=["cr", "crlf"])
def test_ndjson_with_cr_line_separators_loads_like_lf(opspulse_home, monkeypatch, separator):
    monkeypatch.setenv("OPSPULSE_REJECT_THRESHOLD", "0.5")
    from opspulse import settings

    cfg = settings.load()
    items = [_item(1), _item(2, quantity=2), _item(3, quantity="two"), _item(4, quantity=4)]
    land(cfg, "order_items", "items.ndjson", separator.join(map(json.dumps, items)) + separator)

    summary = Loader("run-cr", settings=cfg).run(until=DAY)

    assert summary.quarantined == []
    assert (summary.rows_loaded, summary.rows_rejected) == (3, 1)
    assert rows(cfg, "select order_item_id, quantity from raw.order_items order by 1") == [
        ("OI1", 1),
        ("OI2", 2),
        ("OI4", 4),
    ]
    assert rows(cfg, "select line, column_name from ops.rejected_rows") == [(3, "quantity")]


def test_cr_separated_ndjson_with_a_broken_record_names_its_line(opspulse_home):
    cfg = opspulse_home
    good = json.dumps(_item(1))
    land(cfg, "order_items", "items.ndjson", f"{good}\r{good[:-10]}\r{good}\r")

    summary = Loader("run-crj", settings=cfg).run(until=DAY)

    assert len(summary.quarantined) == 1
    entry = reason(cfg, "order_items")[0]
    assert entry["line"] == 2
    assert "invalid json" in entry["error"].lower()


def test_sources_the_company_does_not_deliver_are_not_loaded(opspulse_home):
    import dataclasses
    from types import MappingProxyType

    cfg = dataclasses.replace(
        opspulse_home,
        source_cadence=MappingProxyType({"orders": "daily", "order_items": "absent"}),
    )
    land(cfg, "orders", "orders.csv", csv_text(orders(2)))
    land(cfg, "order_items", "items.ndjson", json.dumps(_item(1)) + "\n")
    land(cfg, "reviews", "reviews.ndjson", "")  # not listed in [sources]: absent

    summary = Loader("run-a", settings=cfg).run(until=DAY)

    assert summary.partitions_loaded == [("orders", DAY)]
    assert rows(cfg, "select source, rows_loaded from ops.ingest_log") == [("orders", 2)]


def _products(names: list[str]) -> pa.Table:
    n = len(names)
    return pa.table(
        {
            "product_id": [f"P{i}" for i in range(n)],
            "sku": [f"SKU{i}" for i in range(n)],
            "product_name": names,
            "category": ["kitchen"] * n,
            "brand": ["Acme"] * n,
            "supplier_id": ["SUP1"] * n,
            "unit_cost": pa.array([4] * n, pa.int64()),
            "list_price": pa.array([9.99] * n, pa.float64()),
            "is_active": [True] * n,
            "launched_at": ["2026-11-02 08:00:00"] * n,
            "updated_at": ["2026-11-02 08:00:00"] * n,
        }
    )


def _land_text_values(cfg, fmt: str, bad: str):
    """Ten rows of one source in ``fmt`` whose seventh row carries ``bad`` as a text value;
    returns (source, file, text column, line of the bad row)."""
    if fmt == "csv":
        data = orders(10)
        data[6]["sales_channel"] = bad
        return "orders", land(cfg, "orders", "orders.csv", csv_text(data)), "sales_channel", 8
    if fmt == "ndjson":
        items = [
            {
                "order_item_id": f"OI{i}",
                "order_id": "O1",
                "product_id": "P1",
                "quantity": 1,
                "unit_price": 5,
            }
            for i in range(10)
        ]
        items[6]["product_id"] = bad
        text = "\n".join(json.dumps(i) for i in items) + "\n"
        return "order_items", land(cfg, "order_items", "items.ndjson", text), "product_id", 7
    names = ["Mug"] * 10
    names[6] = bad
    folder = cfg.landing_dir / "products" / DAY.isoformat()
    folder.mkdir(parents=True)
    pq.write_table(_products(names), folder / "products.parquet")
    return "products", folder / "products.parquet", "product_name", 7


@pytest.mark.parametrize("fmt", ["csv", "ndjson", "parquet"])
@pytest.mark.parametrize(
    "bad", ["web\x00shop", "x" * (64 * 1024 + 1)], ids=["nul-byte", "longer-than-64KiB"]
)
def test_text_that_cannot_be_true_is_a_rejected_row(opspulse_home, monkeypatch, fmt, bad):
    monkeypatch.setenv("OPSPULSE_REJECT_THRESHOLD", "0.2")
    from opspulse import settings

    cfg = settings.load()
    source, path, column, line = _land_text_values(cfg, fmt, bad)

    summary = Loader("run-text", settings=cfg).run(until=DAY)

    assert summary.quarantined == []
    assert (summary.rows_loaded, summary.rows_rejected) == (9, 1)
    ((file, got_line, got_column, kind, message, raw_line),) = rows(
        cfg,
        "select file, line, column_name, error_type, error_message, raw_line "
        "from ops.rejected_rows",
    )
    assert (file, got_line, got_column, kind) == (str(path), line, column, "TEXT")
    assert "NUL byte or is longer than 65536 bytes" in message
    assert len(raw_line) <= 4096
    assert rows(
        cfg,
        f"select count(*) from raw.{source} where contains({column}, chr(0)) "
        f"or strlen({column}) > 65536",
    ) == [(0,)]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"XXXX" + data[4:],  # DuckDB alone reads this one as if it were intact
        lambda data: data[:-12] + b"\xff\xff\xff\x7f" + data[-8:],  # footer length
        lambda data: data[:-4] + b"JUNK",
    ],
    ids=["leading-magic", "footer-length", "trailing-magic"],
)
def test_a_parquet_file_with_a_corrupted_header_is_quarantined(opspulse_home, tmp_path, damage):
    cfg = opspulse_home
    intact = tmp_path / "intact.parquet"
    pq.write_table(_products(["Mug", "Lamp"]), intact)
    path = land(cfg, "products", "products.parquet", damage(intact.read_bytes()))

    summary = Loader("run-pq", settings=cfg).run(until=DAY)

    assert [f.file.name for f in summary.quarantined] == ["products.parquet"]
    assert not path.exists()
    entry = reason(cfg, "products")[0]
    assert entry["file"] == str(path)
    assert "products.parquet" in entry["error"]
    assert rows(cfg, "select count(*) from raw.products") == [(0,)]


@pytest.mark.parametrize("link", ["source", "day", "file"])
def test_a_symlink_out_of_the_landing_folder_is_never_read_nor_moved(opspulse_home, tmp_path, link):
    from opspulse.quality.ingest_checks import ingest_findings

    cfg = opspulse_home
    outside = tmp_path / "elsewhere"
    (outside / DAY.isoformat()).mkdir(parents=True)
    victim = outside / DAY.isoformat() / "orders.csv"
    victim.write_text("not,a,contract\n1,2,3\n")  # would be quarantined if it were read
    good = land(cfg, "orders", "good.csv", csv_text(orders(2)), day=date(2026, 11, 1))
    if link == "source":
        good.parent.parent.rename(tmp_path / "moved")  # the source folder becomes the link
        (cfg.landing_dir / "orders").symlink_to(outside, target_is_directory=True)
        linked = cfg.landing_dir / "orders"
    elif link == "day":
        linked = cfg.landing_dir / "orders" / DAY.isoformat()
        linked.symlink_to(outside / DAY.isoformat(), target_is_directory=True)
    else:
        (cfg.landing_dir / "orders" / DAY.isoformat()).mkdir()
        linked = cfg.landing_dir / "orders" / DAY.isoformat() / "orders.csv"
        linked.symlink_to(victim)
    before = sorted(p.relative_to(tmp_path) for p in outside.rglob("*"))

    summary = Loader("run-link", settings=cfg).run(until=DAY)

    assert sorted(p.relative_to(tmp_path) for p in outside.rglob("*")) == before
    assert victim.read_text() == "not,a,contract\n1,2,3\n"
    assert summary.quarantined == []
    assert [f.file for f in summary.refused] == [linked]
    assert not (cfg.quarantine_dir / "orders").exists()
    assert rows(cfg, "select file, status from ops.ingest_log where status = 'refused'") == [
        (str(linked), "refused")
    ]
    (finding,) = [
        f
        for f in ingest_findings(cfg.build_db, run_id="run-link", settings=cfg)
        if f.expectation == "expect_no_paths_outside_landing"
    ]
    assert finding.is_critical_failure and str(linked) in finding.observed
    assert str(outside) in finding.observed
    # refused again on the next run, until the link is gone
    again = Loader("run-link-2", settings=cfg).run(until=DAY)
    assert [f.file for f in again.refused] == [linked]
