"""opspulse run: days in order through Airflow; never a success for work not done."""

from __future__ import annotations

from datetime import date

import pytest

from opspulse import cli, home, runner, settings

START = date(2018, 3, 1)

SUCCESS_LOG = """\
2026-12-07T01:44:05.508799Z [info     ] [DAG TEST] starting task_id=load_sources map_index=-1
2026-12-07T01:44:15.949926Z [info     ] Task instance state updated    [x] new_state=success rows_affected=1
2026-12-07T01:44:16.003977Z [info     ] [DAG TEST] starting task_id=send_reports map_index=-1
2026-12-07T01:44:26.921006Z [info     ] Task instance state updated    [x] new_state=success rows_affected=1
2026-12-07T01:45:05.504003Z [info     ] DagRun Finished: dag_id=opspulse_nightly, state=success, run_type=manual
"""

FAILURE_LOG = """\
2026-12-07T01:44:05.508799Z [info     ] [DAG TEST] starting task_id=load_sources map_index=-1
2026-12-07T01:44:15.949926Z [info     ] Task instance state updated    [x] new_state=success rows_affected=1
2026-12-07T01:44:52.539906Z [info     ] [DAG TEST] starting task_id=audit_marts map_index=-1
2026-12-07T01:45:05.087274Z [error    ] Task failed with exception     [task] loc=task_runner.py:1676
Traceback (most recent call last):
  File "/x/gate.py", line 100, in enforce
    raise QualityGateFailed(report)
opspulse.quality.gate.QualityGateFailed: Quality gate FAILED: marts audit of 2018-03-05
  - [critical] marts.rpt_x.y: z
2026-12-07T01:45:05.111813Z [info     ] Task instance state updated    [x] new_state=failed rows_affected=1
2026-12-07T01:45:05.140435Z [info     ] [DAG TEST] starting task_id=alert_data_team map_index=-1
2026-12-07T01:45:05.464768Z [info     ] Task instance state updated    [x] new_state=success rows_affected=1
2026-12-07T01:45:05.504003Z [info     ] DagRun Finished: dag_id=opspulse_nightly, state=failed, run_type=manual
"""


def read(log: str, code: int) -> runner.DayRun:
    day = runner.DayRun(ds=date(2018, 3, 5), log_file=runner.Path("/logs/run-2018-03-05.log"))
    for line in log.splitlines(keepends=True):
        day.feed(line)
    day.finish()
    day.code = code
    return day


def test_a_day_is_done_when_every_task_succeeded():
    day = read(SUCCESS_LOG, 0)
    assert day.ok and day.tasks == {"load_sources": "success", "send_reports": "success"}
    assert day.run_state == "success"


def test_a_failed_day_names_the_task_its_error_and_the_log():
    day = read(FAILURE_LOG, 1)
    assert not day.ok and day.failed_task == "audit_marts"
    problem = day.problem()
    assert problem.startswith("2018-03-05: task audit_marts failed: ")
    assert "QualityGateFailed: Quality gate FAILED" in problem
    assert "/logs/run-2018-03-05.log" in problem


def test_exit_0_without_any_task_is_a_failure():
    day = read("2026-12-07T01:44:05Z [info ] Created dag run.\nDagRun failed\n", 0)
    assert not day.ok
    assert "Airflow ran no task" in day.problem()
    assert "no task ran" in day.summary()


def test_days_run_in_order_from_the_start_date_on(opspulse_home):
    cfg = settings.load(
        {"OPSPULSE_HOME": str(opspulse_home.home), "OPSPULSE_START_DATE": "2018-03-01"}
    )
    assert runner.days_to_run(cfg, START, date(2018, 3, 3)) == [
        date(2018, 3, 1),
        date(2018, 3, 2),
        date(2018, 3, 3),
    ]
    with pytest.raises(runner.RunRefused, match="before --start"):
        runner.days_to_run(cfg, date(2018, 3, 3), START)


@pytest.fixture(scope="module")
def ready_home(tmp_path_factory):
    """A home set up by opspulse init, with a start date of 2018-03-01."""
    mp = pytest.MonkeyPatch()
    mp.setenv("OPSPULSE_HOME", str(tmp_path_factory.mktemp("run") / "home"))
    mp.setenv("OPSPULSE_SMTP_HOST", "127.0.0.1")
    mp.setenv("OPSPULSE_SMTP_STARTTLS", "false")
    mp.delenv("AIRFLOW_CONN_OPSPULSE_SMTP", raising=False)
    home.init(home.Company(timezone="Europe/Lisbon", currency="EUR", start_date=START))
    yield settings.load()
    mp.undo()


def test_run_before_the_start_date_fails_naming_the_setting(ready_home, monkeypatch, capsys):
    monkeypatch.setenv("OPSPULSE_HOME", str(ready_home.home))
    assert cli.main(["run", "--start", "2018-02-27", "--end", "2018-03-02"]) == 1
    err = capsys.readouterr().err
    assert "2018-02-27 is before the company's start date 2018-03-01" in err
    assert "start_date in [company]" in err and str(ready_home.company_file) in err


def test_a_day_airflow_runs_no_task_for_is_reported_as_a_failure(ready_home, monkeypatch):
    """`airflow dags test` for a day before the DAG's start_date exits 0 and runs nothing."""
    from opspulse.airflow_env import airflow_env

    monkeypatch.setenv("OPSPULSE_HOME", str(ready_home.home))
    day = runner.run_day(ready_home, date(2018, 2, 1), airflow_env(ready_home), on_event=print)
    assert day.code == 0 and not day.tasks
    assert not day.ok and "Airflow ran no task" in day.problem()


def test_run_refuses_a_home_that_was_not_set_up(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OPSPULSE_HOME", str(tmp_path / "home"))
    assert cli.main(["run", "--ds", "2018-03-05"]) == 1
    assert "run opspulse init first" in capsys.readouterr().err


def test_run_refuses_a_company_file_edited_to_a_bad_currency(ready_home, monkeypatch, capsys):
    company = ready_home.company_file
    monkeypatch.setenv("OPSPULSE_HOME", str(ready_home.home))
    original = company.read_text()
    company.write_text(original.replace('currency = "EUR"', 'currency = "EURO"'))
    try:
        assert cli.main(["run", "--ds", "2018-03-05"]) == 1
    finally:
        company.write_text(original)
    err = capsys.readouterr().err
    assert str(company) in err and "currency 'EURO'" in err
