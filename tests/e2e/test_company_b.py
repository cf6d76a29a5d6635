"""A second company, not the demo, set up and run the way a new user would.

Nordhav (``company_b/``) delivers only the six commerce sources, in Oslo time and in NOK,
with its own categories and payment methods, reviews of whole orders, days without reviews,
a parcel delivered some 200 days late, no targets, and two years of history starting in
2024. It is set up with ``opspulse init`` and run with ``opspulse run`` through Airflow, with
every gate on. Its roles publish and email; the other roles are reported inactive; its
headline KPIs equal a plain-Python computation from its landing files.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from opspulse import settings
from opspulse.quickstart import free_port

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent / "company_b"
START, END = date(2024, 11, 1), date(2026, 10, 30)
ACTIVE = {"product", "process", "ecommerce", "sales", "users", "data"}


@dataclass
class Company:
    cfg: settings.Settings
    run: subprocess.CompletedProcess
    mail: list[email.message.EmailMessage]


def _opspulse(args: list[str], env: dict[str, str], timeout: int = 1500):
    return subprocess.run(
        [sys.executable, "-m", "opspulse.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> Company:
    from company_b.generate import write_landing

    from opspulse.airflow_env import smtp_connection_uri
    from opspulse.reports.sink import start_sink

    home = tmp_path_factory.mktemp("company_b") / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPSPULSE_", "AIRFLOW"))}
    env["OPSPULSE_HOME"] = str(home)
    write_landing(home / "landing", START, END)
    port = free_port()
    env[f"AIRFLOW_CONN_{'opspulse_smtp'.upper()}"] = smtp_connection_uri(port=port)
    init = _opspulse(
        [
            "init",
            "--name",
            "Nordhav",
            "--timezone",
            "Europe/Oslo",
            "--currency",
            "NOK",
            "--locale",
            "nb_NO",
            "--start-date",
            START.isoformat(),
        ],
        env,
        timeout=300,
    )
    assert init.returncode == 0, init.stdout[-3000:] + init.stderr[-3000:]
    # what a company does after init: its own recipients and its sources' cadences
    shutil.copy(HERE / "recipients.toml", home / "config" / "recipients.toml")
    shutil.copy(HERE / "company.toml", home / "config" / "company.toml")

    cfg = settings.load({"OPSPULSE_HOME": str(home)})
    sink = start_sink(cfg.outbox_dir, "127.0.0.1", port)
    try:
        run = _opspulse(["run", "--ds", END.isoformat()], env)
    finally:
        sink.stop()
    mail = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted(cfg.outbox_dir.glob("*.eml"))
    ]
    return Company(cfg=cfg, run=run, mail=mail)


def _role_of(message) -> str:
    from opspulse.reports.roles import ROLES

    subject = str(message["Subject"])
    return next(name for name, role in ROLES.items() if f" {role.title} · " in subject)


def test_the_company_runs_through_airflow_with_every_gate_on(company):
    assert company.run.returncode == 0, company.run.stdout[-6000:] + company.run.stderr[-3000:]
    from opspulse.warehouse.publish import published_ds

    assert published_ds(company.cfg) == END


def test_its_roles_are_emailed_once_and_no_other(company):
    assert sorted(_role_of(m) for m in company.mail) == sorted(ACTIVE)


def test_the_other_roles_are_reported_inactive_with_the_reason(company):
    con = duckdb.connect(str(company.cfg.marts_db), read_only=True)
    try:
        roles = dict(
            con.execute(
                "select role_name, reason from marts.rpt_data__roles where report_date = ? "
                "and not is_active",
                [END],
            ).fetchall()
        )
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    finally:
        con.close()
    assert set(roles) == {
        "supply_chain",
        "website",
        "social",
        "livestream",
        "content",
        "marketing",
        "privacy",
        "finance",
    }
    assert roles["website"] == "needs web_sessions, not delivered"
    assert not {"rpt_website__daily", "rpt_finance__daily", "rpt_risk__daily"} & tables
    data_mail = next(m for m in company.mail if _role_of(m) == "data")
    text = data_mail.get_body(("plain",)).get_content()
    assert "needs web_sessions, not delivered" in text


def test_amounts_are_in_the_companys_currency(company):
    ecommerce = next(m for m in company.mail if _role_of(m) == "ecommerce")
    text = ecommerce.get_body(("plain",)).get_content()
    assert "kr" in text
    assert "$" not in text
    assert "of target" not in text  # the company has no targets


def test_headline_kpis_equal_a_plain_python_computation(company):
    from company_b.oracle import headline

    con = duckdb.connect(str(company.cfg.marts_db), read_only=True)
    mismatches = []
    try:
        for day in (END - timedelta(days=n) for n in range(0, 60, 3)):
            expected = headline(company.cfg.landing_dir, day, "Europe/Oslo", as_of=END)
            for role, kpis in expected.items():
                cursor = con.execute(
                    f'select * from marts."rpt_{role}__daily" where report_date = ?', [day]
                )
                row = cursor.fetchone()
                assert row is not None, f"rpt_{role}__daily has no row for {day}"
                values = dict(zip([d[0] for d in cursor.description], row, strict=True))
                for kpi, want in kpis.items():
                    got = values[kpi]
                    if want is None or got is None or isinstance(want, str):
                        ok = want == got
                    else:
                        ok = abs(float(got) - float(want)) <= 1e-6 * max(1.0, abs(float(want)))
                    if not ok:
                        mismatches.append((day, role, kpi, want, got))
    finally:
        con.close()
    assert not mismatches, mismatches[:20]


def test_freshness_is_measured_against_the_run_day_and_daily_sources(company):
    """2026-10-30 run in December 2026, products last changed weeks before: every daily
    source delivered the day, so the worst lag is 0 hours (not the wall clock's, not the
    on-change products')."""
    con = duckdb.connect(str(company.cfg.marts_db), read_only=True)
    try:
        lag = con.execute(
            "select max_freshness_lag_hours from marts.rpt_data__daily where report_date = ?",
            [END],
        ).fetchone()[0]
    finally:
        con.close()
    assert lag == 0
