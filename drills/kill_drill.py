"""The kill drill: SIGKILL a nightly run at a random moment, re-run it, and check the promises.

For each trial the same home is restored to the state after a clean night ``DAY`` (marts
published as of ``DAY``, 14 reports sent), the run of ``DAY + 1`` is started through
``airflow dags test`` in its own process group and killed with SIGKILL after a random delay
drawn over the length of a clean run (so every task, publish and send included, gets hit),
then the same day is run again. Checked per trial:

- **old or new**: right after the kill the published marts open, and hold exactly the
  publication of ``DAY`` (old) or of ``DAY + 1`` (new), never a mix (a fingerprint of every
  published table's values: lineage columns such as ``source_loaded_at`` and ``run_id``, and
  the stage durations in ``rpt_data__daily`` (``*_seconds``), aside);
- **re-run equal**: after the re-run the published marts equal those of a clean run of
  ``DAY + 1`` (same fingerprint), and are published as of ``DAY + 1``;
- **one email per role**: over the killed run and the re-run, every role got the report of
  ``DAY + 1`` exactly once (one Message-ID per role; a copy with the same Message-ID, sent
  again because a kill landed between the end of DATA and the ledger's record, is counted
  apart: the ledger's at-least-once rule, which a receiver drops);
- **the data role**: after the re-run, the headline numbers of ``rpt_data__daily`` for
  ``DAY + 1`` are those of the clean run (rows loaded, files quarantined, checks passed).

``--kill-in STAGE`` draws the delay inside that stage's span in the clean run instead (the
middle of it), to hit one stage on purpose (``killed_in`` says where the kill landed).

The drill exits non-zero when any trial breaks a guarantee (or a clean night fails) and
prints one line per guarantee. ``make drills`` runs it small and bounded, as CI can.

Usage (about 1.5 min per trial on 2 cores; the results go to ``drills/results/kills.json``)::

    make drill-kills TRIALS=10
    make drills
    uv run python drills/kill_drill.py --trials 10 --seed 1
    uv run python drills/kill_drill.py --trials 2 --kill-in build_marts
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from email.policy import default as email_policy
from pathlib import Path

import duckdb

START, DAY = date(2026, 10, 20), date(2026, 11, 12)
NEXT = DAY + timedelta(days=1)
DATA_KPIS = ("rows_loaded", "files_quarantined", "pct_expectations_passed", "pct_data_trust")
RESULTS = Path(__file__).resolve().parent / "results" / "kills.json"
STAGES = (
    "load_sources",
    "audit_raw",
    "build_marts",
    "audit_marts",
    "publish_marts",
    "send_reports",
)


def say(message: str) -> None:
    print(f"[kill drill] {message}", flush=True)


def _stable(value):
    return float(f"{value:.12g}") if isinstance(value, float) else value


#: Columns that say when or by which run a row was written, not what it says: two clean runs
#: of the same day differ there and nowhere else.
LINEAGE_COLUMNS = {"loaded_at", "source_loaded_at", "run_id", "published_at"}
#: The data role's records of how long the runs' stages took: two clean runs of the same day
#: differ there. Everything else of the data role (the previous run's checks, publish status
#: and emails, the roles) is compared like any table.
RUN_DURATIONS = {"rpt_data__daily": "_seconds"}


def table_hashes(marts_db: Path) -> dict[str, str] | None:
    """Per published table, a hash of its rows without their lineage columns; None when
    there is no publication, ``{"unreadable": ...}`` when it does not open."""
    import hashlib

    if not marts_db.exists():
        return None
    try:
        con = duckdb.connect(str(marts_db), read_only=True)
    except duckdb.Error as exc:
        return {"unreadable": str(exc)}
    try:
        hashes = {}
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name <> 'meta' "
            "order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            duration = RUN_DURATIONS.get(table)
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = ? "
                    "and table_name = ? order by column_index",
                    [schema, table],
                ).fetchall()
                if c not in LINEAGE_COLUMNS and not (duration and c.endswith(duration))
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'select {select} from {schema}."{table}" order by all')
            stable = [tuple(map(_stable, r)) for r in rows.fetchall()]
            hashes[f"{schema}.{table}"] = hashlib.sha256(repr(stable).encode()).hexdigest()
        return hashes
    finally:
        con.close()


def fingerprint(marts_db: Path) -> str | None:
    """Every published business table's rows, hashed; None without a publication."""
    hashes = table_hashes(marts_db)
    return None if hashes is None else json.dumps(hashes, sort_keys=True)


def differing(a: str | None, b: str | None) -> list[str]:
    """The tables whose rows differ between two fingerprints."""
    left, right = json.loads(a or "{}"), json.loads(b or "{}")
    return sorted(k for k in {*left, *right} if left.get(k) != right.get(k))


def data_kpis(marts_db: Path, day: date) -> dict[str, object]:
    with duckdb.connect(str(marts_db), read_only=True) as con:
        row = con.execute(
            f"select {', '.join(DATA_KPIS)} from marts.rpt_data__daily where report_date = ?",
            [day],
        ).fetchone()
    return dict(zip(DATA_KPIS, map(_stable, row or (None,) * len(DATA_KPIS)), strict=True))


def reports_by_role(outbox: Path, day: date) -> tuple[Counter, Counter]:
    """Per role, the distinct Message-IDs of the reports of ``day``, and all copies."""
    ids: dict[str, set[str]] = {}
    copies: Counter = Counter()
    for path in outbox.glob("*.eml"):
        msg = message_from_bytes(path.read_bytes(), policy=email_policy)
        role = msg.get("X-Opspulse-Role")
        if msg.get("X-Opspulse-Date") != day.isoformat() or msg.get("X-Opspulse-Kind") != "report":
            continue
        ids.setdefault(role, set()).add(msg["Message-ID"])
        copies[role] += 1
    return Counter({role: len(v) for role, v in ids.items()}), copies


def published_ds(cfg) -> date | None:
    from opspulse.warehouse.publish import published_ds as read

    try:
        return read(cfg)
    except Exception:  # noqa: BLE001 - an unreadable publication is a finding, not a crash
        return None


@contextlib.contextmanager
def group(argv: list[str], env: dict, **popen):
    """A process in a session of its own; its whole group is killed when the block leaves
    with an exception (a timeout, the drill's own SIGTERM), so no Airflow task outlives it."""
    proc = subprocess.Popen(argv, env=env, text=True, start_new_session=True, **popen)
    try:
        yield proc
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise


def _stop_on_sigterm() -> None:
    """``timeout`` (make drills) sends SIGTERM: unwind, so the run's processes are killed and
    the work folder removed (once: timeout signals both ``uv`` and its group, and uv passes
    its own on, so a second SIGTERM must not break the clean-up)."""

    def stop(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise SystemExit(f"[kill drill] stopped by signal {signum}")

    signal.signal(signal.SIGTERM, stop)


@dataclass
class Trial:
    n: int
    kill_after_seconds: float
    killed_in: str
    after_kill: str
    published_after_kill: str | None
    rerun_code: int
    rerun_equal: bool
    rerun_tables_differing: list[str]
    rerun_published: str | None
    one_report_per_role: bool
    duplicate_copies: int
    data_kpis_equal: bool
    problems: list[str] = field(default_factory=list)


class Drill:
    def __init__(self, work: Path, scale: float):
        from opspulse import settings
        from opspulse.airflow_env import airflow_env
        from opspulse.quickstart import free_port

        self.home = work / "home"
        self.base = work / "base"
        os.environ["OPSPULSE_HOME"] = str(self.home)
        self.cfg = settings.load()
        self.port = free_port()
        self.env = airflow_env(self.cfg, smtp_port=self.port)
        self.scale = scale

    def airflow(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        """Run ``airflow`` in its own process group, killed whole if the drill stops."""
        from opspulse.airflow_env import airflow_executable

        argv = [airflow_executable(), *args]
        with group(argv, self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
            out, err = proc.communicate(timeout=timeout)
        return subprocess.CompletedProcess(argv, proc.returncode, out, err)

    def night(self, day: date) -> tuple[int, float, str]:
        t0 = time.perf_counter()
        done = self.airflow(
            "dags", "test", "opspulse_nightly", (day + timedelta(days=1)).isoformat()
        )
        return done.returncode, time.perf_counter() - t0, done.stdout + done.stderr

    def set_up(self) -> None:
        from opspulse.demo import generate
        from opspulse.nightly import DUCKDB_POOL

        say(f"generating the demo company {START}..{NEXT} at scale {self.scale}")
        generate(START, NEXT, self.cfg.landing_dir, scale=self.scale, seed=7)
        self.cfg.airflow_home.mkdir(parents=True)
        for args in (["db", "migrate"], ["pools", "set", DUCKDB_POOL, "1", "duckdb"]):
            done = self.airflow(*args)
            if done.returncode:
                sys.exit(
                    f"airflow {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
                )
        code, seconds, log = self.night(DAY)
        if code:
            sys.exit(f"the clean night {DAY} failed; its log ends:\n{log[-3000:]}")
        say(f"clean night {DAY}: published in {seconds:.0f}s; snapshot taken")
        shutil.copytree(self.home, self.base, symlinks=True)

    def restore(self) -> None:
        shutil.rmtree(self.home)
        shutil.copytree(self.base, self.home, symlinks=True)

    def stage_spans(self, started: datetime) -> dict[str, tuple[float, float]]:
        """Per stage of the latest run of ``NEXT``, its start and end in seconds after
        ``started`` (when the run's process was started)."""
        with duckdb.connect(str(self.cfg.build_db), read_only=True) as con:
            rows = con.execute(
                "select stage, started_at, seconds from ops.stage_runs where run_id = ("
                "select arg_max(run_id, started_at) from ops.stage_runs where ds = ?)",
                [NEXT],
            ).fetchall()
        spans = {}
        for stage, at, seconds in rows:
            begin = (at - started).total_seconds()
            spans[stage] = (begin, begin + seconds)
        return spans

    def last_stage(self) -> str:
        """The stage the killed run was in: the first of the nightly's order it did not end."""
        order = STAGES
        try:
            with duckdb.connect(str(self.cfg.build_db), read_only=True) as con:
                done = {
                    r[0]
                    for r in con.execute(
                        "select stage from ops.stage_runs where ds = ? and status = 'success'",
                        [NEXT],
                    ).fetchall()
                }
        except duckdb.Error:
            return "unknown"
        return next((s for s in order if s not in done), "after send_reports")


def run(
    trials: int, seed: int, scale: float, keep: Path | None, kill_in: str | None = None
) -> dict:
    from opspulse.airflow_env import airflow_executable
    from opspulse.reports.sink import start_sink

    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="opspulse-kill-drill-", dir=keep))
    drill = Drill(work, scale)
    sink = start_sink(drill.cfg.outbox_dir, "127.0.0.1", drill.port)
    try:
        drill.set_up()
        old = fingerprint(drill.cfg.marts_db)
        started = datetime.now(UTC).replace(tzinfo=None)
        code, clean_seconds, log = drill.night(NEXT)
        if code:
            sys.exit(f"the clean night {NEXT} failed; its log ends:\n{log[-3000:]}")
        new = fingerprint(drill.cfg.marts_db)
        clean_data = data_kpis(drill.cfg.marts_db, NEXT)
        clean_reports, _ = reports_by_role(drill.cfg.outbox_dir, NEXT)
        say(f"clean night {NEXT}: {clean_seconds:.0f}s, {sum(clean_reports.values())} reports")
        spans = drill.stage_spans(started) if kill_in else {}
        if kill_in:
            begin, end = spans[kill_in]
            say(f"killing in {kill_in}: {begin:.0f}s..{end:.0f}s into the clean run")
        results: list[Trial] = []
        for n in range(1, trials + 1):
            drill.restore()
            for path in drill.cfg.outbox_dir.glob("*.eml"):
                path.unlink()
            if kill_in:
                begin, end = spans[kill_in]
                delay = rng.uniform(begin + 0.25 * (end - begin), begin + 0.75 * (end - begin))
            else:
                delay = rng.uniform(2.0, clean_seconds)
            argv = [
                airflow_executable(),
                "dags",
                "test",
                "opspulse_nightly",
                (NEXT + timedelta(days=1)).isoformat(),
            ]
            with group(
                argv, drill.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            ) as proc:
                time.sleep(delay)
                finished_first = proc.poll() is not None
                if not finished_first:
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            killed_in = "finished before the kill" if finished_first else drill.last_stage()
            after = fingerprint(drill.cfg.marts_db)
            state = "old" if after == old else "new" if after == new else "MIX"
            published_after = published_ds(drill.cfg)
            code, seconds, log = drill.night(NEXT)
            final = fingerprint(drill.cfg.marts_db)
            distinct, copies = reports_by_role(drill.cfg.outbox_dir, NEXT)
            trial = Trial(
                n=n,
                kill_after_seconds=round(delay, 1),
                killed_in=killed_in,
                after_kill=state,
                published_after_kill=str(published_after) if published_after else None,
                rerun_code=code,
                rerun_equal=final == new,
                rerun_tables_differing=differing(final, new),
                rerun_published=str(published_ds(drill.cfg)),
                one_report_per_role=distinct == clean_reports,
                duplicate_copies=sum(copies.values()) - sum(distinct.values()),
                data_kpis_equal=data_kpis(drill.cfg.marts_db, NEXT) == clean_data,
            )
            if state == "MIX":
                trial.problems.append("the published marts after the kill are neither old nor new")
            if code or not trial.rerun_equal:
                trial.problems.append(
                    f"re-run exit {code}, equal to a clean run: {trial.rerun_equal}; "
                    f"tables differing: {trial.rerun_tables_differing}"
                )
                (work / f"rerun-{n}.log").write_text(log)
            if not trial.one_report_per_role:
                trial.problems.append(f"reports per role {dict(distinct)}")
            if not trial.data_kpis_equal:
                trial.problems.append(
                    f"data KPIs {data_kpis(drill.cfg.marts_db, NEXT)} against {clean_data}"
                )
            results.append(trial)
            say(
                f"trial {n}/{trials}: killed after {delay:.0f}s in {killed_in}; published "
                f"{state}; re-run {'equal' if trial.rerun_equal else 'DIFFERENT'} in "
                f"{seconds:.0f}s; one report per role {trial.one_report_per_role}"
                f"{f' ({trial.duplicate_copies} same-Message-ID copies)' if trial.duplicate_copies else ''}"
                f"; data KPIs {'equal' if trial.data_kpis_equal else 'DIFFERENT'}"
            )
    finally:
        sink.stop()
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    summary = {
        "trials": trials,
        "seed": seed,
        "scale": scale,
        "kill_in": kill_in,
        "clean_run_seconds": round(clean_seconds, 1),
        "killed_in": dict(Counter(t.killed_in for t in results)),
        "published_old_or_new": sum(t.after_kill != "MIX" for t in results),
        "rerun_equal_to_clean": sum(t.rerun_code == 0 and t.rerun_equal for t in results),
        "one_report_per_role": sum(t.one_report_per_role for t in results),
        "same_message_id_copies": sum(t.duplicate_copies for t in results),
        "data_kpis_equal_to_clean": sum(t.data_kpis_equal for t in results),
        "results": [asdict(t) for t in results],
    }
    return summary


#: The guarantees, as the summary counts them (key in kills.json, name in the summary).
GUARANTEES = (
    ("published_old_or_new", "published old-or-new"),
    ("rerun_equal_to_clean", "equal to a clean run"),
    ("one_report_per_role", "one email per role"),
    ("data_kpis_equal_to_clean", "data KPIs equal to a clean run"),
)


def report(summary: dict) -> list[str]:
    """One line per guarantee, then the drill's line; broken guarantees name their trials."""
    t = summary["trials"]
    lines = []
    for key, name in GUARANTEES:
        held = summary[key]
        broken = [r["n"] for r in summary["results"] if not _held(key, r)]
        verdict = "held" if not broken else f"BROKEN in trial(s) {broken}"
        lines.append(f"{name}: {held}/{t} {verdict}")
    counts = ", ".join(f"{name} {summary[key]}/{t}" for key, name in GUARANTEES)
    lines.append(
        f"kills {t}: {counts}; killed in {summary['killed_in']}; "
        f"{summary['same_message_id_copies']} same-Message-ID copies"
    )
    return lines


def _held(key: str, result: dict) -> bool:
    return {
        "published_old_or_new": result["after_kill"] != "MIX",
        "rerun_equal_to_clean": result["rerun_code"] == 0 and result["rerun_equal"],
        "one_report_per_role": result["one_report_per_role"],
        "data_kpis_equal_to_clean": result["data_kpis_equal"],
    }[key]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument(
        "--kill-in", choices=STAGES, help="kill inside this stage (its span in the clean run)"
    )
    parser.add_argument("--keep", type=Path, help="keep the drill's home under this folder")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    _stop_on_sigterm()
    t0 = time.perf_counter()
    summary = run(args.trials, args.seed, args.scale, args.keep, args.kill_in)
    summary["wall_seconds"] = round(time.perf_counter() - t0, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2) + "\n")
    for line in report(summary):
        say(line)
    say(f"{summary['wall_seconds']:.0f}s in all; written to {args.out}")
    broken = any(r["problems"] for r in summary["results"]) or any(
        not _held(key, r) for key, _ in GUARANTEES for r in summary["results"]
    )
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
