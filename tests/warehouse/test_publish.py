"""Write-audit-publish: readers keep working, a failed publish leaves the last good version."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date

import duckdb
import pytest

from opspulse.warehouse import publish as publish_mod
from opspulse.warehouse.publish import publish, published_ds


def build_marts(cfg, net_sales: float) -> None:
    cfg.build_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(cfg.build_db))
    con.execute("create schema if not exists marts")
    con.execute("create schema if not exists staging")
    con.execute(
        "create or replace table marts.rpt_ecommerce__daily as "
        "select date '2026-11-01' as report_date, ?::double as net_sales",
        [net_sales],
    )
    con.execute("create or replace table staging.not_published as select 1 as x")
    con.close()


def read_published(cfg) -> float:
    con = duckdb.connect(str(cfg.marts_db), read_only=True)
    try:
        return con.execute("select net_sales from marts.rpt_ecommerce__daily").fetchone()[0]
    finally:
        con.close()


def test_publish_copies_only_the_marts_schema(opspulse_home):
    cfg = opspulse_home
    build_marts(cfg, 100.0)

    result = publish(date(2026, 11, 1), "run-1", settings=cfg)

    assert result.tables == {"marts.rpt_ecommerce__daily": 1, "marts.kpi_history": 1}
    assert read_published(cfg) == 100.0
    assert published_ds(cfg) == date(2026, 11, 1)
    assert not cfg.marts_db.with_name("marts.duckdb.next").exists()


def test_a_reader_in_another_process_keeps_reading_while_we_publish(opspulse_home):
    cfg = opspulse_home
    build_marts(cfg, 100.0)
    publish(date(2026, 11, 1), "run-1", settings=cfg)
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys
            con = duckdb.connect({str(cfg.marts_db)!r}, read_only=True)
            print(con.execute("select net_sales from marts.rpt_ecommerce__daily").fetchone()[0],
                  flush=True)
            sys.stdin.readline()
            print(con.execute("select net_sales from marts.rpt_ecommerce__daily").fetchone()[0],
                  flush=True)
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout.readline().strip() == "100.0"

    build_marts(cfg, 250.0)  # the next run builds while the reader holds the file open
    publish(date(2026, 11, 2), "run-2", settings=cfg)
    out, _ = reader.communicate("go\n", timeout=30)

    assert out.strip() == "100.0"  # the open reader still sees its version, without errors
    assert read_published(cfg) == 250.0  # a new reader sees the new version


def test_a_publish_that_dies_midway_leaves_the_last_good_version(opspulse_home, monkeypatch):
    cfg = opspulse_home
    build_marts(cfg, 100.0)
    publish(date(2026, 11, 1), "run-1", settings=cfg)
    build_marts(cfg, 999.0)

    def killed(*_args, **_kwargs):
        raise KeyboardInterrupt("killed before the swap")

    monkeypatch.setattr(publish_mod.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        publish(date(2026, 11, 2), "run-2", settings=cfg)
    monkeypatch.undo()

    assert read_published(cfg) == 100.0
    assert published_ds(cfg) == date(2026, 11, 1)
    # the next publish cleans up the half-written file and succeeds
    publish(date(2026, 11, 2), "run-3", settings=cfg)
    assert read_published(cfg) == 999.0


def test_a_process_killed_while_writing_next_leaves_the_last_good_version(opspulse_home):
    cfg = opspulse_home
    build_marts(cfg, 100.0)
    publish(date(2026, 11, 1), "run-1", settings=cfg)
    build_marts(cfg, 999.0)
    code = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent("""
            import os
            from datetime import date
            from opspulse.warehouse import publish as p
            p.os.replace = lambda *a: os._exit(9)  # die hard at the last moment
            p.publish(date(2026, 11, 2), "run-2")
        """),
        ],
        env={**__import__("os").environ, "OPSPULSE_HOME": str(cfg.home)},
    ).returncode

    assert code == 9
    assert cfg.marts_db.with_name("marts.duckdb.next").exists()
    assert read_published(cfg) == 100.0


def test_publish_refuses_an_empty_build(opspulse_home):
    cfg = opspulse_home
    cfg.build_db.parent.mkdir(parents=True)
    duckdb.connect(str(cfg.build_db)).close()

    with pytest.raises(RuntimeError, match="nothing to publish"):
        publish(date(2026, 11, 1), "run-1", settings=cfg)
    assert not cfg.marts_db.exists()


def _history(cfg) -> list[tuple]:
    con = duckdb.connect(str(cfg.marts_db), read_only=True)
    try:
        return con.execute(
            "select as_of_date, report_date, role, kpi, dimension, value, run_id "
            "from marts.kpi_history order by all"
        ).fetchall()
    finally:
        con.close()


def test_kpi_history_appends_only_new_or_restated_values(opspulse_home):
    cfg = opspulse_home
    first, second = date(2026, 11, 1), date(2026, 11, 2)
    build_marts(cfg, 100.0)
    publish(first, "run-1", settings=cfg)
    row = (first, first, "ecommerce", "net_sales", "total", 100.0, "run-1")
    assert _history(cfg) == [row]

    publish(first, "rerun", settings=cfg)
    assert _history(cfg) == [row], "a re-run with the same numbers appends nothing"

    build_marts(cfg, 90.0)
    publish(second, "run-2", settings=cfg)
    restated = (second, first, "ecommerce", "net_sales", "total", 90.0, "run-2")
    assert _history(cfg) == [row, restated], "a late correction is kept beside the old value"


HOSTILE_HOMES = ["o'brien's home", "x'; create table pwned(a int); --", 'q"uote %20#*[1]{a}']
"""Home paths with quotes and characters URIs and globs treat specially."""


@pytest.mark.parametrize("name", HOSTILE_HOMES)
def test_a_hostile_home_publishes_and_loads_and_runs_no_sql(tmp_path, monkeypatch, name):
    from opspulse import settings
    from opspulse.sources import contracts
    from opspulse.sources.loader import Loader

    home = tmp_path / name / "home"
    monkeypatch.setenv("OPSPULSE_HOME", str(home))
    cfg = settings.load()
    assert str(cfg.home).endswith(f"{name}/home")
    build_marts(cfg, 100.0)
    publish(date(2026, 11, 1), "run-1", settings=cfg)
    build_marts(cfg, 250.0)
    result = publish(date(2026, 11, 2), "run-2", settings=cfg)  # attaches the previous one

    assert read_published(cfg) == 250.0
    assert published_ds(cfg) == date(2026, 11, 2)
    assert set(result.tables) == {"marts.rpt_ecommerce__daily", "marts.kpi_history"}

    folder = cfg.landing_dir / "payments" / "2026-11-01"
    folder.mkdir(parents=True)
    header = ",".join(contracts.get("payments").column_names)
    (folder / "it's.csv").write_text(f"{header}\np1,o1,charge,card,10.00,2026-11-01 10:00:00\n")
    summary = Loader("run-1", settings=cfg).run(until=date(2026, 11, 1), sources=["payments"])
    assert (summary.rows_loaded, summary.quarantined) == (1, [])

    for db in (cfg.marts_db, cfg.build_db):
        con = duckdb.connect(str(db), read_only=True)
        try:
            tables = {
                t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()
            }
        finally:
            con.close()
        assert "pwned" not in tables, db


@pytest.mark.parametrize("name", ["what?", "back\\slash"])
def test_a_home_duckdb_would_misread_is_refused_naming_it(tmp_path, name):
    from opspulse import settings

    with pytest.raises(settings.SettingsError, match="OPSPULSE_HOME.*DuckDB misreads"):
        settings.load({"OPSPULSE_HOME": str(tmp_path / name)})


def build_days(cfg, values: dict[date, float]) -> None:
    """The daily mart with one row per day: ``{report_date: net_sales}``."""
    cfg.build_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(cfg.build_db))
    try:
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.rpt_ecommerce__daily "
            "(report_date date, net_sales double)"
        )
        con.executemany(
            "insert into marts.rpt_ecommerce__daily values (?, ?)", list(values.items())
        )
    finally:
        con.close()


NOV = {n: date(2026, 11, n) for n in range(1, 8)}


def test_a_history_run_publishes_its_marts_but_the_publication_never_moves_back(
    opspulse_home,
):
    cfg = opspulse_home
    build_days(cfg, {NOV[n]: 100.0 + n for n in range(1, 6)})
    publish(NOV[5], "night-5", settings=cfg)
    assert not publish_mod.is_history_day(NOV[5], settings=cfg)
    assert publish_mod.is_history_day(NOV[2], settings=cfg)
    assert not publish_mod.is_history_day(NOV[6], settings=cfg)

    build_days(cfg, {NOV[n]: 100.0 + n + (50 if n == 2 else 0) for n in range(1, 6)})
    result = publish(NOV[2], "backfill-2", settings=cfg)

    assert result.ds == NOV[5]
    current = publish_mod.publication(cfg)
    assert (current.ds, current.run_ds, current.run_id) == (NOV[5], NOV[2], "backfill-2")
    assert published_ds(cfg) == NOV[5], "backfilling an old day keeps the publication as of 5th"
    con = duckdb.connect(str(cfg.marts_db), read_only=True)
    try:
        restated = con.execute(
            "select net_sales from marts.rpt_ecommerce__daily where report_date = ?", [NOV[2]]
        ).fetchone()[0]
    finally:
        con.close()
    assert restated == 152.0, "the marts hold the re-processed history"

    build_days(cfg, {NOV[n]: 100.0 + n + (50 if n == 2 else 0) for n in range(1, 7)})
    publish(NOV[6], "night-6", settings=cfg)
    current = publish_mod.publication(cfg)
    assert (current.ds, current.run_ds) == (NOV[6], NOV[6]), "a newer day moves it forward"


def test_a_history_run_records_changes_as_of_the_publication_and_never_goes_back(
    opspulse_home,
):
    cfg = opspulse_home
    build_days(cfg, {NOV[n]: 100.0 + n for n in range(1, 6)})
    publish(NOV[5], "night-5", settings=cfg)
    first = _history(cfg)
    assert {(r[0], r[1], r[5]) for r in first} == {(NOV[5], NOV[n], 100.0 + n) for n in range(1, 6)}

    # the backfill of the 2nd sees a correction of the 2nd and, beyond its day, of the 4th
    build_days(cfg, {NOV[n]: 100.0 + n + (50 if n in (2, 4) else 0) for n in range(1, 6)})
    publish(NOV[2], "backfill-2", settings=cfg)
    history = _history(cfg)
    appended = [r for r in history if r not in first]
    assert appended == [(NOV[5], NOV[2], "ecommerce", "net_sales", "total", 152.0, "backfill-2")]

    publish(NOV[2], "backfill-2-again", settings=cfg)
    assert _history(cfg) == history, "re-running the history day appends nothing"

    build_days(cfg, {NOV[n]: 100.0 + n for n in range(1, 6)})
    publish(NOV[1], "backfill-1", settings=cfg)
    assert [r for r in _history(cfg) if r not in history] == [], (
        "a history run of the 1st reads no day after it: the restated 2nd is not undone"
    )


def test_a_publication_without_run_ds_reads_as_unknown_and_is_rewritten(opspulse_home):
    cfg = opspulse_home
    build_days(cfg, {NOV[1]: 101.0, NOV[2]: 102.0})
    publish(NOV[2], "night-2", settings=cfg)
    con = duckdb.connect(str(cfg.marts_db))
    try:
        con.execute("alter table meta.publication drop column run_ds")
    finally:
        con.close()
    old = publish_mod.publication(cfg)
    assert (old.ds, old.run_ds, old.run_id) == (NOV[2], None, "night-2")

    publish(NOV[1], "backfill-1", settings=cfg)
    current = publish_mod.publication(cfg)
    assert (current.ds, current.run_ds) == (NOV[2], NOV[1])
