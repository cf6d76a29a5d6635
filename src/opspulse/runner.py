"""``opspulse run``: the nightly DAG for one day or a range of days, through Airflow.

Each day D runs as ``airflow dags test opspulse_nightly <D + 1>`` (the run on the morning
after D reports on D, its data interval), one day after another, with the task progress
shown as it goes and the whole Airflow output kept in ``<home>/airflow/logs/run-<D>.log``.
The first failed day stops the range. A day counts as done only when Airflow ran its tasks
and every one of them succeeded: ``airflow dags test`` exits 0 without running anything for a
day before the DAG's ``start_date``, so days before the company's ``start_date`` are refused
up front, and a run without any task is a failure.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from opspulse import settings as settings_mod

DAG_ID = "opspulse_nightly"
ALERT_TASK = "alert_data_team"

_STARTING = re.compile(r"\[DAG TEST\] starting task_id=(\w+)")
_NEW_STATE = re.compile(r"Task instance state updated.*\bnew_state=(\w+)")
_RUN_STATE = re.compile(r"DagRun Finished: .*\bstate=(\w+)")
_TIMESTAMPED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:")


class RunRefused(RuntimeError):
    """The days asked for cannot run (before the start date, an empty range)."""


def say(message: str) -> None:
    print(f"[opspulse] {message}", flush=True)


def yesterday(cfg: settings_mod.Settings) -> date:
    """The company's yesterday, in its timezone."""
    return datetime.now(ZoneInfo(cfg.timezone)).date() - timedelta(days=1)


def days_to_run(cfg: settings_mod.Settings, start: date, end: date) -> list[date]:
    if end < start:
        raise RunRefused(f"--end {end} is before --start {start}")
    if start < cfg.start_date:
        where = cfg.company_file if cfg.company_file.exists() else "company.toml"
        raise RunRefused(
            f"{start} is before the company's start date {cfg.start_date}: set start_date in "
            f"[company] of {where} (or OPSPULSE_START_DATE) to {start} or earlier to run it"
        )
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


@dataclass
class DayRun:
    """What one ``airflow dags test`` did, read from its output as it streams."""

    ds: date
    log_file: Path
    on_event: Callable[[str], None] = lambda _: None
    tasks: dict[str, str] = field(default_factory=dict)
    """Each task that started and its latest state, in the order they started."""
    seconds: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    """The exception each failed task raised (its first lines)."""
    run_state: str | None = None
    code: int | None = None
    elapsed: float = 0.0
    _current: str | None = None
    _started: float = 0.0
    _exception: list[str] | None = None

    def feed(self, line: str) -> None:
        line = line.rstrip("\n")
        if self._exception is not None:
            if self._collect_exception(line):
                return
        if m := _STARTING.search(line):
            self._current, self._started = m.group(1), time.monotonic()
            self.tasks[self._current] = "running"
            self.on_event(f"  ▶ {self._current}")
        elif (m := _NEW_STATE.search(line)) and self._current:
            state = m.group(1)
            self.tasks[self._current] = state
            self.seconds[self._current] = time.monotonic() - self._started
            mark = "✓" if state == "success" else "✗"
            secs = self.seconds[self._current]
            self.on_event(f"    {mark} {self._current} {state} ({secs:.0f}s)")
        elif "Task failed with exception" in line:
            self._exception = []
        elif m := _RUN_STATE.search(line):
            self.run_state = m.group(1)

    def _collect_exception(self, line: str) -> bool:
        """Keep the exception line after a traceback (and a few lines of its message);
        False when ``line`` ends it and is to be read as an ordinary line."""
        assert self._exception is not None
        if not self._exception:
            if line.startswith(("Traceback", " ", "\t")) or not line.strip():
                return True
            if _TIMESTAMPED.match(line):
                self._exception = None
                return False
            self._exception.append(line.strip())
            return True
        if _TIMESTAMPED.match(line) or len(self._exception) >= 4:
            self.finish()
            return False
        self._exception.append(line.strip())
        return True

    def finish(self) -> None:
        """The output ended: keep an exception still being read."""
        if self._exception and self._current:
            self.errors[self._current] = "\n".join(self._exception)
            self.on_event("      " + self._exception[0][:300])
        self._exception = None

    @property
    def failed_task(self) -> str | None:
        for task, state in self.tasks.items():
            if task != ALERT_TASK and state not in ("success", "running"):
                return task
        return None

    @property
    def ok(self) -> bool:
        return (
            self.code == 0
            and bool(self.tasks)
            and all(state == "success" for state in self.tasks.values())
            and ALERT_TASK not in self.tasks
        )

    def problem(self) -> str:
        """Why the day is not done, in one message naming the day, the task and the log."""
        if not self.tasks:
            return (
                f"{self.ds}: Airflow ran no task (airflow dags test exited {self.code}); the "
                f"DAG's start_date or a DAG import error may be the cause; log: {self.log_file}"
            )
        task = self.failed_task
        if task is None:
            states = ", ".join(f"{t} {s}" for t, s in self.tasks.items())
            return (
                f"{self.ds}: the run did not succeed (exit {self.code}, run "
                f"{self.run_state or 'unknown'}; {states}); log: {self.log_file}"
            )
        error = " ".join(self.errors.get(task, "").split("\n")[:2])  # the first failure too
        return (
            f"{self.ds}: task {task} {self.tasks[task]}"
            + (f": {error[:500]}" if error else "")
            + f"; log: {self.log_file}"
        )

    def summary(self) -> str:
        if self.ok:
            return f"{self.ds}  ✓ {len(self.tasks)} tasks succeeded in {self.elapsed:.0f}s"
        task = self.failed_task
        where = f"failed at {task}" if task else "failed"
        if not self.tasks:
            where = "failed: no task ran"
        return f"{self.ds}  ✗ {where} in {self.elapsed:.0f}s (log: {self.log_file})"


def run_day(
    cfg: settings_mod.Settings,
    ds: date,
    env: Mapping[str, str],
    *,
    on_event: Callable[[str], None] = say,
    log_file: Path | None = None,
) -> DayRun:
    from opspulse.airflow_env import run_airflow

    logical = (ds + timedelta(days=1)).isoformat()
    log_file = log_file or cfg.airflow_home / "logs" / f"run-{ds}.log"
    day = DayRun(ds=ds, log_file=log_file, on_event=on_event)
    t0 = time.monotonic()
    day.code = run_airflow(["dags", "test", DAG_ID, logical], env, log_file, on_line=day.feed)
    day.finish()
    day.elapsed = time.monotonic() - t0
    return day


def run(
    start: date | None = None,
    end: date | None = None,
    *,
    env: Mapping[str, str] | None = None,
    smtp_port: int | None = None,
) -> int:
    """Run ``start`` .. ``end`` (default: yesterday) in order; stop at the first failed day."""
    from opspulse import home
    from opspulse.airflow_env import airflow_env

    cfg = settings_mod.load(env)
    for warning in home.check_ready(cfg, env):
        say(f"warning: {warning}")
    start = start or end or yesterday(cfg)
    end = end or start
    days = days_to_run(cfg, start, end)
    airflow = airflow_env(cfg, smtp_port=smtp_port, base=env)
    results: list[DayRun] = []
    for ds in days:
        say(f"{ds}: airflow dags test {DAG_ID} {ds + timedelta(days=1)}")
        day = run_day(cfg, ds, airflow)
        results.append(day)
        if not day.ok:
            say(f"FAILED {day.problem()}")
            break
    say("")
    for day in results:
        say(day.summary())
    for ds in days[len(results) :]:
        say(f"{ds}  - not run (an earlier day failed)")
    return 0 if all(d.ok for d in results) and len(results) == len(days) else 1
