"""The nightly DAG on Airflow's CeleryExecutor, for real: PostgreSQL, Redis, the API server,
scheduler, DAG processor, triggerer and two Celery workers, each a process of this machine
with docker-compose.yml's settings (cluster/local_cluster.py). The home is set up with
`opspulse init`, as a company does; two days are triggered through the REST API
(authenticated) one after the other, and the scheduler hands their tasks to the workers.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from cluster_checks import active_roles, home_settings, messages, task_log_text

pytestmark = pytest.mark.cluster

START, DAY, END = date(2026, 3, 1), date(2026, 3, 6), date(2026, 3, 8)
TIMEZONE = "Asia/Tokyo"
GATED = ["load_sources", "audit_raw", "build_marts", "audit_marts", "publish_marts"]
LOCK_ERRORS = ("Could not set lock on file", "Conflicting lock is held")


@dataclass
class Night:
    day: date
    run: dict
    tasks: list[dict]
    seconds: float
    logs: dict[str, str]


@dataclass
class World:
    home: Path
    nights: list[Night]
    anonymous: str
    pool: dict
    workers_alive: list[str]
    started: list[str]
    deadlines: list[tuple]


@pytest.fixture(scope="module")
def world(cluster_parts, tmp_path_factory) -> World:
    from cluster.local_cluster import ClusterError, demo_cluster

    home = tmp_path_factory.mktemp("celery") / "home"
    say = lambda m: print(f"[cluster] {m}", flush=True)  # noqa: E731
    options = ("--name", "Cluster Coffee", "--timezone", TIMEZONE, "--currency", "JPY")
    with demo_cluster(home, START, END, init_options=options, scheduled=False, progress=say) as (
        cluster,
        _sink,
    ):
        api = cluster.api()
        api.wait_for_dag()
        nights = []
        for day in (DAY, DAY + timedelta(days=1)):
            t0 = time.monotonic()
            run_id = api.trigger_day(day, TIMEZONE)
            run = api.wait_for_run(run_id)
            seconds = time.monotonic() - t0
            tasks = api.task_instances(run_id)
            logs = task_log_text(Path(cluster.env["AIRFLOW_HOME"]) / "logs", run_id)
            nights.append(Night(day, run, tasks, seconds, logs))
            say(f"{day}: {run['state']} in {seconds:.0f} s")
            for ti in sorted(tasks, key=lambda t: t.get("start_date") or ""):
                say(
                    f"  {ti['task_id']:<18} {ti['state'] or '-':<8} {ti.get('hostname') or '-':<9}"
                    f" {ti.get('duration') or 0:6.1f} s"
                )
            if run["state"] != "success":
                say(cluster.logs_tail())
        try:
            api.call("GET", "/dags", anonymous=True)
            anonymous = "served"
        except ClusterError as exc:
            anonymous = str(exc)
        pool = api.call("GET", "/pools/opspulse_duckdb")
        alive = cluster.alive()
        started = [p.name for p in cluster.processes]
        deadlines = cluster.query(
            "select r.run_id, d.missed, c.state, c.output from deadline d"
            " join dag_run r on r.id = d.dagrun_id left join callback c on c.id = d.callback_id"
        )
        say("timings: " + json.dumps({k: round(v, 1) for k, v in cluster.timings.items()}))
    return World(home, nights, anonymous, pool, alive, started, deadlines)


def test_both_days_succeed_through_the_scheduler_and_the_celery_workers(world):
    for night in world.nights:
        assert night.run["state"] == "success", night.day
        assert night.run["run_type"] == "manual"
        states = {ti["task_id"]: ti["state"] for ti in night.tasks}
        assert all(states[t] == "success" for t in [*GATED, "send_reports"]), states
        assert states["alert_data_team"] == states["tell_stakeholders"] == "skipped"
        ran = [ti for ti in night.tasks if ti["state"] == "success"]
        assert {ti["executor"] or "CeleryExecutor" for ti in ran} == {"CeleryExecutor"}
        assert all(ti["hostname"] in {"worker-1", "worker-2"} for ti in ran), ran


def test_two_workers_compete_for_the_tasks_and_the_pool_keeps_one_duckdb_writer(world):
    ran = [ti for night in world.nights for ti in night.tasks if ti["state"] == "success"]
    assert {ti["hostname"] for ti in ran} == {"worker-1", "worker-2"}
    assert world.pool["slots"] == 1
    assert all(ti["pool"] == "opspulse_duckdb" for ti in ran)
    spans = sorted((ti["start_date"], ti["end_date"]) for ti in ran)
    overlapping = [(a, b) for a, b in zip(spans, spans[1:], strict=False) if b[0] < a[1]]
    assert not overlapping, "two tasks held the DuckDB pool at once"
    for night in world.nights:
        assert all(ti["try_number"] == 1 for ti in night.tasks if ti["state"] == "success")
        assert set(night.logs) >= {*GATED, "send_reports"}
        for task, text in night.logs.items():
            assert not any(e in text for e in LOCK_ERRORS), f"{night.day} {task}: DuckDB lock"
    assert world.workers_alive == world.started, "a part of the cluster died"


def test_each_day_is_published_and_each_active_role_gets_one_email(world):
    from opspulse.warehouse.publish import publication

    cfg = home_settings(world.home)
    roles = active_roles(world.home)
    current = publication(cfg)
    assert len(roles) == 14
    assert cfg.timezone == TIMEZONE
    assert current.ds == world.nights[-1].day
    mail = messages(world.home / "outbox")
    for night in world.nights:
        sent = sorted(
            m["X-Opspulse-Role"] for m in mail if m["X-Opspulse-Date"] == night.day.isoformat()
        )
        assert sent == roles, night.day
    assert all(m["X-Opspulse-Kind"] == "report" for m in mail)


def test_the_rest_api_refuses_an_anonymous_request(world):
    assert "HTTP 401" in world.anonymous or "HTTP 403" in world.anonymous, world.anonymous


def test_the_deadline_alert_of_an_old_day_runs_in_the_triggerer_and_tells_nobody(world):
    """Each triggered day is months old: its report deadline passed long ago, so the
    scheduler marks it missed at once and the triggerer runs the callback, which tells
    nobody (a late notice only within a day of its deadline)."""
    runs = {night.run["dag_run_id"] for night in world.nights}
    assert {row[0] for row in world.deadlines} == runs
    for _run_id, missed, state, output in world.deadlines:
        assert missed and state == "success", (state, output)
        assert json.loads(output)["action"] == "stale"
