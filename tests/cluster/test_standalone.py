"""The single-machine default through the scheduler: what `make airflow-ui` starts
(`opspulse airflow standalone`: API server, scheduler with LocalExecutor, DAG processor and
triggerer on SQLite) runs a nightly triggered through the REST API to success, in a home
set up with `opspulse init`. The path a user takes when they stop using `dags test`.
"""

from __future__ import annotations

import sys
import time
from datetime import date

import pytest
from cluster_checks import active_roles, messages

pytestmark = pytest.mark.cluster

START, DAY, END = date(2026, 5, 1), date(2026, 5, 4), date(2026, 5, 5)
TIMEZONE = "Europe/Lisbon"


@pytest.fixture(scope="module")
def standalone_night(cluster_parts, tmp_path_factory, init_company):
    from cluster.local_cluster import AirflowApi, Process, wait_for_api
    from opspulse.demo import generate
    from opspulse.quickstart import free_port
    from opspulse.reports.sink import start_sink

    home = tmp_path_factory.mktemp("standalone") / "home"
    generate(START, END, home / "landing", scale=0.03, seed=11)
    smtp_port, api_port = free_port(), free_port()
    env = init_company(
        home, smtp_port, "--name", "Solo Shop", "--timezone", TIMEZONE, "--currency", "EUR"
    )
    cli = [sys.executable, "-m", "opspulse.cli"]
    # what `make airflow-ui` runs, on free ports and creating no run of the schedule
    env |= {
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
    }
    sink = start_sink(home / "outbox", "127.0.0.1", smtp_port)
    log = home.parent / "standalone.log"
    standalone = Process.start("standalone", [*cli, "airflow", "standalone"], env, log)
    try:
        url = f"http://127.0.0.1:{api_port}"
        wait_for_api(url, standalone)
        api = AirflowApi.login(url, home / "airflow" / "passwords.json")
        api.wait_for_dag()
        t0 = time.monotonic()
        run_id = api.trigger_day(DAY, TIMEZONE)
        run = api.wait_for_run(run_id, timeout=900)
        seconds = time.monotonic() - t0
        tasks = api.task_instances(run_id)
        print(f"[standalone] {DAY}: {run['state']} in {seconds:.0f} s")
        if run["state"] != "success":
            print(log.read_text(errors="replace")[-6000:])
    finally:
        standalone.stop(timeout=60)
        sink.stop()
    return home, run, tasks


def test_the_scheduler_runs_a_triggered_night_with_the_local_executor(standalone_night):
    _, run, tasks = standalone_night
    assert run["state"] == "success"
    states = {ti["task_id"]: ti["state"] for ti in tasks}
    assert states["send_reports"] == "success", states
    assert states["alert_data_team"] == states["tell_stakeholders"] == "skipped"
    ran = [ti for ti in tasks if ti["state"] == "success"]
    assert len(ran) == 6
    assert {ti["executor"] or "LocalExecutor" for ti in ran} == {"LocalExecutor"}


def test_each_active_role_gets_its_report_for_the_day(standalone_night):
    home, _, _ = standalone_night
    roles = active_roles(home)
    mail = messages(home / "outbox")
    assert sorted(m["X-Opspulse-Role"] for m in mail) == roles
    assert {m["X-Opspulse-Date"] for m in mail} == {DAY.isoformat()}
