"""The email step end to end: published marts -> ledger -> SMTP (Airflow connection) -> sink."""

import logging

import duckdb
import pytest

from opspulse.reports import mailer
from opspulse.reports.delivery import DeliveryError
from opspulse.reports.formatting import format_value
from opspulse.reports.ledger import SendLedger
from opspulse.reports.mailer import ReportsNotSent, send_alert, send_reports
from opspulse.reports.recipients import RecipientsError
from opspulse.reports.roles import ROLES
from opspulse.settings import SettingsError

from .conftest import DS, SMTP_CONN_ID, free_port, open_marts, smtp_connection_json
from .test_render import FAILURES
from .tile_lines import parse_number, parse_tile_lines

RECIPIENTS = {
    "ecommerce": ["ecommerce-ops@example.com", "head-of-ecommerce@example.com"],
    "users": ["user-ops@example.com"],
}


@pytest.fixture
def send(marts_db, build_db, recipients_file, smtp_conn, home):
    def send(**kwargs):
        kwargs.setdefault("roles", list(RECIPIENTS))  # the roles the fixture marts cover
        return send_reports(
            DS,
            marts_db=marts_db,
            build_db=build_db,
            conn_id=smtp_conn,
            recipients_file=recipients_file,
            **kwargs,
        )

    return send


def by_role(messages):
    out = {}
    for m in messages:
        out.setdefault(m["X-Opspulse-Role"], []).append(m)
    return out


def plain_text(msg):
    return msg.get_body(("plain",)).get_content().replace("\r\n", "\n")


def mart_row(marts_db, role):
    con = duckdb.connect(str(marts_db), read_only=True)
    try:
        cur = con.execute(f"select * from marts.{ROLES[role].mart} where report_date = ?", [DS])
        return dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    finally:
        con.close()


def ledger_rows(build_db, role=None):
    with SendLedger.open(build_db) as ledger:
        return ledger.entries(role=role)


def expected_number(value, kind):
    """The mart value as the reader should see it, computed here without the formatter."""
    if value is None:
        return None
    if kind == "pct":
        return round(float(value) * 100, 1)
    if kind in ("money", "decimal"):
        return round(float(value), 2)
    return float(value)


def test_each_role_gets_a_multipart_email_with_the_mart_numbers(send, sink, marts_db):
    summary = send()
    assert summary.sent == ["ecommerce", "users"] and not summary.failed
    messages = by_role(sink.messages())
    assert set(messages) == {"ecommerce", "users"}
    for role, (msg,) in messages.items():
        assert msg.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
        assert [a.strip() for a in msg["To"].split(",")] == RECIPIENTS[role]
        assert msg["From"] == "opspulse reports <reports@example.com>"
        assert msg["X-Opspulse-Date"] == DS
        text = plain_text(msg)
        lines = parse_tile_lines(text)
        row = mart_row(marts_db, role)
        assert list(lines) == [t.label for t in ROLES[role].tiles]
        for tile in ROLES[role].tiles:
            line = lines[tile.label]
            got = parse_number(line.value)
            assert got == pytest.approx(expected_number(row[tile.column], tile.kind), abs=1e-9)
            prev = row[tile.prev_day_column]
            if prev is None:
                assert line.vs_day == "n/a"
            else:
                now, prev = float(row[tile.column]), float(prev)
                change = (now - prev) * 100 if tile.kind == "pct" else (now - prev) / prev * 100
                assert parse_number(line.vs_day.replace(" pp", "")) == pytest.approx(
                    round(change, 1), abs=0.051
                )
            attainment = row.get(tile.attainment_column)
            if attainment is not None:
                assert parse_number(line.attainment) == round(attainment * 100)
        assert msg["Subject"].endswith(
            f"{ROLES[role].tiles[0].label} "
            f"{format_value(row[ROLES[role].tiles[0].column], ROLES[role].tiles[0].kind)}"
        )


def test_bodies_carry_no_addresses(send, sink):
    send()
    for msg in sink.messages():
        for part in msg.iter_parts():
            assert "@" not in part.get_content()


def test_html_copies_are_written_for_people_without_email(send, home):
    send()
    for role in ("ecommerce", "users"):
        html = (home / "reports" / DS / f"{role}.html").read_text()
        assert "$12,345.67" in html if role == "ecommerce" else "2,135" in html


def test_rerun_does_not_resend(send, sink, build_db):
    send()
    assert len(sink.files()) == 2
    summary = send()
    assert summary.skipped == ["ecommerce", "users"] and not summary.sent
    assert len(sink.files()) == 2
    assert [r.status for r in ledger_rows(build_db)] == ["sent", "sent"]


def test_changed_numbers_go_out_as_a_marked_restatement(send, sink, marts_db, build_db):
    send()
    con = open_marts(marts_db)
    con.execute("update rpt_ecommerce__daily set net_sales = 13000 where report_date = ?", [DS])
    con.close()
    summary = send()
    assert summary.restated == ["ecommerce"] and summary.skipped == ["users"]
    first, restated = by_role(sink.messages())["ecommerce"]
    assert restated["Subject"].startswith("RESTATED: [opspulse] E-commerce")
    assert restated["Message-ID"] != first["Message-ID"]
    text = plain_text(restated)
    assert "Net sales: was $12,345.67, now $13,000.00" in text
    assert parse_tile_lines(text)["Net sales"].value == "$13,000.00"
    rows = ledger_rows(build_db, "ecommerce")
    assert [(r.kind, r.status) for r in rows] == [("report", "sent"), ("restatement", "sent")]
    assert send().skipped == ["ecommerce", "users"]
    assert len(sink.files()) == 3


def test_a_history_day_sends_only_restatements_of_reports_already_sent(
    send, sink, marts_db, build_db
):
    """A backfill of an old day: no first report (no flood of old emails); a report already
    sent whose numbers changed goes out as a restatement."""
    summary = send(history=True)
    assert summary.skipped == ["ecommerce", "users"] and not summary.sent
    assert sink.files() == [] and ledger_rows(build_db) == []

    send(roles=["ecommerce"])  # the day's own night sent ecommerce's report
    con = open_marts(marts_db)
    con.execute("update rpt_ecommerce__daily set net_sales = 13000 where report_date = ?", [DS])
    con.close()
    summary = send(history=True)
    assert summary.restated == ["ecommerce"] and summary.skipped == ["users"]
    kinds = [(m["X-Opspulse-Role"], m["X-Opspulse-Kind"]) for m in sink.messages()]
    assert sorted(kinds) == [("ecommerce", "report"), ("ecommerce", "restatement")]
    assert send(history=True).skipped == ["ecommerce", "users"]


def test_a_role_that_is_not_restated_goes_out_once_a_day(send, sink, marts_db, monkeypatch):
    import dataclasses

    once = {**ROLES, "ecommerce": dataclasses.replace(ROLES["ecommerce"], restates=False)}
    monkeypatch.setattr(mailer, "get_role", once.__getitem__)
    send()
    con = open_marts(marts_db)
    con.execute("update rpt_ecommerce__daily set net_sales = 13000 where report_date = ?", [DS])
    con.close()
    summary = send()
    assert summary.skipped == ["ecommerce", "users"] and not summary.restated
    assert len(by_role(sink.messages())["ecommerce"]) == 1


class Killed(BaseException):
    """Stands for the process being killed: nothing in the sender catches it."""


def test_a_send_interrupted_by_a_crash_is_resent_with_the_same_message_id(
    send, sink, build_db, monkeypatch
):
    real_send = mailer.send_message

    def delivered_then_killed(message, **kwargs):
        real_send(message, **kwargs)
        raise Killed

    monkeypatch.setattr(mailer, "send_message", delivered_then_killed)
    with pytest.raises(Killed):
        send(roles=["ecommerce"])
    assert [r.status for r in ledger_rows(build_db)] == ["sending"]
    monkeypatch.setattr(mailer, "send_message", real_send)

    summary = send(roles=["ecommerce"])
    assert summary.sent == ["ecommerce"]
    first, second = sink.messages()
    assert first["Message-ID"].strip() == second["Message-ID"].strip()
    rows = ledger_rows(build_db)
    assert [(r.attempt, r.status) for r in rows] == [(1, "failed"), (2, "sent")]
    assert "interrupted" in rows[0].error


def test_smtp_down_fails_clearly_and_a_retry_sends_with_the_same_message_id(
    send, sink, build_db, monkeypatch
):
    dead_port = free_port()
    monkeypatch.setenv(f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}", smtp_connection_json(dead_port))
    with pytest.raises(
        ReportsNotSent, match=r"2 of 2 report\(s\) for 2026-11-27 not sent \(ecommerce, users\)"
    ) as caught:
        send()
    assert caught.value.summary.failed == ["ecommerce", "users"]
    assert f"127.0.0.1:{dead_port}" in str(caught.value)
    assert caught.value.retryable  # a temporary failure: Airflow's task retries may cure it
    rows = ledger_rows(build_db)
    assert {r.status for r in rows} == {"failed"}
    assert all(f"127.0.0.1:{dead_port}" in r.error for r in rows)
    # three tries for the first role; the server is then known down: one try for the next
    assert [(r.role, r.attempt) for r in rows] == [
        ("ecommerce", 1),
        ("ecommerce", 2),
        ("ecommerce", 3),
        ("users", 1),
    ]
    assert sink.files() == []

    monkeypatch.setenv(f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}", smtp_connection_json(sink.port))
    assert send().sent == ["ecommerce", "users"]
    rows = ledger_rows(build_db)
    assert [(r.role, r.attempt, r.status) for r in rows[4:]] == [
        ("ecommerce", 4, "sent"),
        ("users", 2, "sent"),
    ]
    assert {m["Message-ID"].strip() for m in sink.messages()} == {r.message_id for r in rows[:4]}


def test_one_role_failing_does_not_stop_the_others(send, sink, monkeypatch):
    real_send = mailer.send_message

    def refuse_ecommerce(message, **kwargs):
        if message["X-Opspulse-Role"] == "ecommerce":
            raise DeliveryError("SMTP connection 'x' (127.0.0.1:1): mailbox unavailable")
        return real_send(message, **kwargs)

    monkeypatch.setattr(mailer, "send_message", refuse_ecommerce)
    with pytest.raises(ReportsNotSent, match=r"\(ecommerce\).*mailbox unavailable") as caught:
        send()
    assert caught.value.summary.sent == ["users"]
    assert list(by_role(sink.messages())) == ["users"]


def test_the_smtp_password_is_never_in_errors_or_logs(send, sink, build_db, monkeypatch, caplog):
    secret = "s3cr3t-Passw0rd"
    monkeypatch.setenv(
        f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}",
        smtp_connection_json(sink.port, login="reports", password=secret),
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ReportsNotSent) as caught:  # the sink offers no AUTH
        send()
    assert secret not in str(caught.value)
    assert secret not in caplog.text
    assert all(secret not in (r.error or "") for r in ledger_rows(build_db))


def test_missing_connection_is_named(send, monkeypatch):
    monkeypatch.delenv(f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}")
    with pytest.raises(ReportsNotSent, match=f"'{SMTP_CONN_ID}' is not defined"):
        send()


def test_missing_day_fails_each_role_with_a_clear_error(
    marts_db, build_db, recipients_file, smtp_conn, sink, home
):
    with pytest.raises(ReportsNotSent) as caught:
        send_reports(
            "2026-12-01",
            marts_db=marts_db,
            build_db=build_db,
            conn_id=smtp_conn,
            recipients_file=recipients_file,
            roles=list(RECIPIENTS),
        )
    message = str(caught.value)
    assert "no row for report_date 2026-12-01 in marts.rpt_ecommerce__daily" in message
    assert "no row for report_date 2026-12-01 in marts.rpt_users__daily" in message
    assert sink.files() == []


def test_role_without_recipients_stops_before_sending(send, sink, recipients_file):
    text = recipients_file.read_text().replace('to = ["user-ops@example.com"]', "to = []")
    recipients_file.write_text(text)
    with pytest.raises(RecipientsError, match=rf"{recipients_file}.*users"):
        send()
    assert sink.files() == []


def test_alert_reaches_the_data_team_once(build_db, recipients_file, smtp_conn, sink, home):
    def alert(failures):
        return send_alert(
            DS,
            "3 of 120 critical checks failed",
            failures,
            build_db=build_db,
            conn_id=smtp_conn,
            recipients_file=recipients_file,
            airflow_run="opspulse_nightly / manual__2026-11-28",
        )

    assert alert(FAILURES).outcome == "sent"
    (msg,) = sink.messages()
    assert msg["To"] == "data-team@example.com"
    assert msg["Subject"] == (
        "[opspulse] ALERT: Reports withheld for Fri 27 Nov 2026: 3 critical checks failed"
    )
    text = plain_text(msg)
    for check in FAILURES:
        assert f"suite: {check['suite']}" in text and check["expectation"] in text
    assert alert(list(reversed(FAILURES))).outcome == "skipped"
    assert len(sink.files()) == 1
    assert alert(FAILURES[:1]).outcome == "sent"
    assert len(sink.files()) == 2
    assert (home / "reports" / DS / "alert.html").exists()


COMPANY_TOML = """
[company]
name = "Kaufhaus"
currency = "EUR"
locale = "de_DE"

[sources]
customers = "daily"
orders = "daily"
order_items = "daily"
products = "on_change"
payments = "daily"
reviews = "daily"
support_tickets = "absent"
"""


def test_emails_are_written_in_the_company_currency_and_locale(send, sink, tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "company.toml").write_text(COMPANY_TOML)
    monkeypatch.setenv("OPSPULSE_CONFIG_DIR", str(config))
    send()
    (msg,) = by_role(sink.messages())["ecommerce"]
    assert msg["Subject"].endswith("Net sales 12.345,67 €")
    text = plain_text(msg)
    assert "Net sales: 12.345,67\u00a0€ (" in text and "$" not in text
    assert "12.345,67\u00a0€" in msg.get_body(("html",)).get_content()


def test_an_unknown_currency_sends_nothing(send, sink, monkeypatch):
    monkeypatch.setenv("OPSPULSE_CURRENCY", "EURO")
    with pytest.raises(SettingsError, match="OPSPULSE_CURRENCY"):
        send()
    assert sink.files() == []
