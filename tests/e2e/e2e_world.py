"""The end-to-end world, shared by every e2e module (through the ``world`` fixture): one small demo world and the real nightly DAG
run through `airflow dags test` night after night, with real SMTP on 127.0.0.1.

1. five consecutive clean nights, ``DAY - 4`` .. ``DAY`` (the first loads the whole history;
   each publishes its day and emails every role once);
2. ``DAY`` again (nothing reloaded, identical marts, no second email);
3. ``DAY + 1`` with a defect planted in its orders file (null customer ids): the raw gate
   fails, nothing new is published, the data team is alerted and each role is told its
   report is delayed;
4. ``DAY + 1`` again once the file is fixed (``late``): published, each role's report follows;
5. ``NIGHTS[2]`` again (``backfill``, a history day): the publication stays as of ``DAY + 1``,
   the marts equal the ones before, and no email goes out (nothing changed).

So after the session fixture, the published marts hold ``DAY + 1``. The runs are
``world.runs["night1"]`` .. ``["night5"]`` (``night5`` is ``DAY``), ``["rerun"]``,
``["defect"]``, ``["late"]`` and ``["backfill"]``.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from opspulse import settings
from opspulse.airflow_env import airflow_env, airflow_executable
from opspulse.nightly import DUCKDB_POOL
from opspulse.quickstart import free_port

START, DAY = date(2026, 10, 20), date(2026, 11, 12)
NEXT_DAY = DAY + timedelta(days=1)
NIGHTS = tuple(DAY - timedelta(days=n) for n in range(4, -1, -1))
"""The five consecutive clean nights, oldest first."""


@dataclass
class Run:
    code: int
    log: str
    new_mail: list[Path]
    marts_fingerprint: str | None
    published_ds: date | None
    day: date | None = None
    """The day the run processed."""


@dataclass
class World:
    cfg: settings.Settings
    runs: dict[str, Run] = field(default_factory=dict)
    day: date = NEXT_DAY
    """The newest day published (by the ``late`` run): what the published marts are as of."""


PIPELINE_RECORDS = "table_name like 'rpt_data\\_\\_%' escape '\\'"
"""The data role's marts: they report the pipeline's own runs, which a re-run adds to."""


def _stable(value):
    """A double to 12 significant digits: DuckDB sums doubles in parallel, so the last bit of
    a sum can differ between two builds of the same data."""
    return float(f"{value:.12g}") if isinstance(value, float) else value


def marts_fingerprint(cfg) -> str | None:
    """A hash of every published business table's content (publication metadata and the
    data role's records of the runs themselves aside)."""
    if not cfg.marts_db.exists():
        return None
    con = duckdb.connect(str(cfg.marts_db), read_only=True)
    try:
        digest = hashlib.sha256()
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            f"where schema_name <> 'meta' and not ({PIPELINE_RECORDS}) order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            where = "where role <> 'data'" if table == "kpi_history" else ""
            query = f'select * from {schema}."{table}" {where} order by all'
            rows = [tuple(map(_stable, row)) for row in con.execute(query).fetchall()]
            digest.update(f"{schema}.{table}:{rows!r}".encode())
        return digest.hexdigest()
    finally:
        con.close()


def published_ds(cfg) -> date | None:
    from opspulse.warehouse.publish import published_ds as read

    return read(cfg)


def orders_file(cfg, day: date) -> Path:
    return cfg.landing_dir / "orders" / day.isoformat() / "orders.csv"


def plant_null_customer_ids(cfg, day: date, rows_to_break: int = 3) -> None:
    path = orders_file(cfg, day)
    with path.open(newline="") as fh:
        table = list(csv.reader(fh))
    column = table[0].index("customer_id")
    for row in table[1 : 1 + rows_to_break]:
        row[column] = ""
    with path.open("w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(table)


def build_world(tmp_path_factory) -> World:
    from opspulse.demo import generate
    from opspulse.reports.sink import start_sink

    home = tmp_path_factory.mktemp("e2e") / "home"
    mp = pytest.MonkeyPatch()
    mp.setenv("OPSPULSE_HOME", str(home))
    cfg = settings.load()
    generate(START, NEXT_DAY, cfg.landing_dir, scale=0.05, seed=7)
    good_orders = orders_file(cfg, NEXT_DAY).read_bytes()
    plant_null_customer_ids(cfg, NEXT_DAY)

    port = free_port()
    env = airflow_env(cfg, smtp_port=port)
    cfg.airflow_home.mkdir(parents=True)
    for args in (["db", "migrate"], ["pools", "set", DUCKDB_POOL, "1", "duckdb"]):
        done = subprocess.run(
            [airflow_executable(), *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    sink = start_sink(cfg.outbox_dir, "127.0.0.1", port)
    result = World(cfg=cfg)
    try:
        nights = [(f"night{n}", day) for n, day in enumerate(NIGHTS, start=1)]
        runs = (
            *nights,
            ("rerun", DAY),
            ("defect", NEXT_DAY),
            ("late", NEXT_DAY),
            ("backfill", NIGHTS[2]),
        )
        for name, day in runs:
            if name == "late":  # the data team fixed the file
                orders_file(cfg, NEXT_DAY).write_bytes(good_orders)
            before = set(cfg.outbox_dir.glob("*.eml"))
            logical = (day + timedelta(days=1)).isoformat()
            done = subprocess.run(
                [airflow_executable(), "dags", "test", "opspulse_nightly", logical],
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            log_file = home / f"airflow-{name}.log"
            log_file.write_text(done.stdout + done.stderr)
            if cfg.marts_db.exists():  # each run's publication, for a failing test to diff
                shutil.copyfile(cfg.marts_db, home / f"marts-after-{name}.duckdb")
            result.runs[name] = Run(
                code=done.returncode,
                log=done.stdout + done.stderr,
                new_mail=sorted(set(cfg.outbox_dir.glob("*.eml")) - before),
                marts_fingerprint=marts_fingerprint(cfg),
                published_ds=published_ds(cfg),
                day=day,
            )
    finally:
        sink.stop()
        mp.undo()
    return result
