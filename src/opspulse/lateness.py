"""Telling stakeholders that their morning report is late.

Two moments make a day's report late, and each sends every active role's recipients one
short "delayed" notice (:func:`opspulse.reports.mailer.send_delayed_notices`), through the
send ledger, so a role hears at most once per day and never after its report went out; when
the data publishes later, the real report follows as usual:

- **withheld**: a task before ``publish_marts`` failed (the quality gate, a dbt error, no
  file): the nightly's ``tell_stakeholders`` task runs on it and calls
  :func:`tell_stakeholders` with ``"withheld"`` at once, hours before the deadline.
- **late**: the report deadline passed (``report_deadline`` of ``[delivery]`` in
  ``company.toml``, default 07:00 in the company's timezone, on the morning after the day)
  and the reports are not out. The nightly DAG carries an Airflow deadline alert on
  :class:`ReportDeadline` (the deadline itself, in the company's timezone, so daylight saving
  moves nothing) whose callback :func:`deadline_missed` runs in Airflow's triggerer. Airflow
  drops the alert when the run succeeds in time; a run that failed or still runs at the
  deadline fires it. Where no triggerer runs, ``opspulse notify-late`` from cron does the same.

No notice is sent for a history day (older than the day already published: a backfill) or
before the deadline. Nothing here raises on a notice that could not be sent without emailing
the data team first.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from opspulse import settings as settings_mod

log = logging.getLogger(__name__)

Reason = Literal["withheld", "late"]

LOCK_WAIT_SECONDS = 15 * 60.0
"""How long a notice waits for the build database while a nightly task holds it (DuckDB
allows one writer; the ledger lives there)."""

T = TypeVar("T")


def deadline_of(ds: date, settings: settings_mod.Settings) -> datetime:
    """When the report on ``ds`` is due: the report deadline on the morning after ``ds``, in
    the company's timezone (an aware datetime)."""
    return _due(ds, settings.report_deadline, settings.timezone)


def _due(ds: date, at: time_of_day, timezone: str) -> datetime:
    return datetime.combine(ds + timedelta(days=1), at, tzinfo=ZoneInfo(timezone))


@dataclass(frozen=True)
class Outcome:
    """What :func:`tell_stakeholders` did for one day."""

    ds: date
    reason: Reason
    action: Literal["notified", "not_due", "stale", "history_day"]
    message: str
    sent: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "ds": self.ds.isoformat(),
            "reason": self.reason,
            "action": self.action,
            "message": self.message,
            "sent": list(self.sent),
            "skipped": list(self.skipped),
        }


def _is_lock_error(exc: BaseException) -> bool:
    import duckdb

    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def waiting_for_the_lock(
    fn: Callable[[], T], *, wait: float = LOCK_WAIT_SECONDS, sleep=clock.sleep
) -> T:
    """``fn()``, tried again while another process holds the build database's lock."""
    deadline = clock.monotonic() + wait
    pause = 1.0
    while True:
        try:
            return fn()
        except Exception as exc:
            if not _is_lock_error(exc) or clock.monotonic() + pause > deadline:
                raise
            log.info("the build database is in use (%s); trying again in %.0fs", exc, pause)
            sleep(pause)
            pause = min(pause * 2, 30.0)


def tell_stakeholders(
    ds: date,
    reason: Reason,
    settings: settings_mod.Settings | None = None,
    *,
    now: datetime | None = None,
) -> Outcome:
    """Send each active role's recipients the day's delayed notice, when one is due.

    ``late`` is due from the day's deadline (:func:`deadline_of`) until a day after it (the
    deadline alert of a backfilled old day fires at once: nobody waits for that report);
    ``withheld`` at once. Neither is sent for a history day. The ledger skips a role already
    told or already sent its report. Raises :class:`opspulse.reports.mailer.NoticesNotSent` when any notice failed,
    after the others were tried.
    """
    from opspulse.warehouse.publish import published_ds

    cfg = settings or settings_mod.load()
    now = now or datetime.now(UTC)
    due = deadline_of(ds, cfg)
    if reason == "late" and now < due:
        return Outcome(ds, reason, "not_due", f"the report on {ds} is not due before {due}")
    if reason == "late" and now >= due + timedelta(days=1):
        return Outcome(
            ds,
            reason,
            "stale",
            f"the report on {ds} was due {due}, more than a day ago: the next morning's report "
            "is the one people wait for (a backfill or a late run of an old day tells nobody)",
        )
    newest = published_ds(cfg)
    if newest is not None and ds < newest:
        return Outcome(
            ds,
            reason,
            "history_day",
            f"{ds} is older than the published day {newest}: a history run tells nobody",
        )
    summary = waiting_for_the_lock(lambda: _send(ds, reason, cfg))
    return Outcome(
        ds,
        reason,
        "notified",
        f"delayed notices for {ds} ({reason}): {len(summary.sent)} sent, "
        f"{len(summary.skipped)} already told or already sent their report",
        sent=tuple(summary.sent),
        skipped=tuple(summary.skipped),
    )


def _send(ds: date, reason: Reason, cfg: settings_mod.Settings):
    from opspulse.reports import mailer

    try:
        return mailer.send_delayed_notices(ds, reason, cfg)
    except mailer.NoticesNotSent as exc:
        try:
            _alert_data_team(ds, reason, str(exc), cfg)
        except Exception:  # the notices' own failure is what the caller must see
            log.exception("could not email the data team that delayed notices failed")
        raise


def _alert_data_team(ds: date, reason: Reason, error: str, cfg: settings_mod.Settings) -> None:
    from opspulse.reports.notifier import email_data_team

    email_data_team(
        {
            "dag_id": "opspulse_nightly",
            "run_id": f"delayed notices for {ds}",
            "task_id": "tell_stakeholders" if reason == "withheld" else "report deadline",
            "try_number": "1",
            "error": error,
            "log_url": "unknown",
        },
        settings=cfg,
    )


def notify_late(
    ds: date | None = None,
    settings: settings_mod.Settings | None = None,
    *,
    now: datetime | None = None,
) -> Outcome:
    """``opspulse notify-late``: the late notices of ``ds`` (default: the company's yesterday),
    when its deadline has passed. Safe to run every few minutes from cron."""
    cfg = settings or settings_mod.load()
    now = now or datetime.now(UTC)
    if ds is None:
        ds = now.astimezone(ZoneInfo(cfg.timezone)).date() - timedelta(days=1)
    return tell_stakeholders(ds, "late", cfg, now=now)


def run_day_of(dag_run: dict[str, Any], timezone: str) -> date:
    """The company-local day a DAG run reports on, from its API form (the deadline context)."""
    start = dag_run.get("data_interval_start") or dag_run.get("logical_date")
    if start is None:
        raise ValueError(f"DAG run {dag_run.get('dag_run_id')!r} has no data interval")
    moment = datetime.fromisoformat(str(start).replace("Z", "+00:00"))
    return moment.astimezone(ZoneInfo(timezone)).date()


async def deadline_missed(context: dict[str, Any] | None = None, **_: Any) -> str:
    """The callback of the nightly's deadline alert (Airflow's triggerer runs it): send the
    late notices of the run's day. Waits for the deadline in the company's timezone when
    Airflow fires early, and for the build database when a task holds it. Returns the
    outcome as JSON text: Airflow stores it in a text column (``callback.output``), and a
    dict there crashes the triggerer on PostgreSQL."""
    cfg = settings_mod.load()
    dag_run = (context or {}).get("dag_run") or {}
    ds = run_day_of(dag_run, cfg.timezone)
    wait = (deadline_of(ds, cfg) - datetime.now(UTC)).total_seconds()
    if wait > 0:
        await asyncio.sleep(wait)
    outcome = await asyncio.to_thread(tell_stakeholders, ds, "late", cfg)
    log.info("report deadline of %s: %s", ds, outcome.message)
    return json.dumps(outcome.as_dict())


def report_deadline_reference(settings: settings_mod.Settings):
    """The nightly DAG's deadline reference: :class:`ReportDeadline` for this company."""
    return ReportDeadline(at=settings.report_deadline.isoformat(), timezone=settings.timezone)


def parsed_by_dags_test(argv: list[str] | None = None) -> bool:
    """True when the DAG file is being parsed by ``airflow dags test``.

    Airflow 3.3's ``dags test`` cannot finish a run of a DAG that declares a deadline alert:
    its in-memory copy of the DAG holds the alerts as dicts where the scheduler's holds their
    ids, and marking the run successful looks them up by id (``AttributeError: 'dict' object
    has no attribute 'hex'``). It has no scheduler to fire a deadline either, so the nightly
    declares its deadline alert only where a scheduler parses it; runs through ``dags test``
    (``make demo``, ``opspulse run``) are covered by ``opspulse notify-late`` from cron.
    """
    import sys

    args = sys.argv if argv is None else argv
    return args[1:3] == ["dags", "test"]


try:  # the class Airflow's scheduler evaluates; registered by plugins/opspulse_plugin.py
    from airflow.sdk.definitions.deadline import BaseDeadlineReference
except ImportError:  # pragma: no cover - opspulse without Airflow (a notebook, the CLI)
    BaseDeadlineReference = object  # type: ignore[assignment,misc]


@dataclass(frozen=True)
class ReportDeadline(BaseDeadlineReference):  # type: ignore[misc]
    """An Airflow deadline reference: the report deadline of the day a DAG run reports on.

    The run's data interval starts at the company's midnight of the day; the reference is
    ``at`` (HH:MM[:SS]) on the next day in ``timezone``, whatever daylight saving does in
    between. Used with an interval of zero. The scheduler evaluates it when the run is
    created (``_evaluate_with``); both fields travel in the serialized DAG.
    """

    at: str = "07:00"
    timezone: str = "UTC"

    required_kwargs = frozenset({"dag_id", "run_id"})

    def due(self, interval_start: datetime) -> datetime:
        day = interval_start.astimezone(ZoneInfo(self.timezone)).date()
        return _due(day, time_of_day.fromisoformat(self.at), self.timezone).astimezone(UTC)

    def _evaluate_with(self, *, session, **kwargs: Any) -> datetime | None:
        from airflow.models import DagRun
        from sqlalchemy import select

        row = session.execute(
            select(DagRun.data_interval_start, DagRun.logical_date).where(
                DagRun.dag_id == kwargs["dag_id"], DagRun.run_id == kwargs["run_id"]
            )
        ).one_or_none()
        start = (row[0] or row[1]) if row is not None else None
        return self.due(start) if start is not None else None

    def serialize_reference(self) -> dict[str, Any]:
        return {"reference_type": type(self).__name__, "at": self.at, "timezone": self.timezone}

    @classmethod
    def deserialize_reference(cls, reference_data: dict[str, Any]) -> ReportDeadline:
        return cls(at=reference_data["at"], timezone=reference_data["timezone"])

    def __hash__(self) -> int:
        return hash((self.at, self.timezone))
