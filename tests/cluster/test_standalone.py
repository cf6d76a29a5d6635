"""The single-machine default through the scheduler: what `make airflow-ui` starts
(`opspulse airflow standalone`: API server, scheduler with LocalExecutor, DAG processor and
triggerer on SQLite) runs a nightly triggered through the REST API to success, in a home
set up with `opspulse init`. The path a user takes when they stop using `dags test`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from cluster_checks import messages

pytestmark = pytest.mark.cluster

START, DAY, END = date(2026, 5, 1), date(2026, 5, 4), date(2026, 5, 5)
TIMEZONE = "Europe/Lisbon"


@pytest.fixture(scope="module")
def standalone_night(cluster_parts, tmp_path_factory):
    from cluster.local_cluster import AirflowApi, _tail, _wait, free_port
    from opspulse.demo import generate
    from opspulse.reports.sink import start_sink

    home = tmp_path_factory.mktemp("standalone") / "home"
    generate(START, END, home / "landing", scale=0.03, seed=11)
    smtp_port, api_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPSPULSE_", "AIRFLOW"))}
    env |= {
        "OPSPULSE_HOME": str(home),
        "OPSPULSE_SMTP_HOST": "127.0.0.1",
        "OPSPULSE_SMTP_PORT": str(smtp_port),
        "OPSPULSE_SMTP_STARTTLS": "false",
    }
    cli = [sys.executable, "-m", "opspulse.cli"]
    init = subprocess.run(
        [*cli, "init", "--name", "Solo Shop", "--timezone", TIMEZONE, "--currency", "EUR"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert init.returncode == 0, init.stdout + init.stderr
    # what `make airflow-ui` runs, on free ports and creating no run of the schedule
    env |= {
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
    }
    log = home.parent / "standalone.log"
    sink = start_sink(home / "outbox", "127.0.0.1", smtp_port)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*cli, "airflow", "standalone"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{api_port}"
        _wait(
            "airflow standalone",
            lambda: AirflowApi(url, "").call("GET", "/monitor/health", anonymous=True),
            240,
            proc,
            log,
        )
        api = AirflowApi.login(url, home / "airflow" / "passwords.json")
        api.wait_for_dag()
        t0 = time.monotonic()
        run_id = api.trigger_day(DAY, TIMEZONE)
        run = api.wait_for_run(run_id, timeout=900)
        seconds = time.monotonic() - t0
        tasks = api.task_instances(run_id)
        print(f"[standalone] {DAY}: {run['state']} in {seconds:.0f} s")
        if run["state"] != "success":
            print(_tail(log, 6000))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
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
    from opspulse import catalogue, settings

    home, _, _ = standalone_night
    os.environ["OPSPULSE_HOME"] = str(home)
    try:
        roles = sorted(catalogue.plan(settings.load()).active_roles)
    finally:
        os.environ.pop("OPSPULSE_HOME")
    mail = messages(home / "outbox")
    assert sorted(m["X-Opspulse-Role"] for m in mail) == roles
    assert {m["X-Opspulse-Date"] for m in mail} == {DAY.isoformat()}
