"""The SMTP drills: real aiosmtpd servers on 127.0.0.1 that answer 451, 554, 550 at RCPT or
drop the connection after DATA, and what the send ledger makes of each."""

from __future__ import annotations

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller

from opspulse.reports.ledger import SendLedger
from opspulse.reports.mailer import ReportsNotSent, send_reports

from .conftest import DS, SMTP_CONN_ID, free_port, smtp_connection_json

ECOMMERCE = ("ecommerce-ops@example.com", "head-of-ecommerce@example.com")
USERS = ("user-ops@example.com",)


class ScriptedServer:
    """An SMTP server whose answers the test writes: ``data`` answers the end of DATA in turn
    (then 250), ``rcpt`` answers RCPT TO for an address, ``drop_after_data`` closes the
    connection once it has the message, before answering."""

    def __init__(self):
        self.data: list[str] = []
        self.rcpt: dict[str, list[str]] = {}
        self.drop_after_data = False
        self.received: list[tuple[tuple[str, ...], email.message.EmailMessage]] = []
        self.data_commands = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answers = self.rcpt.get(address)
        answer = (answers[0] if len(answers) == 1 else answers.pop(0)) if answers else "250"
        if not answer.startswith("250"):
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        if self.data:
            return self.data.pop(0)
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append((tuple(envelope.rcpt_tos), message))
        if self.drop_after_data:
            server.transport.close()
        return "250 Message accepted for delivery"

    def envelopes(self, role: str) -> list[tuple[str, ...]]:
        return [rcpt for rcpt, m in self.received if m["X-Opspulse-Role"] == role]

    def message_ids(self, role: str) -> list[str]:
        return [m["Message-ID"].strip() for _, m in self.received if m["X-Opspulse-Role"] == role]


@pytest.fixture
def server(monkeypatch):
    script = ScriptedServer()
    port = free_port()
    controller = Controller(script, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv(f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}", smtp_connection_json(port))
    try:
        yield script
    finally:
        controller.stop()


@pytest.fixture
def send(marts_db, build_db, recipients_file, server, home):
    recipients_file.write_text(
        recipients_file.read_text().replace(
            'to = ["user-ops@example.com"]', f"to = {list(USERS)!r}".replace("'", '"')
        )
    )

    def send():
        return send_reports(
            DS,
            marts_db=marts_db,
            build_db=build_db,
            conn_id=SMTP_CONN_ID,
            recipients_file=recipients_file,
            roles=["ecommerce", "users"],
        )

    return send


def rows(build_db, role):
    with SendLedger.open(build_db) as ledger:
        return ledger.entries(role=role)


def test_a_451_is_tried_again_within_the_run_and_sent(send, server, build_db):
    server.data = ["451 4.3.0 Temporary local problem, try again later"]
    summary = send()
    assert summary.sent == ["ecommerce", "users"] and not summary.failed
    first, second = rows(build_db, "ecommerce")
    assert (first.attempt, first.status) == (1, "failed") and "451 4.3.0" in first.error
    assert (second.attempt, second.status) == (2, "sent")
    assert first.message_id == second.message_id
    assert server.message_ids("ecommerce") == [first.message_id]  # one copy delivered


def test_a_554_fails_the_role_at_once_and_a_rerun_sends_it(send, server, build_db):
    server.data = ["554 5.7.1 Message rejected as spam"]
    with pytest.raises(ReportsNotSent, match=r"\(ecommerce\).*554 5\.7\.1") as caught:
        send()
    assert not caught.value.retryable  # permanent: the task fails without Airflow retries
    assert caught.value.summary.sent == ["users"]
    (failed,) = rows(build_db, "ecommerce")
    assert failed.status == "failed" and "554 5.7.1 Message rejected as spam" in failed.error
    assert server.data_commands == 2  # once for ecommerce, once for users: no retry

    summary = send()  # the cause is fixed, someone re-runs the task
    assert summary.sent == ["ecommerce"] and summary.skipped == ["users"]
    assert [(r.attempt, r.status) for r in rows(build_db, "ecommerce")] == [
        (1, "failed"),
        (2, "sent"),
    ]
    assert server.message_ids("ecommerce") == [failed.message_id]


def test_a_recipient_refused_at_rcpt_fails_the_role_and_a_rerun_mails_only_it(
    send, server, build_db
):
    refused = ECOMMERCE[1]
    server.rcpt[refused] = ["550 5.1.1 Mailbox unavailable"]
    with pytest.raises(ReportsNotSent, match=r"\(ecommerce\)") as caught:
        send()
    assert not caught.value.retryable
    assert caught.value.summary.sent == ["users"]
    (failed,) = rows(build_db, "ecommerce")
    assert failed.status == "failed"  # never "sent"
    assert f"{refused}: 550 5.1.1 Mailbox unavailable" in failed.error
    assert failed.delivered_to == (ECOMMERCE[0],)
    assert server.envelopes("ecommerce") == [(ECOMMERCE[0],)]

    del server.rcpt[refused]  # the mailbox exists again
    summary = send()
    assert summary.sent == ["ecommerce"] and summary.skipped == ["users"]
    retried = rows(build_db, "ecommerce")[-1]
    assert (retried.attempt, retried.status, retried.delivered_to) == (2, "sent", (refused,))
    assert server.envelopes("ecommerce") == [(ECOMMERCE[0],), (refused,)]
    assert set(server.message_ids("ecommerce")) == {failed.message_id}
    assert len(server.envelopes("users")) == 1  # users was not mailed again

    summary = send()
    assert summary.skipped == ["ecommerce", "users"]
    assert len(server.received) == 3


def test_a_temporary_refusal_at_rcpt_is_tried_again_for_that_address_only(send, server, build_db):
    server.rcpt[ECOMMERCE[1]] = ["450 4.2.1 Mailbox busy", "250 OK"]
    assert send().sent == ["ecommerce", "users"]
    first, second = rows(build_db, "ecommerce")
    assert first.status == "failed" and "450 4.2.1" in first.error
    assert second.status == "sent" and second.delivered_to == (ECOMMERCE[1],)
    assert server.envelopes("ecommerce") == [(ECOMMERCE[0],), (ECOMMERCE[1],)]


def test_a_connection_dropped_after_data_is_an_unknown_outcome_resent_by_a_rerun(
    send, server, build_db
):
    server.drop_after_data = True
    with pytest.raises(ReportsNotSent, match="outcome unknown") as caught:
        send()
    assert not caught.value.retryable  # no blind second copy within the run
    for role in ("ecommerce", "users"):
        (row,) = rows(build_db, role)
        assert row.status == "failed" and "outcome unknown" in row.error
        assert row.delivered_to is None  # nobody is known to have it, nobody known not to
    assert len(server.received) == 2  # the server did get each message once

    server.drop_after_data = False
    summary = send()  # not skipped silently: resent, with the same Message-ID
    assert summary.sent == ["ecommerce", "users"]
    for role, to in (("ecommerce", ECOMMERCE), ("users", USERS)):
        first, second = rows(build_db, role)
        assert (second.attempt, second.status) == (2, "sent")
        assert server.envelopes(role) == [to, to]
        assert server.message_ids(role) == [first.message_id, first.message_id]


def test_smtp_down_for_the_whole_run_fails_every_role(send, build_db, monkeypatch):
    monkeypatch.setenv(f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}", smtp_connection_json(free_port()))
    with pytest.raises(ReportsNotSent, match=r"2 of 2 report\(s\)") as caught:
        send()
    assert caught.value.summary.failed == ["ecommerce", "users"]
    assert caught.value.retryable
    assert all(
        r.status == "failed" for role in ("ecommerce", "users") for r in rows(build_db, role)
    )


def test_a_refused_address_removed_from_the_recipients_is_not_retried(
    send, server, build_db, recipients_file
):
    server.rcpt[ECOMMERCE[1]] = ["550 5.1.1 Mailbox unavailable"]
    with pytest.raises(ReportsNotSent):
        send()
    recipients_file.write_text(recipients_file.read_text().replace(f', "{ECOMMERCE[1]}"', ""))
    summary = send()
    assert not summary.failed and summary.sent == ["ecommerce"]  # it reached everyone listed
    assert len(server.envelopes("ecommerce")) == 1
    assert rows(build_db, "ecommerce")[-1].status == "sent"
    assert send().skipped == ["ecommerce", "users"]
