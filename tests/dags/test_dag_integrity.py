"""DAG policy: every DAG imports, is light to parse, and follows the house rules."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, time, timedelta

import pytest

from opspulse.nightly import DUCKDB_POOL
from opspulse.settings import REPO_ROOT

DAG_FILES = sorted((REPO_ROOT / "dags").glob("*.py"))
HEAVY = {"duckdb", "great_expectations", "dbt", "pandas", "pyarrow", "numpy", "aiosmtpd"}
GATES = {"audit_raw", "audit_marts"}


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {p.stem for p in DAG_FILES}


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_files_import_nothing_heavy_at_module_level(path):
    tree = ast.parse(path.read_text())
    imported = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & HEAVY
    assert ast.get_docstring(tree), "a DAG file starts with a docstring used as doc_md"


def test_heavy_libraries_are_not_loaded_by_parsing(tmp_path):
    import subprocess
    import sys

    code = (
        f"import sys, runpy; runpy.run_path({str(DAG_FILES[0])!r}); "
        f"print(sorted(m for m in {sorted(HEAVY)!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "AIRFLOW_HOME": str(tmp_path)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_policy_of_every_dag_and_task(dagbag):
    for dag in dagbag.dags.values():
        assert dag.tags and "opspulse" in dag.tags
        assert dag.max_active_runs == 1
        assert dag.doc_md
        assert not dag.catchup
        dag.topological_sort()  # raises on a cycle
        for task in dag.tasks:
            assert task.owner == "data-platform", task.task_id
            assert task.pool == DUCKDB_POOL, task.task_id
            assert task.execution_timeout is not None, task.task_id
            assert task.execution_timeout <= timedelta(hours=1), task.task_id
            assert task.email_on_retry is False, task.task_id
            if task.task_id in GATES:
                assert task.retries == 0, f"{task.task_id}: a failed check fails at once"
            else:
                assert task.retries >= 1, task.task_id
                assert task.retry_delay > timedelta(0), task.task_id


def test_every_task_alerts_the_data_team_when_it_fails(dagbag):
    from opspulse.reports.notifier import DataTeamFailureNotifier

    for dag in dagbag.dags.values():
        for task in dag.tasks:
            callbacks = task.on_failure_callback
            callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
            assert any(isinstance(c, DataTeamFailureNotifier) for c in callbacks), task.task_id
            assert task.email_on_failure is False, f"{task.task_id}: one alert per failure"


def test_nightly_flow_is_gated(dagbag):
    dag = dagbag.dags["opspulse_nightly"]
    order = [
        "load_sources",
        "audit_raw",
        "build_marts",
        "audit_marts",
        "publish_marts",
        "send_reports",
    ]
    for upstream, downstream in zip(order, order[1:], strict=False):
        assert dag.get_task(downstream).upstream_task_ids == {upstream}
    alert = dag.get_task("alert_data_team")
    assert alert.upstream_task_ids == set(order[:-1])
    assert alert.trigger_rule == "one_failed"
    assert "send_reports" not in alert.upstream_task_ids
    told = dag.get_task("tell_stakeholders")
    assert told.upstream_task_ids == set(order[:-1])
    assert told.trigger_rule == "one_failed"


def test_the_report_deadline_is_an_airflow_deadline_alert_in_the_companys_timezone(dagbag):
    """The DAG's deadline alert evaluates to the report deadline of the run's day, in the
    company's timezone, on both sides of a daylight-saving change."""
    import inspect
    from zoneinfo import ZoneInfo

    from airflow.serialization.serialized_objects import DagSerialization

    from opspulse import lateness

    dag = dagbag.dags["opspulse_nightly"]
    (alert,) = dag.deadline
    assert alert.interval == timedelta(0)
    assert alert.callback.path == "opspulse.lateness.deadline_missed"
    assert inspect.iscoroutinefunction(lateness.deadline_missed)
    back = DagSerialization.from_dict(DagSerialization.to_dict(dag))  # the plugin decodes it
    assert back.deadline
    berlin = lateness.ReportDeadline(at="07:00:00", timezone="Europe/Berlin")
    tz = ZoneInfo("Europe/Berlin")
    for day in (date(2026, 10, 24), date(2026, 10, 25), date(2026, 3, 28), date(2026, 3, 29)):
        start = datetime.combine(day, datetime.min.time(), tz)  # the data interval's start
        due = berlin.due(start.astimezone(UTC))
        assert due.astimezone(tz) == datetime.combine(day + timedelta(days=1), time(7), tz)


def test_the_run_declares_its_params_and_refuses_unknown_conf(dagbag):
    from types import SimpleNamespace

    from airflow.sdk.exceptions import AirflowFailException

    from opspulse import nightly

    dag = dagbag.dags["opspulse_nightly"]
    assert set(dag.params.keys()) == set(nightly.RUN_PARAMS) == set()

    def context(conf):
        return {
            "dag_run": SimpleNamespace(conf=conf),
            "run_id": "manual__1",
            "data_interval_start": datetime(2026, 11, 27, tzinfo=UTC),
            "logical_date": datetime(2026, 11, 27, tzinfo=UTC),
        }

    assert nightly.run_day(context({})) == (date(2026, 11, 27), "manual__1")
    assert nightly.run_day(context(None))[0] == date(2026, 11, 27)
    with pytest.raises(AirflowFailException, match=r"unknown conf key\(s\) 'ds', 'surprise'"):
        nightly.run_day(context({"surprise": 1, "ds": "2026-01-01"}))
    # the alert still runs for such a run: it tells the data team the run failed
    assert nightly.run_day(context({"surprise": 1}), strict=False)[0] == date(2026, 11, 27)


def test_a_run_with_unknown_conf_fails_at_once_under_airflow(tmp_path):
    """The drill: `airflow dags test ... --conf '{"surprise": 1}'` exits non-zero, the first
    task fails naming the key, and nothing is loaded."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    venv_bin = Path(sys.executable).parent
    home = tmp_path / "af"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "OPSPULSE_"))},
        "OPSPULSE_HOME": str(tmp_path / "home"),
        "OPSPULSE_START_DATE": "2026-01-01",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    airflow = str(venv_bin / "airflow")
    migrate = subprocess.run([airflow, "db", "migrate"], env=env, capture_output=True, text=True)
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    run = subprocess.run(
        [airflow, "dags", "test", "opspulse_nightly", "2026-11-27", "--conf", '{"surprise": 1}'],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = run.stdout + run.stderr
    assert run.returncode != 0
    assert "unknown conf key(s) 'surprise'" in out
    assert not (tmp_path / "home" / "warehouse" / "build.duckdb").exists()
