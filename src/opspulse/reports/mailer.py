"""Send the morning emails of one day, or the data team's alert: what the Airflow tasks call.

:func:`send_reports` reads each role's numbers from the published database, asks the send
ledger (build database) what to do, renders, sends over SMTP and records the outcome. It
also writes each rendered HTML to ``<OPSPULSE_HOME>/reports/<ds>/<role>.html`` for people
without email. A role that fails to send does not stop the others; the run raises
:class:`ReportsNotSent` at the end naming the failed roles and whether a later retry can help
(``retryable``: every failure was temporary); the ledger makes any re-run send only what is
missing, to the addresses still missing.

:func:`send_alert` sends "Reports withheld for <day>" to the data team when the quality
gate fails, once per day and set of failures.

:func:`send_delayed_notices` tells each active role's recipients that the day's report is
delayed (the gate withheld the day, or it missed the report deadline): one short notice per
day and role, ever, and none to a role whose report already went out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from opspulse import catalogue
from opspulse import settings as opspulse_settings
from opspulse.reports.delivery import (
    DeliveryError,
    build_message,
    envelope_address,
    send_message,
)
from opspulse.reports.formatting import NumberFormat
from opspulse.reports.kpis import as_date, read_kpis
from opspulse.reports.ledger import ALERT_ROLE, SendLedger, SendPlan
from opspulse.reports.recipients import Recipients, load_recipients
from opspulse.reports.render import (
    RenderedEmail,
    render_alert,
    render_delayed,
    render_report,
    restatement_view,
)
from opspulse.reports.roles import ROLES, get_role

log = logging.getLogger(__name__)

Outcome = Literal["sent", "skipped", "restated", "failed"]


@dataclass(frozen=True)
class RoleResult:
    role: str
    outcome: Outcome
    message_id: str | None = None
    subject: str | None = None
    error: str | None = None
    retryable: bool = False
    """A failure a later try may cure (a temporary SMTP error); False for permanent ones."""

    @classmethod
    def failed(cls, role: str, exc: BaseException) -> RoleResult:
        """``role`` was not sent because of ``exc``; retryable when it was a temporary SMTP
        error."""
        temporary = isinstance(exc, DeliveryError) and exc.temporary
        return cls(role, "failed", error=f"{type(exc).__name__}: {exc}", retryable=temporary)


@dataclass(frozen=True)
class SendSummary:
    ds: dt.date
    results: tuple[RoleResult, ...] = field(default=())

    def roles(self, outcome: Outcome) -> list[str]:
        return [r.role for r in self.results if r.outcome == outcome]

    @property
    def sent(self) -> list[str]:
        return self.roles("sent")

    @property
    def skipped(self) -> list[str]:
        return self.roles("skipped")

    @property
    def restated(self) -> list[str]:
        return self.roles("restated")

    @property
    def failed(self) -> list[str]:
        return self.roles("failed")

    def as_dict(self) -> dict[str, Any]:
        """Small and JSON-friendly (fit for XCom): ds and the roles per outcome."""
        return {
            "ds": self.ds.isoformat(),
            **{o: self.roles(o) for o in ("sent", "skipped", "restated", "failed")},
        }


class ReportsNotSent(RuntimeError):
    """At least one role's email could not be sent; the others were attempted."""

    what = "report(s)"

    def __init__(self, summary: SendSummary):
        self.summary = summary
        details = "; ".join(
            f"{r.role}: {r.error}" for r in summary.results if r.outcome == "failed"
        )
        super().__init__(
            f"{len(summary.failed)} of {len(summary.results)} {self.what} for "
            f"{summary.ds.isoformat()} not sent ({', '.join(summary.failed)}): {details}"
        )

    @property
    def retryable(self) -> bool:
        """Every failure was temporary: retrying the task later may send them."""
        return all(r.retryable for r in self.summary.results if r.outcome == "failed")


@dataclass
class Retry:
    """How one send run tries again after a temporary SMTP error."""

    attempts: int = 3
    backoff_seconds: float = 2.0
    server_down: bool = False
    """Set once an email found the server unreachable on every try: later emails try once."""
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def of(cls, cfg: opspulse_settings.Settings) -> Retry:
        return cls(cfg.smtp_attempts, cfg.smtp_backoff_seconds)

    def tries(self) -> int:
        return 1 if self.server_down else self.attempts

    def wait(self, attempt: int) -> None:
        self.sleep(self.backoff_seconds * 2 ** (attempt - 1))


def new_message_id(ds: dt.date, role: str, kind: str, domain: str) -> str:
    """``<20261127.report.ecommerce.9f86d081884c7d65@example.com>``: unique and short enough
    to fit one header line (a folded Message-ID trips some parsers' deduplication)."""
    return f"<{ds:%Y%m%d}.{kind}.{role}.{secrets.token_hex(8)}@{domain or 'opspulse.invalid'}>"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _deliver(
    ledger: SendLedger,
    *,
    ds: dt.date,
    role: str,
    plan: SendPlan,
    rendered: RenderedEmail,
    content_hash: str,
    sent_values: dict[str, dict[str, str]],
    sender: str,
    to: Sequence[str],
    sender_domain: str,
    conn_id: str,
    retry: Retry,
) -> str:
    """Record ``sending``, send, record the outcome, one ledger row per try; return the
    Message-ID. Tries again after a temporary error only, to the addresses still missing.
    Raises the last :class:`DeliveryError` (or any other error) on failure."""
    message_id = plan.message_id or new_message_id(ds, role, plan.kind, sender_domain)
    message = build_message(
        rendered,
        sender=sender,
        to=to,
        message_id=message_id,
        headers={
            "X-Opspulse-Role": role,
            "X-Opspulse-Date": ds.isoformat(),
            "X-Opspulse-Kind": plan.kind,
            "X-Opspulse-Content-Hash": content_hash,
        },
    )
    delivered = set(plan.delivered)
    tries = retry.tries()
    for n in range(1, tries + 1):
        envelope = [a for a in to if envelope_address(a) not in delivered]
        ledger_id = ledger.record_sending(
            ds=ds,
            role=role,
            plan=plan,
            content_hash=content_hash,
            message_id=message_id,
            recipients=to,
            subject=rendered.subject,
            sent_values=sent_values,
        )
        if not envelope:  # the addresses still missing have left the recipients file
            ledger.record_sent(ledger_id, delivered_to=(), note="every recipient had it already")
            return message_id
        try:
            accepted = send_message(message, conn_id=conn_id, envelope_to=envelope)
        except DeliveryError as exc:
            delivered |= set(exc.delivered)
            ledger.record_failed(
                ledger_id, str(exc), delivered_to=None if exc.outcome_unknown else exc.delivered
            )
            if not exc.temporary or n == tries:
                if exc.unreachable and n == tries:
                    retry.server_down = True
                raise
            log.warning("%s %s: try %d of %d failed, trying again: %s", ds, role, n, tries, exc)
            retry.wait(n)
            plan = dataclasses.replace(
                plan, attempt=plan.attempt + 1, message_id=message_id, interrupted=None
            )
            continue
        except Exception as exc:
            ledger.record_failed(ledger_id, str(exc))
            raise
        retry.server_down = False
        ledger.record_sent(ledger_id, delivered_to=accepted)
        return message_id
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class _Company:
    """What every email of a run shares: how numbers are written, which sources exist."""

    numbers: NumberFormat
    delivered: frozenset[str]


def send_reports(
    ds: dt.date | str,
    *,
    marts_db: Path | str | None = None,
    build_db: Path | str | None = None,
    roles: Iterable[str] | None = None,
    conn_id: str | None = None,
    recipients_file: Path | str | None = None,
    reports_dir: Path | str | None = None,
    history: bool = False,
) -> SendSummary:
    """Send each role's morning email for ``ds`` exactly once (restated if numbers changed).

    ``history``: ``ds`` is older than the day already published (a backfill): a role whose
    report for ``ds`` went out before gets a restatement when its numbers changed, and a role
    that never had a report for ``ds`` gets none (no flood of old reports).

    Defaults come from :func:`opspulse.settings.load`. ``roles`` defaults to every role of
    :data:`opspulse.reports.roles.ROLES`. Raises :class:`ReportsNotSent` after trying every
    role when any failed; recipients are checked before anything is sent.

    A temporary SMTP error (a 4xx answer, the server down) is tried again up to
    ``OPSPULSE_SMTP_ATTEMPTS`` times per email, waiting ``OPSPULSE_SMTP_BACKOFF_SECONDS``
    (doubled each time); a permanent one (5xx, a refused recipient, an unknown outcome after
    DATA) is not. Once one email found the server unreachable on every try, the next emails of
    the run get one try each, so a dead server costs one connection attempt per role.
    """
    cfg = opspulse_settings.load()
    day = as_date(ds)
    marts_db = Path(marts_db or cfg.marts_db)
    build_db = Path(build_db or cfg.build_db)
    conn_id = conn_id or cfg.smtp_conn_id
    reports_dir = Path(reports_dir or cfg.reports_dir)
    names = list(dict.fromkeys(roles)) if roles is not None else list(ROLES)
    for name in names:
        get_role(name)
    recipients = load_recipients(recipients_file or cfg.recipients_file)
    recipients.check_roles(names)
    company = _Company(NumberFormat.of(cfg), catalogue.delivered_sources(cfg))
    retry = Retry.of(cfg)

    results: list[RoleResult] = []
    with SendLedger.open(build_db) as ledger:
        for name in names:
            result = _send_role(
                ledger,
                day,
                name,
                marts_db=marts_db,
                recipients=recipients,
                conn_id=conn_id,
                reports_dir=reports_dir,
                company=company,
                retry=retry,
                history=history,
            )
            log.info(
                "%s %s: %s%s",
                day,
                name,
                result.outcome,
                f" ({result.error})" if result.error else "",
            )
            results.append(result)
    summary = SendSummary(ds=day, results=tuple(results))
    if summary.failed:
        raise ReportsNotSent(summary)
    return summary


def _send_role(
    ledger: SendLedger,
    day: dt.date,
    name: str,
    *,
    marts_db: Path,
    recipients: Recipients,
    conn_id: str,
    reports_dir: Path,
    company: _Company,
    retry: Retry,
    history: bool = False,
) -> RoleResult:
    if history and not any(e.kind in ("report", "restatement") for e in ledger.entries(day, name)):
        log.info("%s: no report for %s was ever sent; a history run sends none", name, day)
        return RoleResult(name, "skipped")
    html_path = reports_dir / day.isoformat() / f"{name}.html"
    try:
        snapshot = read_kpis(
            name, day, marts_db, numbers=company.numbers, delivered=company.delivered
        )
        sent_values = snapshot.sent_values()
        content_hash = snapshot.content_hash
        plan = ledger.plan_report(day, name, content_hash)
        if plan.kind == "restatement" and not get_role(name).restates:
            log.info("%s: already sent for %s; this role is not restated", name, day)
            return RoleResult(name, "skipped", plan.previous.message_id if plan.previous else None)
        restatement = None
        if plan.kind == "restatement" and plan.previous is not None:
            restatement = restatement_view(
                plan.previous.sent_values, sent_values, plan.previous.sent_at
            )
        rendered = render_report(snapshot, restatement=restatement)
        if plan.action == "skip":
            if not html_path.exists():
                _write_atomically(html_path, rendered.html)
            return RoleResult(name, "skipped", plan.previous.message_id if plan.previous else None)
        _write_atomically(html_path, rendered.html)
        message_id = _deliver(
            ledger,
            ds=day,
            role=name,
            plan=plan,
            rendered=rendered,
            content_hash=content_hash,
            sent_values=sent_values,
            sender=recipients.sender,
            to=recipients.for_role(name),
            sender_domain=recipients.sender_domain,
            conn_id=conn_id,
            retry=retry,
        )
    except Exception as exc:
        log.error("%s %s: not sent: %s", day, name, exc)
        return RoleResult.failed(name, exc)
    outcome: Outcome = "restated" if plan.kind == "restatement" else "sent"
    return RoleResult(name, outcome, message_id, rendered.subject)


def failures_hash(failures: Sequence[Mapping[str, Any]]) -> str:
    """Content hash of a set of failed checks (order-independent)."""
    canonical = sorted(json.dumps(dict(f), sort_keys=True, default=str) for f in failures)
    return hashlib.sha256(json.dumps(canonical).encode()).hexdigest()


def send_alert(
    ds: dt.date | str,
    report_summary: str,
    failures: Sequence[Mapping[str, Any]],
    *,
    build_db: Path | str | None = None,
    conn_id: str | None = None,
    recipients_file: Path | str | None = None,
    reports_dir: Path | str | None = None,
    airflow_run: str | None = None,
) -> RoleResult:
    """Tell the data team that ``ds``'s reports were withheld and which checks failed.

    ``failures``: dicts with ``suite``, ``expectation``, ``column``, ``observed`` and
    ``unexpected_count``. Sent once per (ds, failures); ``airflow_run`` (a URL or a run id)
    is quoted in the email. Raises :class:`opspulse.reports.delivery.DeliveryError` when
    SMTP fails (the ledger row is then ``failed``).
    """
    cfg = opspulse_settings.load()
    day = as_date(ds)
    build_db = Path(build_db or cfg.build_db)
    recipients = load_recipients(recipients_file or cfg.recipients_file)
    to = recipients.for_alerts()
    failures = list(failures)
    rendered = render_alert(
        day,
        report_summary,
        failures,
        build_db=str(build_db),
        airflow_run=airflow_run,
        numbers=NumberFormat.of(cfg),
    )
    content_hash = failures_hash(failures)
    with SendLedger.open(build_db) as ledger:
        plan = ledger.plan_alert(day, content_hash)
        if plan.action == "skip":
            return RoleResult(
                ALERT_ROLE, "skipped", plan.previous.message_id if plan.previous else None
            )
        _write_atomically(
            Path(reports_dir or cfg.reports_dir) / day.isoformat() / "alert.html", rendered.html
        )
        message_id = _deliver(
            ledger,
            ds=day,
            role=ALERT_ROLE,
            plan=plan,
            rendered=rendered,
            content_hash=content_hash,
            sent_values={},
            sender=recipients.sender,
            to=to,
            sender_domain=recipients.sender_domain,
            conn_id=conn_id or cfg.smtp_conn_id,
            retry=Retry.of(cfg),
        )
    return RoleResult(ALERT_ROLE, "sent", message_id, rendered.subject)


class NoticesNotSent(ReportsNotSent):
    """At least one role's delayed notice could not be sent; the others were attempted."""

    what = "delayed notice(s)"


DELAYED_CONTENT_HASH = "delayed"
"""A delayed notice says the same whatever the reason: one per (ds, role), not per content."""


def send_delayed_notices(
    ds: dt.date | str,
    reason: str,
    settings: opspulse_settings.Settings | None = None,
    *,
    roles: Iterable[str] | None = None,
    build_db: Path | str | None = None,
    conn_id: str | None = None,
    recipients_file: Path | str | None = None,
) -> SendSummary:
    """Tell each role's recipients that ``ds``'s report is delayed, through the send ledger.

    ``reason``: ``withheld`` (the quality gate held the day back) or ``late`` (not published
    by the report deadline), see :data:`opspulse.reports.render.DELAY_REASONS`. ``roles``
    defaults to the company's active roles (:func:`opspulse.catalogue.plan`). Each role gets
    at most one notice per day, ever, and none once its report for the day was sent (a
    ``skipped`` result). Delivery is the reports' own: the envelope of the recipients file,
    temporary SMTP errors tried again, permanent ones recorded as ``failed``; raises
    :class:`NoticesNotSent` after trying every role when any failed.
    """
    cfg = settings or opspulse_settings.load()
    day = as_date(ds)
    if roles is None:
        active = set(catalogue.plan(cfg).active_roles)
        names = [name for name in ROLES if name in active]
    else:
        names = list(dict.fromkeys(roles))
    roles_by_name = {name: get_role(name) for name in names}
    recipients = load_recipients(recipients_file or cfg.recipients_file)
    recipients.check_roles(names)
    retry = Retry.of(cfg)
    results: list[RoleResult] = []
    with SendLedger.open(Path(build_db or cfg.build_db)) as ledger:
        for name, role in roles_by_name.items():
            plan = ledger.plan_delayed(day, name)
            if plan.action == "skip":
                previous = plan.previous.message_id if plan.previous else None
                log.info("%s %s: no delayed notice (%s already sent)", day, name, plan.kind)
                results.append(RoleResult(name, "skipped", previous))
                continue
            rendered = render_delayed(day, role.title, reason, company=cfg.company_name)
            try:
                message_id = _deliver(
                    ledger,
                    ds=day,
                    role=name,
                    plan=plan,
                    rendered=rendered,
                    content_hash=DELAYED_CONTENT_HASH,
                    sent_values={},
                    sender=recipients.sender,
                    to=recipients.for_role(name),
                    sender_domain=recipients.sender_domain,
                    conn_id=conn_id or cfg.smtp_conn_id,
                    retry=retry,
                )
            except Exception as exc:
                log.error("%s %s: delayed notice not sent: %s", day, name, exc)
                results.append(RoleResult.failed(name, exc))
                continue
            log.info("%s %s: delayed notice sent (%s)", day, name, reason)
            results.append(RoleResult(name, "sent", message_id, rendered.subject))
    summary = SendSummary(ds=day, results=tuple(results))
    if summary.failed:
        raise NoticesNotSent(summary)
    return summary
