"""The failure alert: an Airflow notifier that emails the data team when a task fails.

Wired as ``on_failure_callback`` in the nightly DAG's ``default_args``, so every task has it;
Airflow calls it once, after the task's last try failed (not on a retry). It sends one short
email on its own connection, ``OPSPULSE_ALERT_CONN_ID`` (default: the SMTP connection of the
reports), to the ``[data_team]`` of ``recipients.toml``: the DAG, the run, the task, the try,
the error and a link to the task's log (``ti.log_url``, built on Airflow's ``[api] base_url``).

It does not touch the build database, so it still works when that database is the problem,
and it never raises: a broken notifier must not hide the task's own failure, so it logs why
it could not send instead.

A quality-gate failure (``QualityGateFailed``) is not mailed here: ``alert_data_team`` runs on
it and sends "Reports withheld" with every failed check, once per day and set of failures; a
second email for the same failure would only be noise. Every other failure, including
``send_reports`` and ``alert_data_team`` itself, is mailed here.
"""

from __future__ import annotations

import html
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from airflow.sdk import BaseNotifier

log = logging.getLogger(__name__)

GATE_ALERT_TASK = "alert_data_team"
"""The task that reports a quality-gate failure with its checks."""


def _is_gate_failure(exc: BaseException | None) -> bool:
    from opspulse.quality.gate import QualityGateFailed

    return isinstance(exc, QualityGateFailed)


def failure_facts(context: Mapping[str, Any]) -> dict[str, str]:
    """What the alert names, from an Airflow task context (missing parts are ``unknown``)."""
    ti = context.get("ti") or context.get("task_instance")
    dag = context.get("dag")
    exc = context.get("exception")

    def attr(obj: Any, name: str) -> str:
        value = getattr(obj, name, None) if obj is not None else None
        return str(value) if value not in (None, "") else "unknown"

    run_id = context.get("run_id") or attr(ti, "run_id")
    return {
        "dag_id": attr(dag, "dag_id") if dag is not None else attr(ti, "dag_id"),
        "run_id": str(run_id),
        "task_id": attr(ti, "task_id"),
        "try_number": attr(ti, "try_number"),
        "error": f"{type(exc).__name__}: {exc}" if exc is not None else "unknown error",
        "log_url": attr(ti, "log_url"),
    }


def render_failure(facts: Mapping[str, str]):
    """The short failure email: subject, plain text and HTML."""
    from opspulse.reports.formatting import redact
    from opspulse.reports.render import RenderedEmail

    error = redact(facts["error"].strip())
    if len(error) > 2000:
        error = error[:2000] + " [...] (the whole error is in the log)"
    first_line = error.splitlines()[0] if error else "unknown error"
    subject = (
        f"[opspulse] FAILED: {facts['dag_id']}.{facts['task_id']} ({facts['run_id']}): {first_line}"
    )[:200]
    rows = [
        ("DAG", facts["dag_id"]),
        ("Run", facts["run_id"]),
        ("Task", facts["task_id"]),
        ("Try", facts["try_number"]),
        ("Log", facts["log_url"]),
    ]
    text = (
        f"The task {facts['task_id']} of {facts['dag_id']} failed and will not be retried.\n\n"
        + "".join(f"{k}: {v}\n" for k, v in rows)
        + f"\nError:\n{error}\n\n"
        "Fix the cause, then clear the task in Airflow to run it again; the send ledger "
        "makes a re-run send only what is missing.\n"
    )
    cells = "".join(
        f"<tr><th align='left'>{k}</th><td>"
        + (
            f"<a href='{html.escape(v, quote=True)}'>{html.escape(v)}</a>"
            if k == "Log" and v.startswith("http")
            else html.escape(v)
        )
        + "</td></tr>"
        for k, v in rows
    )
    body = (
        f"<p>The task <b>{html.escape(facts['task_id'])}</b> of "
        f"{html.escape(facts['dag_id'])} failed and will not be retried.</p>"
        f"<table>{cells}</table><pre>{html.escape(error)}</pre>"
        "<p>Fix the cause, then clear the task in Airflow to run it again.</p>"
    )
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=body)


class DataTeamFailureNotifier(BaseNotifier):
    """Email the data team that a task failed (see the module docstring)."""

    def __init__(self, conn_id: str | None = None, recipients_file: str | None = None):
        super().__init__()
        self.conn_id = conn_id
        self.recipients_file = recipients_file

    def __call__(self, *args: Any) -> None:
        try:
            super().__call__(*args)
        except Exception:  # BaseNotifier re-raises; a failed task must still show its own error
            log.exception("the failure notifier itself failed")

    def render_template_fields(self, context: Any, jinja_env: Any = None) -> None:
        """Nothing is templated: the email is built from the context in :meth:`notify`."""

    def notify(self, context: Mapping[str, Any]) -> None:  # type: ignore[override]
        try:
            self._notify(context)
        except Exception:  # never hide the task's own failure behind the notifier's
            log.exception("could not email the data team about a failed task")

    def _notify(self, context: Mapping[str, Any]) -> None:
        facts = failure_facts(context)
        if facts["task_id"] != GATE_ALERT_TASK and _is_gate_failure(context.get("exception")):
            log.info("%s: quality gate failed; %s sends the checks", facts, GATE_ALERT_TASK)
            return
        email_data_team(facts, conn_id=self.conn_id, recipients_file=self.recipients_file)


def email_data_team(
    facts: Mapping[str, str],
    *,
    settings: Any = None,
    conn_id: str | None = None,
    recipients_file: str | None = None,
) -> None:
    """Send the failure email of ``facts`` (see :func:`failure_facts`) to the data team, on
    the alert connection. Raises when it cannot: callers that must not raise catch it."""
    from opspulse import settings as opspulse_settings
    from opspulse.reports.delivery import build_message, send_message
    from opspulse.reports.recipients import load_recipients

    cfg = settings or opspulse_settings.load()
    recipients = load_recipients(recipients_file or cfg.recipients_file)
    rendered = render_failure(facts)
    domain = recipients.sender_domain or "opspulse.invalid"
    message = build_message(
        rendered,
        sender=recipients.sender,
        to=recipients.for_alerts(),
        message_id=f"<failure.{secrets.token_hex(8)}@{domain}>",
        headers={
            "X-Opspulse-Kind": "failure",
            "X-Opspulse-Dag": facts["dag_id"],
            "X-Opspulse-Run": facts["run_id"],
            "X-Opspulse-Task": facts["task_id"],
        },
    )
    send_message(message, conn_id=conn_id or cfg.alert_conn_id)
    log.info("emailed the data team: %s", rendered.subject)
