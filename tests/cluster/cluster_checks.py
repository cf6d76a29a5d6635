"""What the cluster tests read back: the SMTP sink's messages and the tasks' logs."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path


def messages(outbox: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted(outbox.glob("*.eml"))
    ]


def task_log_text(logs: Path, run_id: str) -> dict[str, str]:
    """Each task's log text (every attempt) of the run ``run_id``, by task id."""
    out: dict[str, str] = {}
    for path in sorted(logs.glob(f"dag_id=*/run_id={run_id}/task_id=*/*.log")):
        task = path.parent.name.removeprefix("task_id=")
        out[task] = out.get(task, "") + path.read_text(errors="replace")
    return out


def home_settings(home: Path):
    """The settings of the opspulse home ``home`` (as its Airflow tasks read them)."""
    from opspulse import settings

    return settings.load({"OPSPULSE_HOME": str(home)})


def active_roles(home: Path) -> list[str]:
    from opspulse import catalogue

    return sorted(catalogue.plan(home_settings(home)).active_roles)
