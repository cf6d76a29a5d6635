"""The kill drill: SIGKILL a nightly run at a random moment, re-run it, and check the promises.

For each trial the same home is restored to the state after a clean night ``DAY`` (marts
published as of ``DAY``, 14 reports sent), the run of ``DAY + 1`` is started through
``airflow dags test`` in its own process group and killed with SIGKILL after a random delay
drawn over the length of a clean run (so every task, publish and send included, gets hit),
then the same day is run again. Checked per trial:

- **old or new**: right after the kill the published marts open, and hold exactly the
  publication of ``DAY`` (old) or of ``DAY + 1`` (new), never a mix (a fingerprint of every
  published table's values: lineage columns such as ``source_loaded_at`` and ``run_id``, and
  the data role's records of the runs' durations and emails, aside);
- **re-run equal**: after the re-run the published marts equal those of a clean run of
  ``DAY + 1`` (same fingerprint), and are published as of ``DAY + 1``;
- **one email per role**: over the killed run and the re-run, every role got the report of
  ``DAY + 1`` exactly once (one Message-ID per role; a copy with the same Message-ID, sent
  again because a kill landed between the end of DATA and the ledger's record, is counted
  apart: the ledger's at-least-once rule, which a receiver drops);
- **the data role**: after the re-run, the headline numbers of ``rpt_data__daily`` for
  ``DAY + 1`` are those of the clean run (rows loaded, files quarantined, checks passed).

Usage (about 1.5 min per trial on 2 cores; the results go to ``drills/results/kills.json``)::

    make drill-kills TRIALS=10
    uv run python drills/kill_drill.py --trials 10 --seed 1
"""

from __future__ import annotations

import argparse
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
from datetime import date, timedelta
from email import message_from_bytes
from email.policy import default as email_policy
from pathlib import Path

import duckdb

START, DAY = date(2026, 10, 20), date(2026, 11, 12)
NEXT = DAY + timedelta(days=1)
DATA_KPIS = ("rows_loaded", "files_quarantined", "pct_expectations_passed", "pct_data_trust")
RESULTS = Path(__file__).resolve().parent / "results" / "kills.json"


def say(message: str) -> None:
    print(f"[kill drill] {message}", flush=True)


def _stable(value):
    return float(f"{value:.12g}") if isinstance(value, float) else value


#: Columns that say when or by which run a row was written, not what it says: two clean runs
#: of the same day differ there and nowhere else.
LINEAGE_COLUMNS = {"loaded_at", "source_loaded_at", "run_id", "published_at"}
#: The data role's records of the runs themselves (their durations, their emails): the
#: headline numbers of ``rpt_data__daily`` are compared apart (:func:`data_kpis`).
RUN_RECORDS = {"rpt_data__daily", "rpt_data__roles"}


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
            if table in RUN_RECORDS:
                continue
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = ? "
                    "and table_name = ? order by column_index",
                    [schema, table],
                ).fetchall()
                if c not in LINEAGE_COLUMNS
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


@dataclass
class Trial:
    n: int
    kill_after_seconds: float
    killed_in: str
    after_kill: str
    published_after_kill: str | None
    rerun_code: int
    rerun_equal: bool
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
        from opspulse.airflow_env import airflow_executable

        return subprocess.run(
            [airflow_executable(), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

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

    def last_stage(self) -> str:
        """The stage the killed run was in: the first of the nightly's order it did not end."""
        order = [
            "load_sources",
            "audit_raw",
            "build_marts",
            "audit_marts",
            "publish_marts",
            "send_reports",
        ]
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


def run(trials: int, seed: int, scale: float, keep: Path | None) -> dict:
    from opspulse.airflow_env import airflow_executable
    from opspulse.reports.sink import start_sink

    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="opspulse-kill-drill-", dir=keep))
    drill = Drill(work, scale)
    sink = start_sink(drill.cfg.outbox_dir, "127.0.0.1", drill.port)
    try:
        drill.set_up()
        old = fingerprint(drill.cfg.marts_db)
        code, clean_seconds, log = drill.night(NEXT)
        if code:
            sys.exit(f"the clean night {NEXT} failed; its log ends:\n{log[-3000:]}")
        new = fingerprint(drill.cfg.marts_db)
        clean_data = data_kpis(drill.cfg.marts_db, NEXT)
        clean_reports, _ = reports_by_role(drill.cfg.outbox_dir, NEXT)
        say(f"clean night {NEXT}: {clean_seconds:.0f}s, {sum(clean_reports.values())} reports")
        results: list[Trial] = []
        for n in range(1, trials + 1):
            drill.restore()
            for path in drill.cfg.outbox_dir.glob("*.eml"):
                path.unlink()
            delay = rng.uniform(2.0, clean_seconds)
            proc = subprocess.Popen(
                [
                    airflow_executable(),
                    "dags",
                    "test",
                    "opspulse_nightly",
                    (NEXT + timedelta(days=1)).isoformat(),
                ],
                env=drill.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
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
                    f"tables differing: {differing(final, new)}"
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--keep", type=Path, help="keep the drill's home under this folder")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    summary = run(args.trials, args.seed, args.scale, args.keep)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2) + "\n")
    t = summary["trials"]
    say(
        f"kills {t}: published old or new {summary['published_old_or_new']}/{t}, re-run equal "
        f"to a clean run {summary['rerun_equal_to_clean']}/{t}, one email per role "
        f"{summary['one_report_per_role']}/{t}, data KPIs equal {summary['data_kpis_equal_to_clean']}/{t}; "
        f"killed in {summary['killed_in']}; written to {args.out}"
    )
    failed = sum(bool(r["problems"]) for r in summary["results"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
