"""The stages of one nightly run for one day ``ds``, callable with or without Airflow.

Each function is one Airflow task of ``dags/opspulse_nightly.py``: it opens what it needs,
does its stage, closes the database and returns a small JSON-able summary (XCom-sized;
large results stay in the build database). The order is the flow of DESIGN.md:
load → audit raw → build → audit marts → publish → email, with the data-team alert on any
failure before publish.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from datetime import UTC, date, datetime

from opspulse import settings as settings_mod

log = logging.getLogger(__name__)

DUCKDB_POOL = "opspulse_duckdb"
PUBLISHED_MARTS_ASSET = "opspulse_published_marts"

STAGE_DDL = """
create schema if not exists ops;
create table if not exists ops.stage_runs (
    run_id varchar, ds date, stage varchar, status varchar, started_at timestamp,
    seconds double, error varchar, details varchar
);
alter table ops.stage_runs add column if not exists details varchar;
create table if not exists ops.role_plan (
    run_id varchar, ds date, role_name varchar, role_title varchar, sort_order integer,
    is_active boolean, reason varchar, planned_at timestamp
);
"""


RUN_PARAMS: dict = {}
"""The params a run of ``opspulse_nightly`` accepts in its ``conf``: none. The day a run
processes is its data interval (``airflow dags test opspulse_nightly <day>``, a backfill),
never a conf key; a key nobody reads would be silently ignored, so any key fails the run."""


def refused_conf(context) -> str | None:
    """Why the run's ``conf`` is refused (a key :data:`RUN_PARAMS` does not declare), or None."""
    dag_run = context.get("dag_run")
    conf = dict(getattr(dag_run, "conf", None) or {})
    unknown = sorted(set(conf) - set(RUN_PARAMS))
    if not unknown:
        return None
    accepted = ", ".join(sorted(RUN_PARAMS)) or "none"
    return (
        f"run {context.get('run_id')}: unknown conf key(s) {', '.join(map(repr, unknown))}; "
        f"opspulse_nightly accepts {accepted}: the day is the run's data interval "
        "(airflow dags test opspulse_nightly <YYYY-MM-DD>, or a backfill)"
    )


def check_conf(context) -> None:
    """Fail the run at once (no retry) when its ``conf`` is refused (:func:`refused_conf`)."""
    if problem := refused_conf(context):
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(problem)


def run_day(context, *, strict: bool = True) -> tuple[date, str]:
    """The company-local day an Airflow run processes (its data interval start) and run id;
    ``strict`` first refuses a run whose conf holds an unknown key (:func:`check_conf`)."""
    from zoneinfo import ZoneInfo

    if strict:
        check_conf(context)
    start = context.get("data_interval_start") or context["logical_date"]
    ds = start.astimezone(ZoneInfo(_cfg().timezone)).date()
    return ds, context["run_id"]


def _record(cfg: settings_mod.Settings, row: list) -> None:
    from opspulse.warehouse.connection import connect

    try:
        with connect(cfg.build_db, settings=cfg) as con:
            con.execute(STAGE_DDL)
            con.execute(
                "insert into ops.stage_runs "
                "(run_id, ds, stage, status, started_at, seconds, error, details) "
                "values (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
    except Exception:  # recording must never hide the stage's own outcome
        log.exception("could not record the stage outcome in %s", cfg.build_db)


def stage(fn):
    """Record each stage's status, duration, error and returned figures (``details``, JSON)
    in ``ops.stage_runs``."""

    @functools.wraps(fn)
    def wrapper(ds: date, run_id: str):
        cfg = _cfg()
        started = datetime.now(UTC).replace(tzinfo=None)
        t0 = time.perf_counter()
        try:
            out = fn(ds, run_id)
        except BaseException as exc:
            message = f"{type(exc).__name__}: {exc}"[:2000]
            elapsed = time.perf_counter() - t0
            _record(cfg, [run_id, ds, fn.__name__, "failed", started, elapsed, message, None])
            raise
        elapsed = time.perf_counter() - t0
        details = json.dumps(out, default=str) if isinstance(out, dict) else None
        _record(cfg, [run_id, ds, fn.__name__, "success", started, elapsed, None, details])
        return out

    return wrapper


def _cfg() -> settings_mod.Settings:
    return settings_mod.load()


def _plan(cfg: settings_mod.Settings):
    """Which roles this company gets, from the sources it delivers (``opspulse.catalogue``)."""
    from opspulse import catalogue

    return catalogue.plan(cfg)


def _on_change_sources(cfg: settings_mod.Settings) -> list[str]:
    """Sources the company delivers only on days something changed: an old newest file is no
    freshness lag for them."""
    from opspulse.sources import contracts
    from opspulse.sources.cadence import effective_cadence

    return sorted(s.name for s in contracts.SOURCES if effective_cadence(s, cfg) == "on_change")


def _record_plan(cfg: settings_mod.Settings, plan, ds: date, run_id: str) -> None:
    """Keep the run's role plan in ``ops.role_plan``: the data role's email lists it."""
    from opspulse.warehouse.connection import connect

    planned_at = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        [run_id, ds, s.role.name, s.role.title, n, s.active, s.reason, planned_at]
        for n, s in enumerate(plan.statuses, start=1)
    ]
    with connect(cfg.build_db, settings=cfg) as con:
        con.execute(STAGE_DDL)
        con.execute("delete from ops.role_plan where run_id = ?", [run_id])
        con.executemany("insert into ops.role_plan values (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def nothing_delivered(cfg: settings_mod.Settings, ds: date) -> str | None:
    """Why a run for ``ds`` would process nothing, or None when some source delivered a file
    for ``ds`` (in this run or an earlier one: a re-run of a loaded day is fine, its data is
    in raw already). A file that was quarantined was delivered (the raw gate reports it)."""
    from opspulse.warehouse.connection import connect

    with connect(cfg.build_db, read_only=True, settings=cfg) as con:
        files_that_day, latest = con.execute(
            "select count(*) filter (where ds = ?), max(ds) filter (where ds <= ?) "
            "from ops.ingest_log",
            [ds, ds],
        ).fetchone()
    if files_that_day:
        return None
    landing = cfg.landing_dir
    if latest is None:
        return (
            f"nothing to process for {ds}: no landing file for {ds} or any day before it in "
            f"{landing}{'' if landing.is_dir() else ' (the folder does not exist)'}; files go "
            "in <landing>/<source>/<YYYY-MM-DD>/ (docs/bring-your-own-data.md)"
        )
    return (
        f"nothing to process for {ds}: no source has a file for that day in "
        f"{landing}/<source>/{ds}/ (the latest day delivered is {latest}); a day without "
        "events is delivered as an empty file"
    )


@stage
def load_sources(ds: date, run_id: str) -> dict:
    """Ingest every landing partition up to ``ds`` that changed since it was loaded; fail
    when nothing was ever delivered for ``ds``."""
    from opspulse.sources.loader import Loader

    cfg = _cfg()
    plan = _plan(cfg)
    summary = Loader(run_id, settings=cfg, progress=log.info).run(until=ds)
    log.info("ingest: %s", summary.describe())
    _record_plan(cfg, plan, ds, run_id)
    for status in plan.statuses:
        log.info("role %s: %s", status.role.name, status.reason)
    if problem := nothing_delivered(cfg, ds):
        from airflow.sdk.exceptions import AirflowFailException  # not retried: no retry delivers

        raise AirflowFailException(problem)
    return {
        "active_roles": list(plan.active_roles),
        "partitions_loaded": len(summary.partitions_loaded),
        "partitions_unchanged": summary.partitions_unchanged,
        "days_loaded": [d.isoformat() for d in summary.days_loaded],
        "rows_loaded": summary.rows_loaded,
        "rows_rejected": summary.rows_rejected,
        "files_quarantined": [str(f.quarantined_to) for f in summary.quarantined],
    }


def _days_loaded(cfg: settings_mod.Settings, run_id: str, ds: date) -> list[date]:
    from opspulse.warehouse.connection import connect

    with connect(cfg.build_db, read_only=True, settings=cfg) as con:
        # partitions this run loaded, and those an earlier run of the same day loaded (a run
        # killed after its load leaves them to a re-run that finds nothing changed)
        rows = con.execute(
            "select distinct ds from ops.partitions where run_id = ? or run_id in "
            "(select run_id from ops.ingest_log where run_ds = ?) order by ds",
            [run_id, ds],
        ).fetchall()
    return [r[0] for r in rows] or [ds]


@stage
def audit_raw(ds: date, run_id: str) -> dict:
    """Raw-layer gate: ingest findings plus the GX suite of every loaded source."""
    from opspulse.quality import gate, ingest_checks

    cfg = _cfg()
    days = _days_loaded(cfg, run_id, ds)
    delivered = sorted(_plan(cfg).delivered)
    report = gate.audit(
        "raw", db_path=cfg.build_db, ds=ds, run_id=run_id, days=days, tables=delivered
    )
    report = ingest_checks.add_ingest_findings(report, cfg.build_db, run_id=run_id, ds=ds)
    log.info("raw audit over %d day(s): %s", len(days), report.summary())
    gate.enforce(report)
    return {"evaluated": report.evaluated, "passed": report.passed_count}


@stage
def build_marts(ds: date, run_id: str) -> dict:
    """``dbt build`` (seeds, models and data tests) over the build database.

    Incremental models recompute the run's day and the lookback window before it (var
    ``ds``; ``OPSPULSE_LOOKBACK_DAYS``). dbt unit tests check formulas, not data: they run in
    the test suite, not every night.
    """
    import json

    from opspulse.warehouse.transform import DbtFailed, run_dbt

    cfg = _cfg()
    plan = _plan(cfg)
    exclude = plan.dbt_exclude()
    dbt_vars = {
        "ds": ds.isoformat(),
        # a history run (a backfill) keeps the published snapshot marts as of the newest day
        "as_of_ds": _as_of_day(cfg, ds).isoformat(),
        "delivered_sources": sorted(plan.delivered),
        "on_change_sources": _on_change_sources(cfg),
    }
    try:
        result = run_dbt(
            [
                "build",
                "--exclude-resource-type",
                "unit_test",
                "--vars",
                json.dumps(dbt_vars),
                *(["--exclude", *exclude] if exclude else []),
            ],
            settings=cfg,
        )
    except DbtFailed as exc:
        if exc.failures and all(f["status"] == "fail" for f in exc.failures):
            # dbt data tests that failed are a quality gate: a retry would fail the same way
            from airflow.sdk.exceptions import AirflowFailException

            raise AirflowFailException(str(exc)) from exc
        raise
    log.info(
        "dbt: %d models, %d tests, %d unit tests, %d seeds in %.1fs",
        result.models,
        result.tests,
        result.unit_tests,
        result.seeds,
        result.elapsed_seconds,
    )
    return {
        "models": result.models,
        "tests": result.tests,
        "unit_tests": result.unit_tests,
        "seconds": round(result.elapsed_seconds, 2),
    }


def _as_of_day(cfg: settings_mod.Settings, ds: date) -> date:
    """The day the published marts are "as of" once this run publishes: ``ds``, or the newer
    day already published when this is a history run (a backfill)."""
    from opspulse.warehouse.publish import published_ds

    newest = published_ds(cfg)
    return max(ds, newest) if newest is not None else ds


@stage
def audit_marts(ds: date, run_id: str) -> dict:
    """Mart-layer gate: the GX suite of every report mart for ``ds`` (a snapshot mart for the
    publication's day, :attr:`opspulse.quality.suites.MartSpec.as_of_publication`)."""
    from opspulse.quality import gate, suites

    cfg = _cfg()
    plan = _plan(cfg)
    specs = suites.mart_specs()
    marts = [name for name in suites.suite_specs("marts") if plan.mart_active(name)]
    as_of = _as_of_day(cfg, ds)
    by_day: dict[date, list[str]] = {}
    for name in marts:
        by_day.setdefault(as_of if specs[name].as_of_publication else ds, []).append(name)
    reports = [
        gate.audit("marts", db_path=cfg.build_db, ds=day, run_id=run_id, tables=tables)
        for day, tables in by_day.items()
    ]
    for report in reports:
        log.info("mart audit: %s", report.summary())
    for report in reports:
        gate.enforce(report)
    return {
        "evaluated": sum(r.evaluated for r in reports),
        "passed": sum(r.passed_count for r in reports),
    }


@stage
def publish_marts(ds: date, run_id: str) -> dict:
    """Atomically replace the published database with the audited marts."""
    from opspulse.warehouse.publish import publish

    cfg = _cfg()
    result = publish(ds, run_id, settings=cfg, skip=_plan(cfg).excluded_marts())
    return {"path": str(result.path), "tables": len(result.tables)}


@stage
def send_reports(ds: date, run_id: str) -> dict:
    """One email per role from the published marts; the ledger makes it idempotent.

    Fails after trying every role when any was not sent. When every failure was temporary
    (4xx, server down) Airflow's task retries try again later; a permanent one (5xx, a refused
    recipient, an unknown outcome after DATA) fails the task at once, for a person to look at.
    """
    from opspulse.reports import mailer
    from opspulse.reports.roles import ROLES
    from opspulse.warehouse.publish import is_history_day

    cfg = _cfg()
    active = set(_plan(cfg).active_roles)
    history = is_history_day(ds, settings=cfg)
    if history:
        log.info("%s is older than the published day: only restatements go out", ds)
    try:
        summary = mailer.send_reports(
            ds,
            history=history,
            roles=[name for name in ROLES if name in active],
            marts_db=cfg.marts_db,
            build_db=cfg.build_db,
            conn_id=cfg.smtp_conn_id,
            recipients_file=cfg.recipients_file,
            reports_dir=cfg.reports_dir,
        )
    except mailer.ReportsNotSent as exc:
        if exc.retryable:
            raise
        from airflow.sdk.exceptions import AirflowFailException  # a retry would fail the same way

        raise AirflowFailException(str(exc)) from exc
    return summary.as_dict()


def tell_stakeholders(ds: date, run_id: str, *, refused: str | None = None) -> dict:
    """The day was not published (a task before the publish failed): each active role's
    recipients get one short delayed notice now, instead of silence until someone asks
    (:mod:`opspulse.lateness`; none for a history day). The report follows once a re-run
    publishes the day. A run refused for its conf (``refused``) processed no day: nobody is
    told (the data team is, by the failed task's notifier)."""
    from opspulse import lateness

    if refused:
        log.info("no delayed notice: %s", refused)
        return {"ds": ds.isoformat(), "action": "refused_run", "message": refused}
    outcome = lateness.tell_stakeholders(ds, "withheld", _cfg())
    log.info("%s", outcome.message)
    return outcome.as_dict()


def alert_data_team(ds: date, run_id: str) -> dict:
    """Reports were withheld by the quality gate: tell the data team which checks failed.

    Any other failure (a dbt error, a failed load or publish) has no stored failed check: the
    failed task's own notifier (:mod:`opspulse.reports.notifier`) has already named it, its
    error and its log, so nothing is sent here (one email per failure).
    """
    from opspulse.quality import results
    from opspulse.reports import mailer

    cfg = _cfg()
    failures = results.critical_failures(cfg.build_db, run_id=run_id)
    if not failures:
        log.info("no failed critical check stored for %s: the task's notifier alerted", run_id)
        return {"failures": 0, "outcome": "skipped"}
    summary = results.describe_failures(failures, run_id=run_id)
    result = mailer.send_alert(
        ds,
        summary,
        failures,
        build_db=cfg.build_db,
        conn_id=cfg.alert_conn_id,
        recipients_file=cfg.recipients_file,
        airflow_run=run_id,
    )
    return {"failures": len(failures), "outcome": result.outcome}
