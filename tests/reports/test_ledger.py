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


OLD_LEDGER_DDL = """
create schema ops;
create sequence ops.send_ledger_id;
create table ops.send_ledger (
    ledger_id bigint primary key default nextval('ops.send_ledger_id'),
    ds date not null, role varchar not null,
    kind varchar not null check (kind in ('report', 'restatement', 'alert')),
    content_hash varchar not null, message_id varchar not null, recipients varchar[] not null,
    status varchar not null check (status in ('sending', 'sent', 'failed')),
    attempt integer not null, created_at timestamp not null, sent_at timestamp,
    error varchar, subject varchar, sent_values varchar
);
alter table ops.send_ledger add column delivered_to varchar[];
insert into ops.send_ledger (ds, role, kind, content_hash, message_id, recipients, status,
    attempt, created_at, subject, sent_values, delivered_to)
values ('2026-11-26', 'ecommerce', 'report', 'h0', '<old@example.com>', ['a@example.com'],
    'sent', 1, '2026-11-27 06:00:00', 'old', '{}', ['a@example.com']);
"""


def test_an_older_ledger_is_migrated_to_take_delayed_notices_keeping_its_rows(build_db):
    import duckdb

    con = duckdb.connect(str(build_db))
    con.execute(OLD_LEDGER_DDL)
    con.close()
    with SendLedger.open(build_db) as ledger:
        (old,) = ledger.entries()
        assert (old.message_id, old.status, old.delivered_to) == (
            "<old@example.com>",
            "sent",
            ("a@example.com",),
        )
        plan = ledger.plan_delayed(DAY, "ecommerce")
        ledger.record_sent(_record(ledger, plan, "delayed"))
        assert [e.kind for e in ledger.entries()] == ["report", "delayed"]
        assert ledger.entries()[1].ledger_id > old.ledger_id
    with SendLedger.open(build_db) as ledger:  # a second open finds nothing to migrate
        assert len(ledger.entries()) == 2


def test_a_ledger_still_refuses_an_unknown_kind(ledger):
    import duckdb

    plan = ledger.plan_delayed(DAY, "ecommerce")
    with pytest.raises(duckdb.ConstraintException):
        ledger.record_sending(
            ds=DAY,
            role="ecommerce",
            plan=type(plan)("send", "bogus"),
            content_hash="x",
            message_id="<x@example.com>",
            recipients=["a@example.com"],
            subject="s",
            sent_values={},
        )


def test_one_delayed_notice_per_day_and_role_ever(ledger):
    plan = ledger.plan_delayed(DAY, "ecommerce")
    assert (plan.action, plan.kind) == ("send", "delayed")
    ledger.record_sent(_record(ledger, plan, "delayed"))
    assert ledger.plan_delayed(DAY, "ecommerce").action == "skip"
    assert ledger.plan_delayed(DAY, "users").action == "send"
    assert ledger.plan_delayed(DAY + dt.timedelta(days=1), "ecommerce").action == "send"


def test_an_unfinished_delayed_notice_is_resent_with_the_same_message_id(ledger):
    ledger.record_failed(_record(ledger, ledger.plan_delayed(DAY, "ecommerce"), "d"), "421 busy")
    plan = ledger.plan_delayed(DAY, "ecommerce")
    assert (plan.action, plan.kind, plan.attempt, plan.message_id) == (
        "send",
        "delayed",
        2,
        "<m1@example.com>",
    )


def test_no_delayed_notice_once_the_report_went_out(ledger):
    ledger.record_sent(_record(ledger, ledger.plan_report(DAY, "ecommerce", "h1"), "h1"))
    assert ledger.plan_delayed(DAY, "ecommerce").action == "skip"


def test_the_report_follows_a_delayed_notice(ledger):
    ledger.record_sent(_record(ledger, ledger.plan_delayed(DAY, "ecommerce"), "delayed"))
    plan = ledger.plan_report(DAY, "ecommerce", "h1")
    assert (plan.action, plan.kind, plan.previous) == ("send", "report", None)
