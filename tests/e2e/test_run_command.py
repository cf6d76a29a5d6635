"""From nothing to the first email with the README's two commands: `opspulse init`, then
`opspulse run --ds D` through Airflow, for a tiny world in a non-UTC timezone in 2018."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date

import duckdb
import pytest

from opspulse.quickstart import free_port

pytestmark = pytest.mark.e2e

START, DAY, END = date(2018, 3, 1), date(2018, 3, 5), date(2018, 3, 10)


@pytest.fixture(scope="module")
def first_day(tmp_path_factory, init_company):
    from opspulse.demo import generate
    from opspulse.reports.sink import start_sink

    home = tmp_path_factory.mktemp("run-e2e") / "home"
    generate(START, END, home / "landing", scale=0.03, seed=7)
    port = free_port()
    env = init_company(home, port, "--timezone", "America/Sao_Paulo", "--currency", "BRL")
    cli = [sys.executable, "-m", "opspulse.cli"]
    sink = start_sink(home / "outbox", "127.0.0.1", port)
    t0 = time.monotonic()
    try:
        run = subprocess.run(
            [*cli, "run", "--ds", DAY.isoformat()],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        sink.stop()
    print(f"opspulse run --ds {DAY}: {time.monotonic() - t0:.0f}s")
    return home, run


def test_the_day_runs_every_task_and_says_so(first_day):
    _, run = first_day
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-3000:]
    for task in ("load_sources", "audit_raw", "build_marts", "audit_marts", "publish_marts"):
        assert f"✓ {task} success" in run.stdout
    assert f"{DAY}  ✓ 6 tasks succeeded" in run.stdout


def test_the_day_processed_is_the_company_day_asked_for(first_day):
    home, _ = first_day
    con = duckdb.connect(str(home / "warehouse" / "build.duckdb"), read_only=True)
    try:
        rows = con.execute("select distinct ds, status from ops.stage_runs").fetchall()
    finally:
        con.close()
    assert rows and {r[0] for r in rows} == {DAY} and {r[1] for r in rows} == {"success"}


def test_the_first_emails_arrive(first_day):
    home, _ = first_day
    assert list((home / "outbox").glob("*.eml"))
