"""The failure notifier: called as Airflow calls an on_failure_callback, against a real sink."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from opspulse.quality.gate import QualityGateFailed
from opspulse.reports.notifier import DataTeamFailureNotifier

from .conftest import SMTP_CONN_ID, free_port, smtp_connection_json

LOG_URL = (
    "http://127.0.0.1:8080/dags/opspulse_nightly/runs/scheduled__2026-11-28T00%3A00%3A00%2B00%3A00"
    "/tasks/send_reports?try_number=3"
)


def failure_context(task_id="send_reports", exception=None):
    """The parts of Airflow's task context the notifier reads."""
    run_id = "scheduled__2026-11-28T00:00:00+00:00"
    ti = SimpleNamespace(
        dag_id="opspulse_nightly", task_id=task_id, run_id=run_id, try_number=3, log_url=LOG_URL
    )
    return {
        "dag": SimpleNamespace(dag_id="opspulse_nightly"),
        "ti": ti,
        "task_instance": ti,
        "run_id": run_id,
        "exception": exception
        or RuntimeError("14 of 14 report(s) for 2026-11-27 not sent: SMTP connection refused"),
    }


def plain_text(msg):
    return msg.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_a_failed_task_emails_the_data_team_with_the_error_and_the_log_link(
    sink, smtp_conn, recipients_file
):
    DataTeamFailureNotifier(conn_id=smtp_conn, recipients_file=str(recipients_file))(
        failure_context()
    )
    (msg,) = sink.messages()
    assert msg["To"] == "data-team@example.com"
    assert msg["Subject"].startswith("[opspulse] FAILED: opspulse_nightly.send_reports (")
    assert "14 of 14 report(s)" in msg["Subject"]
    text = plain_text(msg)
    for line in (
        "DAG: opspulse_nightly",
        "Run: scheduled__2026-11-28T00:00:00+00:00",
        "Task: send_reports",
        "Try: 3",
        f"Log: {LOG_URL}",
        "RuntimeError: 14 of 14 report(s) for 2026-11-27 not sent: SMTP connection refused",
    ):
        assert line in text
    assert f"href='{LOG_URL}'" in msg.get_body(("html",)).get_content().replace("&amp;", "&")


def test_the_alert_goes_through_its_own_connection(sink, recipients_file, monkeypatch):
    monkeypatch.setenv("OPSPULSE_SMTP_CONN_ID", "opspulse_reports_smtp")
    monkeypatch.setenv("AIRFLOW_CONN_OPSPULSE_REPORTS_SMTP", smtp_connection_json(free_port()))
    monkeypatch.setenv("OPSPULSE_ALERT_CONN_ID", "opspulse_alert_smtp")
    monkeypatch.setenv("AIRFLOW_CONN_OPSPULSE_ALERT_SMTP", smtp_connection_json(sink.port))
    DataTeamFailureNotifier(recipients_file=str(recipients_file))(failure_context())
    assert len(sink.messages()) == 1


def test_a_notifier_that_cannot_send_logs_and_never_raises(recipients_file, monkeypatch, caplog):
    monkeypatch.setenv(f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}", smtp_connection_json(free_port()))
    caplog.set_level(logging.ERROR)
    DataTeamFailureNotifier(conn_id=SMTP_CONN_ID, recipients_file=str(recipients_file))(
        failure_context()
    )
    DataTeamFailureNotifier(conn_id=SMTP_CONN_ID, recipients_file="/nonexistent.toml")({})
    assert caplog.text.count("could not email the data team") == 2


@pytest.mark.parametrize(("task_id", "mailed"), [("audit_raw", 0), ("alert_data_team", 1)])
def test_a_quality_gate_failure_is_told_by_alert_data_team_only(
    sink, smtp_conn, recipients_file, task_id, mailed
):
    gate_failure = Exception.__new__(QualityGateFailed)
    DataTeamFailureNotifier(conn_id=smtp_conn, recipients_file=str(recipients_file))(
        failure_context(task_id, gate_failure)
    )
    assert len(sink.messages()) == mailed


def test_addresses_in_an_error_are_masked(sink, smtp_conn, recipients_file):
    error = RuntimeError("recipient(s) refused at RCPT: head@example.com: 550 5.1.1 unknown")
    DataTeamFailureNotifier(conn_id=smtp_conn, recipients_file=str(recipients_file))(
        failure_context(exception=error)
    )
    (msg,) = sink.messages()
    assert "head@example.com" not in plain_text(msg) and "550 5.1.1" in plain_text(msg)
