import datetime as dt

import pytest

from opspulse.reports.ledger import SendLedger

DAY = dt.date(2026, 11, 27)


@pytest.fixture
def ledger(build_db):
    with SendLedger.open(build_db) as ledger:
        yield ledger


def _record(ledger, plan, content_hash, message_id="<m1@example.com>"):
    return ledger.record_sending(
        ds=DAY,
        role="ecommerce",
        plan=plan,
        content_hash=content_hash,
        message_id=plan.message_id or message_id,
        recipients=["a@example.com"],
        subject="s",
        sent_values={"net_sales": {"label": "Net sales", "value": "$1.00"}},
    )


def test_first_send_is_a_report(ledger):
    plan = ledger.plan_report(DAY, "ecommerce", "h1")
    assert (plan.action, plan.kind, plan.attempt, plan.message_id) == ("send", "report", 1, None)


def test_same_numbers_after_a_send_are_skipped(ledger):
    ledger.record_sent(_record(ledger, ledger.plan_report(DAY, "ecommerce", "h1"), "h1"))
    plan = ledger.plan_report(DAY, "ecommerce", "h1")
    assert plan.action == "skip"
    assert plan.previous.message_id == "<m1@example.com>"
    assert ledger.plan_report(DAY, "users", "h1").action == "send"
    assert ledger.plan_report(DAY + dt.timedelta(days=1), "ecommerce", "h1").action == "send"


def test_changed_numbers_after_a_send_are_a_restatement(ledger):
    ledger.record_sent(_record(ledger, ledger.plan_report(DAY, "ecommerce", "h1"), "h1"))
    plan = ledger.plan_report(DAY, "ecommerce", "h2")
    assert (plan.action, plan.kind, plan.message_id) == ("send", "restatement", None)
    assert plan.previous.sent_values["net_sales"]["value"] == "$1.00"


def test_a_stale_sending_row_is_resent_with_the_same_message_id(ledger):
    _record(ledger, ledger.plan_report(DAY, "ecommerce", "h1"), "h1")  # then the process died
    plan = ledger.plan_report(DAY, "ecommerce", "h1")
    assert (plan.action, plan.kind, plan.attempt) == ("send", "report", 2)
    assert plan.message_id == "<m1@example.com>"
    ledger.record_sent(_record(ledger, plan, "h1"))
    rows = ledger.entries(DAY, "ecommerce")
    assert [(r.attempt, r.status) for r in rows] == [(1, "failed"), (2, "sent")]
    assert "interrupted" in rows[0].error and "same Message-ID" in rows[0].error
    assert {r.message_id for r in rows} == {"<m1@example.com>"}


def test_a_failed_send_is_retried_with_the_same_message_id(ledger):
    ledger.record_failed(
        _record(ledger, ledger.plan_report(DAY, "ecommerce", "h1"), "h1"), "SMTP down"
    )
    plan = ledger.plan_report(DAY, "ecommerce", "h1")
    assert (plan.action, plan.attempt, plan.message_id) == ("send", 2, "<m1@example.com>")
    assert plan.interrupted is None


def test_a_stale_sending_row_with_old_numbers_is_superseded(ledger):
    _record(ledger, ledger.plan_report(DAY, "ecommerce", "h1"), "h1")
    plan = ledger.plan_report(DAY, "ecommerce", "h2")
    assert (plan.kind, plan.message_id, plan.attempt) == ("report", None, 1)
    ledger.record_sent(_record(ledger, plan, "h2", message_id="<m2@example.com>"))
    first = ledger.entries(DAY, "ecommerce")[0]
    assert first.status == "failed" and "superseded" in first.error


def test_alerts_are_sent_once_per_set_of_failures(ledger):
    plan = ledger.plan_alert(DAY, "f1")
    assert (plan.action, plan.kind) == ("send", "alert")
    ledger_id = ledger.record_sending(
        ds=DAY,
        role="data_team",
        plan=plan,
        content_hash="f1",
        message_id="<a1@example.com>",
        recipients=["d@example.com"],
        subject="s",
        sent_values={},
    )
    ledger.record_sent(ledger_id)
    assert ledger.plan_alert(DAY, "f1").action == "skip"
    assert ledger.plan_alert(DAY, "f2").action == "send"
    assert ledger.plan_report(DAY, "data_team", "f1").action == "send"  # alerts are not reports


def test_the_ledger_survives_reopening(build_db):
    with SendLedger.open(build_db) as ledger:
        ledger.record_sent(_record(ledger, ledger.plan_report(DAY, "ecommerce", "h1"), "h1"))
    with SendLedger.open(build_db) as ledger:
        (row,) = ledger.entries()
        assert row.status == "sent" and row.sent_at is not None
        assert row.recipients == ("a@example.com",)
