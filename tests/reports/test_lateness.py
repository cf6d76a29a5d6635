"""Stakeholders are told when their report is late: the deadline, the callback Airflow's
triggerer runs, ``opspulse notify-late``, on a real SMTP sink, with deadlines seconds away."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from opspulse import lateness, settings
from opspulse.reports.ledger import SendLedger
from opspulse.reports.mailer import NoticesNotSent

from .conftest import SMTP_CONN_ID, smtp_connection_json

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config"
TZ = "Europe/Berlin"
ACTIVE = ["process", "ecommerce", "data", "sales", "users"]
"""The roles of a company delivering customers, orders and order items."""

COMPANY_TOML = f"""
[company]
name = "Late Bakery"
timezone = "{TZ}"
start_date = "2026-01-01"

[sources]
customers = "daily"
orders = "daily"
order_items = "daily"
"""


@pytest.fixture
def company(home, sink, monkeypatch):
    """A home whose company gets five roles, its reports sent through the sink."""
    config = home / "config"
    config.mkdir(parents=True)
    (config / "company.toml").write_text(COMPANY_TOML)
    shutil.copy(REPO_CONFIG / "recipients.toml", config / "recipients.toml")
    monkeypatch.setenv(f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}", smtp_connection_json(sink.port))
    monkeypatch.setenv("OPSPULSE_SMTP_CONN_ID", SMTP_CONN_ID)
    return home


def deadline_in(seconds: float, monkeypatch) -> tuple[date, datetime]:
    """Set the report deadline ``seconds`` from now; the day it is the deadline of."""
    due = (datetime.now(UTC) + timedelta(seconds=seconds)).astimezone(ZoneInfo(TZ))
    due = due.replace(microsecond=0) + timedelta(seconds=1)
    monkeypatch.setenv("OPSPULSE_REPORT_DEADLINE", due.strftime("%H:%M:%S"))
    return due.date() - timedelta(days=1), due


def wait_until(moment: datetime) -> None:
    time.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()) + 0.2)


def kinds(sink) -> list[tuple[str, str]]:
    return sorted((m["X-Opspulse-Role"], m["X-Opspulse-Kind"]) for m in sink.messages())


def publish_marker(cfg, ds: date) -> None:
    """A published file whose publication is as of ``ds`` (what ``publish`` writes last)."""
    cfg.marts_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(cfg.marts_db))
    con.execute("create schema meta")
    con.execute(
        "create table meta.publication as select ?::date as ds, ?::date as run_ds, "
        "'r' as run_id, now()::timestamp as published_at",
        [ds, ds],
    )
    con.close()


def test_the_deadline_is_the_morning_after_the_day_in_the_companys_timezone(company):
    cfg = settings.load()
    due = lateness.deadline_of(date(2026, 10, 24), cfg)
    assert due == datetime(2026, 10, 25, 7, 0, tzinfo=ZoneInfo(TZ))
    assert due.utcoffset() == timedelta(hours=1)  # the night the clocks went back


def test_nobody_is_told_before_the_deadline_and_every_role_once_after_it(
    company, sink, monkeypatch
):
    ds, due = deadline_in(2, monkeypatch)
    early = lateness.notify_late(ds)
    assert early.action == "not_due"
    assert sink.messages() == []

    wait_until(due)
    late = lateness.notify_late(ds)
    assert late.action == "notified"
    assert sorted(late.sent) == sorted(ACTIVE)
    assert kinds(sink) == sorted((role, "delayed") for role in ACTIVE)
    assert all("is delayed" in m["Subject"] for m in sink.messages())

    again = lateness.notify_late(ds)
    assert (again.sent, sorted(again.skipped)) == ((), sorted(ACTIVE))
    assert len(sink.messages()) == len(ACTIVE)


def test_the_deadline_callback_waits_for_the_deadline_then_tells_each_role(
    company, sink, monkeypatch
):
    """What Airflow's triggerer runs when the DAG's deadline alert fires (here: early, as
    it would on a night the clocks change)."""
    ds, due = deadline_in(2, monkeypatch)
    start = datetime.combine(ds, datetime.min.time(), ZoneInfo(TZ)).astimezone(UTC)
    context = {"dag_run": {"dag_run_id": "scheduled__x", "data_interval_start": start.isoformat()}}
    outcome = json.loads(asyncio.run(lateness.deadline_missed(context=context)))
    assert datetime.now(UTC) >= due
    assert outcome["action"] == "notified"
    assert sorted(outcome["sent"]) == sorted(ACTIVE)
    assert len(sink.messages()) == len(ACTIVE)


def test_a_withheld_day_is_told_at_once_and_its_report_then_follows(company, sink, monkeypatch):
    ds, _ = deadline_in(3600, monkeypatch)
    told = lateness.tell_stakeholders(ds, "withheld")
    assert told.action == "notified" and sorted(told.sent) == sorted(ACTIVE)
    cfg = settings.load()
    with SendLedger.open(cfg.build_db) as ledger:
        assert ledger.plan_report(ds, "ecommerce", "content").kind == "report"
        assert ledger.plan_delayed(ds, "ecommerce").action == "skip"


def test_a_day_whose_deadline_is_more_than_a_day_old_is_not_told_late(company, sink):
    """The deadline alert of a run created for an old day (airflow backfill create) fires at
    once: nobody is waiting for that report any more."""
    outcome = lateness.notify_late(date(2026, 11, 2), now=datetime(2026, 11, 4, 9, tzinfo=UTC))
    assert outcome.action == "stale"
    on_time = lateness.notify_late(date(2026, 11, 2), now=datetime(2026, 11, 3, 9, tzinfo=UTC))
    assert on_time.action == "notified"
    assert len(sink.messages()) == len(ACTIVE)


def test_a_history_day_tells_nobody(company, sink, monkeypatch):
    ds, due = deadline_in(0, monkeypatch)
    wait_until(due)
    publish_marker(settings.load(), ds + timedelta(days=3))
    for reason in ("withheld", "late"):
        outcome = lateness.tell_stakeholders(ds, reason)
        assert outcome.action == "history_day", outcome
    assert sink.messages() == []


def test_a_notice_that_cannot_be_sent_reaches_the_data_team_and_fails(company, sink, monkeypatch):
    from opspulse.quickstart import free_port

    dead = "opspulse_dead_smtp"
    monkeypatch.setenv(f"AIRFLOW_CONN_{dead.upper()}", smtp_connection_json(free_port()))
    monkeypatch.setenv("OPSPULSE_SMTP_CONN_ID", dead)
    monkeypatch.setenv("OPSPULSE_ALERT_CONN_ID", SMTP_CONN_ID)
    monkeypatch.setenv("OPSPULSE_SMTP_ATTEMPTS", "1")
    ds, _ = deadline_in(3600, monkeypatch)
    with pytest.raises(NoticesNotSent, match="delayed notice"):
        lateness.tell_stakeholders(ds, "withheld")
    (alert,) = sink.messages()
    assert "data-team@example.com" in str(alert["To"])
    assert alert["X-Opspulse-Kind"] == "failure"
    assert "tell_stakeholders" in str(alert["Subject"])


def test_a_notice_waits_while_a_nightly_task_holds_the_build_database(company, sink, monkeypatch):
    ds, _ = deadline_in(3600, monkeypatch)
    cfg = settings.load()
    with SendLedger.open(cfg.build_db):
        pass  # the ledger's tables exist, as after any night
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('held', flush=True); time.sleep(3)",
            str(cfg.build_db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        told = lateness.tell_stakeholders(ds, "withheld")
    finally:
        holder.wait(timeout=30)
    assert sorted(told.sent) == sorted(ACTIVE)


def test_the_deadline_alert_is_left_out_only_where_airflow_dags_test_parses_the_dag():
    assert lateness.parsed_by_dags_test(["airflow", "dags", "test", "opspulse_nightly", "x"])
    for argv in (["airflow", "scheduler"], ["airflow", "dag-processor"], ["pytest"]):
        assert not lateness.parsed_by_dags_test(argv)
