"""The send ledger: ``ops.send_ledger`` in the build database makes sending idempotent.

One row per delivery attempt of one message (a ``message_id``; ``attempt`` counts from 1).
A row is written as ``sending`` and committed *before* the SMTP conversation starts, then
turned into ``sent`` or ``failed``. So after any crash the ledger says what may have gone out.

Reports, per ``(ds, role)``:

- the latest attempt is ``sending`` (the process died mid-send) or ``failed``, with the
  numbers unchanged: send again **with the same Message-ID** (attempt + 1), so a receiver
  that already got it can drop the duplicate; a stale ``sending`` row becomes ``failed``
  ("interrupted"). The resend goes only to the addresses no attempt of that Message-ID was
  confirmed for (``delivered_to``): a recipient refused at RCPT (550) is retried, the
  others of the role are not mailed twice.
- a ``sent`` report or restatement with the same content hash exists: skip.
- a ``sent`` one exists with another content hash: send a restatement, marked as such,
  explaining what changed against the last sent numbers (``sent_values``).
- nothing sent yet: send the report.

What the ledger promises, per address of a role:

- **confirmed deliveries are never repeated**: an address in a ``sent`` or ``failed`` row's
  ``delivered_to`` (the server answered 250 to RCPT and to the end of DATA) is not mailed
  that message again.
- **an unknown outcome is resent, with the same Message-ID** (at least once): a row left
  ``sending`` by a killed process, or ``failed`` with "outcome unknown" because the
  connection dropped after DATA and before the server's answer, has no ``delivered_to``; a
  re-run sends it again to those addresses. Not resending would lose a report silently when
  the server had not accepted it; a duplicate with the same Message-ID is the smaller harm,
  and a mail store can drop it. Within one run such a message is not retried (the caller
  fails the task so a person hears of it), only a temporary SMTP answer is.

Alerts (``role = 'data_team'``): one per ``(ds, content hash of the failures)``, with the same
skip / resend-with-same-Message-ID rules.

Delayed notices (kind ``delayed``): at most one per ``(ds, role)``, ever, whatever the reason
(the gate withheld the day, or it was not published by the report deadline): once one is
``sent`` a re-run or a second trigger sends none, and none is sent for a role whose report
or restatement of that day was already sent. An unfinished one is resent with the same
Message-ID, as above. A delayed notice does not count as a report: the real report follows
when the day publishes.

The ledger lives in the build database, not in the published one (read-only for all but the
publisher). :class:`SendLedger` keeps one connection for a whole send run: DuckDB lets one
process open the file, so a ``sending`` row found at the start of a run cannot belong to a
send still in progress elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb

from opspulse.warehouse.connection import connect

MessageKind = Literal["report", "restatement", "alert", "delayed"]
KINDS: tuple[str, ...] = ("report", "restatement", "alert", "delayed")
Status = Literal["sending", "sent", "failed"]
ALERT_ROLE = "data_team"

_TABLE = """
create table if not exists ops.{table} (
    ledger_id bigint primary key default nextval('ops.send_ledger_id'),
    ds date not null,
    role varchar not null,
    kind varchar not null check (kind in ({kinds})),
    content_hash varchar not null,
    message_id varchar not null,
    recipients varchar[] not null,
    status varchar not null check (status in ('sending', 'sent', 'failed')),
    attempt integer not null,
    created_at timestamp not null,
    sent_at timestamp,
    error varchar,
    subject varchar,
    sent_values varchar,
    delivered_to varchar[]
);
"""

_DDL = (
    "create schema if not exists ops;\n"
    "create sequence if not exists ops.send_ledger_id;\n"
    + _TABLE.format(table="send_ledger", kinds=", ".join(f"'{k}'" for k in KINDS))
    + "alter table ops.send_ledger add column if not exists delivered_to varchar[];\n"
)

_COLUMNS = (
    "ledger_id, ds, role, kind, content_hash, message_id, recipients, status, attempt, "
    "created_at, sent_at, error, subject, sent_values, delivered_to"
)


def utc_now() -> dt.datetime:
    """Naive UTC, as stored in the ledger's ``timestamp`` columns."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class LedgerEntry:
    ledger_id: int
    ds: dt.date
    role: str
    kind: MessageKind
    content_hash: str
    message_id: str
    recipients: tuple[str, ...]
    status: Status
    attempt: int
    created_at: dt.datetime
    sent_at: dt.datetime | None
    error: str | None
    subject: str | None
    sent_values: dict[str, dict[str, str]]
    delivered_to: tuple[str, ...] | None
    """Addresses the server confirmed this attempt for; None when unknown (or not recorded)."""

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> LedgerEntry:
        values = dict(zip([c.strip() for c in _COLUMNS.split(",")], row, strict=True))
        values["recipients"] = tuple(values["recipients"] or ())
        values["sent_values"] = json.loads(values["sent_values"]) if values["sent_values"] else {}
        if values["delivered_to"] is not None:
            values["delivered_to"] = tuple(values["delivered_to"])
        return cls(**values)


@dataclass(frozen=True)
class SendPlan:
    """What to do for one message, decided from the ledger."""

    action: Literal["send", "skip"]
    kind: MessageKind
    attempt: int = 1
    message_id: str | None = None
    """The Message-ID to reuse (a resend), or None for a new message."""
    previous: LedgerEntry | None = None
    """The last sent message of this (ds, role): what a skip matched, what a restatement replaces."""
    interrupted: LedgerEntry | None = None
    """A ``sending`` row left by a process that died; it becomes ``failed`` on resend."""
    delivered: frozenset[str] = frozenset()
    """Addresses an earlier attempt of this Message-ID was confirmed for: not mailed again."""


class SendLedger:
    """``ops.send_ledger`` over one open connection to the build database."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.con.execute(_DDL)
        _migrate_kind_check(con)

    @classmethod
    @contextmanager
    def open(cls, build_db: Path | str) -> Iterator[SendLedger]:
        with connect(Path(build_db)) as con:
            yield cls(con)

    def entries(self, ds: dt.date | None = None, role: str | None = None) -> list[LedgerEntry]:
        """Ledger rows, oldest first, optionally for one day and one role."""
        where, params = [], []
        if ds is not None:
            where.append("ds = ?")
            params.append(ds)
        if role is not None:
            where.append("role = ?")
            params.append(role)
        clause = f"where {' and '.join(where)}" if where else ""
        rows = self.con.execute(
            f"select {_COLUMNS} from ops.send_ledger {clause} order by ledger_id", params
        ).fetchall()
        return [LedgerEntry.from_row(r) for r in rows]

    def plan_report(self, ds: dt.date, role: str, content_hash: str) -> SendPlan:
        rows = [e for e in self.entries(ds, role) if e.kind in ("report", "restatement")]
        last_sent = next((e for e in reversed(rows) if e.status == "sent"), None)
        latest = rows[-1] if rows else None
        if latest is not None and latest.status != "sent" and latest.content_hash == content_hash:
            return _resend(rows, last_sent)
        if last_sent is not None and last_sent.content_hash == content_hash:
            return SendPlan("skip", last_sent.kind, previous=last_sent)
        stale = latest if latest is not None and latest.status == "sending" else None
        kind: MessageKind = "restatement" if last_sent is not None else "report"
        return SendPlan("send", kind, previous=last_sent, interrupted=stale)

    def plan_alert(self, ds: dt.date, content_hash: str) -> SendPlan:
        rows = [
            e
            for e in self.entries(ds, ALERT_ROLE)
            if e.kind == "alert" and e.content_hash == content_hash
        ]
        if not rows:
            return SendPlan("send", "alert")
        latest = rows[-1]
        if any(e.status == "sent" for e in rows):
            return SendPlan("skip", "alert", previous=latest)
        return _resend(rows, None)

    def plan_delayed(self, ds: dt.date, role: str) -> SendPlan:
        """At most one delayed notice per (ds, role), and none once the day's report went out."""
        rows = self.entries(ds, role)
        report = next(
            (
                e
                for e in reversed(rows)
                if e.kind in ("report", "restatement") and e.status == "sent"
            ),
            None,
        )
        if report is not None:
            return SendPlan("skip", report.kind, previous=report)
        notices = [e for e in rows if e.kind == "delayed"]
        if not notices:
            return SendPlan("send", "delayed")
        sent = next((e for e in notices if e.status == "sent"), None)
        if sent is not None:
            return SendPlan("skip", "delayed", previous=sent)
        return _resend(notices, None)

    def record_sending(
        self,
        *,
        ds: dt.date,
        role: str,
        plan: SendPlan,
        content_hash: str,
        message_id: str,
        recipients: Sequence[str],
        subject: str,
        sent_values: dict[str, dict[str, str]],
    ) -> int:
        """Write the ``sending`` row (committed before any SMTP traffic); return its id."""
        self.con.execute("begin transaction")
        try:
            if plan.interrupted is not None:
                note = "interrupted: the process stopped before the outcome was recorded" + (
                    f"; resent as attempt {plan.attempt} with the same Message-ID"
                    if plan.interrupted.message_id == message_id
                    else "; superseded by a message with the current numbers"
                )
                self.con.execute(
                    "update ops.send_ledger set status = 'failed', error = ? "
                    "where ledger_id = ? and status = 'sending'",
                    [note, plan.interrupted.ledger_id],
                )
            (ledger_id,) = self.con.execute(
                "insert into ops.send_ledger (ds, role, kind, content_hash, message_id, "
                "recipients, status, attempt, created_at, subject, sent_values) "
                "values (?, ?, ?, ?, ?, ?, 'sending', ?, ?, ?, ?) returning ledger_id",
                [
                    ds,
                    role,
                    plan.kind,
                    content_hash,
                    message_id,
                    list(recipients),
                    plan.attempt,
                    utc_now(),
                    subject,
                    json.dumps(sent_values, ensure_ascii=False),
                ],
            ).fetchone()
            self.con.execute("commit")
        except BaseException:
            self.con.execute("rollback")
            raise
        return int(ledger_id)

    def record_sent(
        self, ledger_id: int, *, delivered_to: Sequence[str] | None = None, note: str | None = None
    ) -> None:
        """``delivered_to``: the addresses the server confirmed the message for."""
        self.con.execute(
            "update ops.send_ledger set status = 'sent', sent_at = ?, error = ?, "
            "delivered_to = ? where ledger_id = ?",
            [utc_now(), note, None if delivered_to is None else list(delivered_to), ledger_id],
        )

    def record_failed(
        self, ledger_id: int, error: str, *, delivered_to: Sequence[str] | None = ()
    ) -> None:
        """``delivered_to``: the addresses the server confirmed despite the failure (a
        partial refusal at RCPT); None when the outcome is unknown."""
        self.con.execute(
            "update ops.send_ledger set status = 'failed', error = ?, delivered_to = ? "
            "where ledger_id = ?",
            [error, None if delivered_to is None else list(delivered_to), ledger_id],
        )


def _migrate_kind_check(con: duckdb.DuckDBPyConnection) -> None:
    """Widen an older ledger's ``kind`` CHECK to :data:`KINDS`, keeping every row.

    DuckDB cannot alter a CHECK constraint: the table is rebuilt in one transaction (a new
    table, the rows copied, the old one dropped, the new one renamed), so a failure midway
    leaves the old ledger as it was."""
    checks = [
        text
        for (text,) in con.execute(
            "select constraint_text from duckdb_constraints() where schema_name = 'ops' "
            "and table_name = 'send_ledger' and constraint_type = 'CHECK'"
        ).fetchall()
    ]
    kind_checks = [c for c in checks if "kind" in c]
    if not kind_checks or all(f"'{k}'" in c for c in kind_checks for k in KINDS):
        return
    con.execute("begin transaction")
    try:
        con.execute("drop table if exists ops.send_ledger_migrating")
        con.execute(
            _TABLE.format(table="send_ledger_migrating", kinds=", ".join(f"'{k}'" for k in KINDS))
        )
        con.execute(
            f"insert into ops.send_ledger_migrating ({_COLUMNS}) "
            f"select {_COLUMNS} from ops.send_ledger"
        )
        con.execute("drop table ops.send_ledger")
        con.execute("alter table ops.send_ledger_migrating rename to send_ledger")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _resend(rows: Sequence[LedgerEntry], last_sent: LedgerEntry | None) -> SendPlan:
    latest = rows[-1]
    delivered = frozenset(
        address
        for e in rows
        if e.message_id == latest.message_id and e.status != "sending"
        for address in e.delivered_to or ()
    )
    return SendPlan(
        "send",
        latest.kind,
        attempt=latest.attempt + 1,
        message_id=latest.message_id,
        previous=last_sent,
        interrupted=latest if latest.status == "sending" else None,
        delivered=delivered,
    )
