"""
# opspulse_nightly

One run turns one day's landing files into published KPI marts and emails each operations
role its morning summary, but only after the data has passed its quality checks:

`load_sources` → `audit_raw` → `build_marts` → `audit_marts` → `publish_marts` → `send_reports`

If anything before the publish fails (a quarantined file, a failed critical expectation, a
dbt error), nothing is published and no stakeholder gets a report: `tell_stakeholders` sends
each role one short "delayed" notice instead, and the report follows when a re-run publishes.
A run still not done at the company's report deadline (`report_deadline`, default 07:00 the
next morning, in its timezone) fires the DAG's deadline alert, whose callback (in Airflow's
triggerer) sends the same notice to each role still without its report (declared where a
scheduler parses the DAG: `airflow dags test` cannot run a DAG with a deadline alert in
Airflow 3.3, see `opspulse.lateness.parsed_by_dags_test`). Every failed task, the
sending included, emails the data team once through its failure notifier
(`DataTeamFailureNotifier`, on the `OPSPULSE_ALERT_CONN_ID` connection): the task, the error
and a link to its log; a quality-gate failure is told instead by `alert_data_team`, with every
failed check. Every task that opens the build database takes the single
slot of the `opspulse_duckdb` pool. The day processed is the run's data interval (in the
company's timezone); re-running or backfilling a day gives the same result as the first run
and never sends the same report twice. The first day is the company's `start_date`
(`company.toml`); `opspulse run` refuses days before it. The run takes no `conf`: a run
with any conf key fails at once (the day is the data interval, not a parameter).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pendulum
from airflow.sdk import (
    Asset,
    AsyncCallback,
    CronDataIntervalTimetable,
    DeadlineAlert,
    TriggerRule,
    chain,
    dag,
    task,
)

from opspulse import lateness, nightly, settings
from opspulse.reports.notifier import DataTeamFailureNotifier

COMPANY = settings.load()
TZ = pendulum.timezone(COMPANY.timezone)
POOL = nightly.DUCKDB_POOL
PUBLISHED_MARTS = Asset(nightly.PUBLISHED_MARTS_ASSET)
DEADLINE = DeadlineAlert(  # reports not out by the company's report deadline: tell each role
    reference=lateness.report_deadline_reference(COMPANY),
    interval=timedelta(0),
    callback=AsyncCallback(lateness.deadline_missed),
    name="report_deadline",
)


@dag(
    dag_id="opspulse_nightly",
    doc_md=__doc__,
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone=TZ),
    start_date=datetime.combine(COMPANY.start_date, time(), tzinfo=TZ),
    catchup=False,
    max_active_runs=1,
    tags=["opspulse", "nightly"],
    params=nightly.RUN_PARAMS,
    deadline=None if lateness.parsed_by_dags_test() else DEADLINE,
    default_args={
        "owner": "data-platform",
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "execution_timeout": timedelta(minutes=30),
        "email_on_failure": False,
        "email_on_retry": False,
        "pool": POOL,
        "on_failure_callback": [DataTeamFailureNotifier()],
    },
)
def opspulse_nightly():
    @task
    def load_sources(**context) -> dict:
        return nightly.load_sources(*nightly.run_day(context))

    @task(retries=0)
    def audit_raw(**context) -> dict:
        return nightly.audit_raw(*nightly.run_day(context))

    @task
    def build_marts(**context) -> dict:
        return nightly.build_marts(*nightly.run_day(context))

    @task(retries=0)
    def audit_marts(**context) -> dict:
        return nightly.audit_marts(*nightly.run_day(context))

    @task(outlets=[PUBLISHED_MARTS])
    def publish_marts(**context) -> dict:
        return nightly.publish_marts(*nightly.run_day(context))

    @task(execution_timeout=timedelta(minutes=10))
    def send_reports(**context) -> dict:
        return nightly.send_reports(*nightly.run_day(context))

    @task(trigger_rule=TriggerRule.ONE_FAILED, retries=1, retry_delay=timedelta(seconds=20))
    def alert_data_team(**context) -> dict:
        return nightly.alert_data_team(*nightly.run_day(context, strict=False))

    @task(trigger_rule=TriggerRule.ONE_FAILED, retries=1, retry_delay=timedelta(seconds=20))
    def tell_stakeholders(**context) -> dict:
        refused = nightly.refused_conf(context)
        return nightly.tell_stakeholders(*nightly.run_day(context, strict=False), refused=refused)

    gated = [load_sources(), audit_raw(), build_marts(), audit_marts(), publish_marts()]
    chain(*gated, send_reports())
    gated >> alert_data_team()
    gated >> tell_stakeholders()


opspulse_nightly()
