"""The report deadline through Airflow's own parts: the DAG processor parses the nightly DAG
(with its deadline alert), the scheduler creates the day's run and, when the run is not done
at the deadline, marks the deadline missed; the triggerer runs the callback, which emails
each role's recipients that the report is late. The deadline is seconds away; the run cannot
finish because the DuckDB pool has no slot (as when a night runs long).
"""

from __future__ import annotations

import email
import email.policy
import shutil
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from opspulse import settings
from opspulse.airflow_env import airflow_env, airflow_executable
from opspulse.nightly import DUCKDB_POOL
from opspulse.quickstart import free_port

pytestmark = pytest.mark.e2e

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config"
ROLES = ["data", "ecommerce", "process", "sales", "users"]
COMPANY_TOML = """
[company]
name = "Deadline Deli"
timezone = "America/Sao_Paulo"
start_date = "2026-01-01"

[sources]
customers = "daily"
orders = "daily"
order_items = "daily"
"""
SECONDS_AWAY = 45
"""Enough for the DAG processor to parse the DAG and the scheduler to create the run."""


def _airflow(env, *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [airflow_executable(), *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_a_run_not_done_at_the_deadline_tells_each_role_through_the_triggerer(
    tmp_path, monkeypatch
):
    from opspulse.reports.sink import start_sink

    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "company.toml").write_text(COMPANY_TOML)
    shutil.copy(REPO_CONFIG / "recipients.toml", home / "config" / "recipients.toml")
    monkeypatch.setenv("OPSPULSE_HOME", str(home))
    cfg = settings.load()
    from zoneinfo import ZoneInfo

    local = ZoneInfo(cfg.timezone)
    due = (datetime.now(UTC) + timedelta(seconds=SECONDS_AWAY)).astimezone(local)
    due = due.replace(microsecond=0)
    if due.date() != (due - timedelta(seconds=SECONDS_AWAY * 3)).date():
        pytest.skip("too close to the company's midnight for a deadline seconds away")
    port = free_port()
    env = airflow_env(cfg, smtp_port=port)
    env.update(
        {
            "OPSPULSE_REPORT_DEADLINE": due.strftime("%H:%M:%S"),
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "1",
        }
    )
    cfg.airflow_home.mkdir(parents=True)
    _airflow(env, "db", "migrate")
    _airflow(env, "pools", "set", DUCKDB_POOL, "0", "no slot: the night cannot finish")

    sink = start_sink(cfg.outbox_dir, "127.0.0.1", port)
    logs = tmp_path / "logs"
    logs.mkdir()
    procs = []
    try:
        for part in ("dag-processor", "scheduler", "triggerer"):
            out = (logs / f"{part}.log").open("w")
            procs.append(
                subprocess.Popen(
                    [airflow_executable(), part], env=env, stdout=out, stderr=subprocess.STDOUT
                )
            )
        db = cfg.airflow_home / "airflow.db"
        give_up = time.monotonic() + 180
        while time.monotonic() < give_up:
            time.sleep(2)
            try:
                with sqlite3.connect(db) as con:
                    parsed = con.execute(
                        "select count(*) from dag where dag_id = 'opspulse_nightly'"
                    ).fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if parsed:
                break
        _airflow(env, "dags", "unpause", "opspulse_nightly")

        give_up = time.monotonic() + SECONDS_AWAY + 150
        messages = []
        while time.monotonic() < give_up and len(messages) < len(ROLES):
            time.sleep(2)
            files = sorted(cfg.outbox_dir.glob("*.eml")) if cfg.outbox_dir.exists() else []
            messages = [
                email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files
            ]
        with sqlite3.connect(db) as con:
            deadlines = con.execute(
                "select d.deadline_time, d.missed, r.run_type from deadline d "
                "join dag_run r on r.id = d.dagrun_id"
            ).fetchall()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        sink.stop()

    tail = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(logs.glob("*.log")))
    assert deadlines, f"no deadline was created for the day's run\n{tail}"
    (deadline_time, missed, run_type) = deadlines[0]
    assert run_type == "scheduled"
    stored = datetime.fromisoformat(str(deadline_time)).replace(tzinfo=UTC)
    assert stored == due.astimezone(UTC), "the deadline is the company-local report deadline"
    assert missed
    assert sorted(m["X-Opspulse-Role"] for m in messages) == ROLES, tail
    day = due.date() - timedelta(days=1)
    for message in messages:
        assert message["X-Opspulse-Kind"] == "delayed"
        assert message["X-Opspulse-Date"] == day.isoformat()
        assert str(message["Subject"]).endswith("is delayed")
    assert datetime.now(UTC) >= due
