"""Incremental by day, on a small generated world: the nightly history equals a full refresh,
and a late row changes the day it belongs to.

One module-scoped world: 18 demo days are loaded and built from scratch as of day 16, then
days 17 and 18 arrive one nightly run at a time (``dbt build --vars {ds: ...}``, incremental).
Then a late order for day 16 is delivered in day 16's partition and day 18 is re-run. Then a
copy of the build database is rebuilt with ``--full-refresh`` and every mart is compared, row
for row, with the incremental history.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from opspulse import settings

START, END = date(2026, 10, 1), date(2026, 10, 18)
FIRST_BUILD = END - timedelta(days=2)
LATE_DAY = END - timedelta(days=2)
LATE_ORDER = "O-LATE-0001"
LATE_LINE_PRICE = Decimal("123.45")
LATE_QUANTITY = 2
LATE_DISCOUNT = Decimal("6.90")
BUILD = ["build", "--exclude-resource-type", "unit_test", "test"]


@dataclass
class World:
    cfg: settings.Settings
    before_late: dict[date, Decimal]
    """rpt_ecommerce__daily.net_sales per day before the late order arrived."""
    incremental_db: Path
    full_refresh_db: Path


def _dbt(cfg: settings.Settings, *args: str) -> None:
    from opspulse.warehouse.transform import run_dbt

    run_dbt([*BUILD, *args], settings=cfg, quiet=True)


def _net_sales(path: Path) -> dict[date, Decimal]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select report_date, net_sales from marts.rpt_ecommerce__daily"
        ).fetchall()
    return dict(rows)


def _deliver_late_order(cfg: settings.Settings) -> None:
    """A late order placed on LATE_DAY, appended to that day's already loaded files."""
    orders = cfg.landing_dir / "orders" / LATE_DAY.isoformat() / "orders.csv"
    with orders.open(newline="") as fh:
        header = next(csv.reader(fh))
    placed = f"{LATE_DAY.isoformat()} 12:00:00"
    values = {
        "order_id": LATE_ORDER,
        "customer_id": "C-LATE",
        "ordered_at": placed,
        "status": "placed",
        "sales_channel": "web",
        "discount_amount": str(LATE_DISCOUNT),
        "shipping_cost": "4.90",
        "updated_at": placed,
    }
    with orders.open("a", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow([values.get(c, "") for c in header])
    items = cfg.landing_dir / "order_items" / LATE_DAY.isoformat() / "order_items.ndjson"
    line = {
        "order_item_id": "OI-LATE-0001",
        "order_id": LATE_ORDER,
        "product_id": "P0001",
        "quantity": LATE_QUANTITY,
        "unit_price": str(LATE_LINE_PRICE),
    }
    with items.open("a") as fh:
        fh.write(json.dumps(line) + "\n")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    from opspulse.demo import generate
    from opspulse.sources.loader import Loader

    home = tmp_path_factory.mktemp("incremental") / "home"
    mp = pytest.MonkeyPatch()
    mp.setenv("OPSPULSE_HOME", str(home))
    mp.setenv("OPSPULSE_LOOKBACK_DAYS", "3")
    try:
        cfg = settings.load()
        generate(START, END, cfg.landing_dir, scale=0.03, seed=11)
        Loader("first", cfg).run(until=FIRST_BUILD)
        _dbt(cfg, "--full-refresh", "--vars", json.dumps({"ds": FIRST_BUILD.isoformat()}))
        for day in (FIRST_BUILD + timedelta(days=n) for n in range(1, 3)):
            Loader(f"night-{day}", cfg).run(until=day)
            _dbt(cfg, "--vars", json.dumps({"ds": day.isoformat()}))
        before_late = _net_sales(cfg.build_db)
        _deliver_late_order(cfg)
        Loader("rerun-with-late-row", cfg).run(until=END)
        _dbt(cfg, "--vars", json.dumps({"ds": END.isoformat()}))
        incremental_db = cfg.build_db.with_name("incremental.duckdb")
        shutil.copyfile(cfg.build_db, incremental_db)
        _dbt(cfg, "--full-refresh", "--vars", json.dumps({"ds": END.isoformat()}))
        return World(cfg, before_late, incremental_db, cfg.build_db)
    finally:
        mp.undo()


def _marts(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        out = {}
        for name in names:
            cursor = con.execute(f'select * from marts."{name}" order by all')
            out[name] = ([d[0] for d in cursor.description], cursor.fetchall())
    return out


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def test_incremental_history_equals_a_full_refresh(world: World) -> None:
    incremental, full = _marts(world.incremental_db), _marts(world.full_refresh_db)
    assert incremental.keys() == full.keys()
    assert "rpt_ecommerce__daily" in full and "fct_orders" in full
    differences = []
    for name, (columns, rows) in full.items():
        other_columns, other_rows = incremental[name]
        assert other_columns == columns, name
        if len(rows) != len(other_rows):
            differences.append(f"{name}: {len(other_rows)} rows incremental, {len(rows)} full")
            continue
        for row, other in zip(rows, other_rows, strict=True):
            bad = [c for c, x, y in zip(columns, row, other, strict=True) if not _same(x, y)]
            if bad:
                differences.append(
                    f"{name}: {bad} differ in {dict(zip(columns, other, strict=True))}"
                )
                break
    assert not differences, "\n".join(differences)


def test_a_late_row_changes_the_day_it_belongs_to(world: World) -> None:
    after = _net_sales(world.incremental_db)
    late_net_sales = LATE_QUANTITY * LATE_LINE_PRICE - LATE_DISCOUNT
    assert after[LATE_DAY] - world.before_late[LATE_DAY] == late_net_sales
    unchanged = [d for d in world.before_late if d != LATE_DAY]
    assert unchanged and all(after[d] == world.before_late[d] for d in unchanged)
    with duckdb.connect(str(world.incremental_db), read_only=True) as con:
        ordered = con.execute(
            "select ordered_date, net_sales from marts.fct_orders where order_id = ?",
            [LATE_ORDER],
        ).fetchone()
    assert ordered == (LATE_DAY, late_net_sales)
