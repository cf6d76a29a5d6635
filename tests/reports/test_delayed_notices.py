"""The "delayed" notice end to end: ledger -> SMTP (Airflow connection) -> the sink."""

import datetime as dt

import pytest

from opspulse import settings
from opspulse.reports.ledger import SendLedger
from opspulse.reports.mailer import send_delayed_notices, send_reports

from .conftest import DS

RECIPIENTS = {
    "ecommerce": ("ecommerce-ops@example.com", "head-of-ecommerce@example.com"),
    "users": ("user-ops@example.com",),
}


@pytest.fixture
def notify(build_db, recipients_file, smtp_conn, home):
    def notify(reason="withheld", roles=tuple(RECIPIENTS), ds=DS):
        return send_delayed_notices(
            ds,
            reason,
            settings.load(),
            roles=roles,
            build_db=build_db,
            conn_id=smtp_conn,
            recipients_file=recipients_file,
        )

    return notify


def plain_text(msg):
    return msg.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_a_withheld_day_sends_each_role_one_short_notice(notify, sink, build_db):
    summary = notify("withheld")
    assert summary.sent == ["ecommerce", "users"]
    messages = {m["X-Opspulse-Role"]: m for m in sink.messages()}
    assert sorted(messages) == ["ecommerce", "users"]
    for role, msg in messages.items():
        assert msg["X-Opspulse-Kind"] == "delayed"
        assert msg["X-Opspulse-Date"] == DS
        assert tuple(a.addr_spec for a in msg["To"].addresses) == RECIPIENTS[role]
        assert msg["Subject"].endswith("report for Fri 27 Nov 2026 is delayed")
        text = plain_text(msg)
        assert "did not pass its quality checks" in text
        assert "data team has been told" in text
        assert "will follow as soon as the data is published" in text
        assert msg.get_body(("html",)) is not None
    company = settings.load().company_name
    assert messages["ecommerce"]["Subject"].strip() == (
        f"[opspulse] {company} E-commerce report for Fri 27 Nov 2026 is delayed"
    )
    with SendLedger.open(build_db) as ledger:
        rows = ledger.entries()
    assert [(r.role, r.kind, r.status) for r in rows] == [
        ("ecommerce", "delayed", "sent"),
        ("users", "delayed", "sent"),
    ]


def test_a_rerun_or_a_second_trigger_sends_no_second_notice(notify, sink):
    notify("withheld")
    again = notify("late")
    assert (again.sent, again.skipped) == ([], ["ecommerce", "users"])
    assert len(sink.messages()) == 2
    other_day = notify("late", ds=dt.date(2026, 11, 28))
    assert other_day.sent == ["ecommerce", "users"]


def test_a_header_value_with_non_ascii_is_encoded_not_pasted(notify, sink, home, monkeypatch):
    config = home / "config"
    config.mkdir(parents=True)
    (config / "company.toml").write_text('[company]\nname = "Café Zürich\\r\\nBcc: x@evil"\n')
    notify("late", roles=("users",))
    (msg,) = sink.messages()
    assert msg["Subject"].strip() == (
        "[opspulse] Café Zürich Bcc: x@evil User operations report for Fri 27 Nov 2026 is delayed"
    )
    assert msg["Bcc"] is None
    raw = sink.files()[0].read_bytes()
    assert b"Caf\xc3\xa9" not in raw.split(b"\r\n\r\n", 1)[0]  # the header is RFC 2047 encoded


def test_no_notice_to_a_role_whose_report_went_out(notify, sink, marts_db, build_db, smtp_conn):
    recipients_file = build_db.parent / "recipients.toml"
    send_reports(
        DS,
        roles=["ecommerce"],
        marts_db=marts_db,
        build_db=build_db,
        conn_id=smtp_conn,
        recipients_file=recipients_file,
    )
    summary = notify("late")
    assert (summary.sent, summary.skipped) == (["users"], ["ecommerce"])
    kinds = sorted((m["X-Opspulse-Role"], m["X-Opspulse-Kind"]) for m in sink.messages())
    assert kinds == [("ecommerce", "report"), ("users", "delayed")]


def test_the_real_report_follows_a_delayed_notice(notify, sink, marts_db, build_db, smtp_conn):
    notify("withheld")
    summary = send_reports(
        DS,
        roles=list(RECIPIENTS),
        marts_db=marts_db,
        build_db=build_db,
        conn_id=smtp_conn,
        recipients_file=build_db.parent / "recipients.toml",
    )
    assert summary.sent == ["ecommerce", "users"]
    kinds = [(m["X-Opspulse-Role"], m["X-Opspulse-Kind"]) for m in sink.messages()]
    assert sorted(kinds) == [
        ("ecommerce", "delayed"),
        ("ecommerce", "report"),
        ("users", "delayed"),
        ("users", "report"),
    ]
    assert all("RESTATED" not in m["Subject"] for m in sink.messages())
