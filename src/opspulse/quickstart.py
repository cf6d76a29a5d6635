"""``make demo``: the nightly pipeline on the built-in demo company, through Airflow.

1. generate about 90 days of the demo company's landing files (skipped when the files for
   the same seed, scale and dates are already there);
2. set up Airflow's metadata database, the DuckDB pool and the SMTP connection (the same
   code as ``opspulse init``: :mod:`opspulse.airflow_setup`);
3. start a local SMTP sink on 127.0.0.1 that keeps every message in ``outbox/``;
4. run ``opspulse_nightly`` for the latest day with ``airflow dags test`` (the first run
   loads the whole history, later runs only what changed);
5. stop the sink and print what happened and where everything is.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from opspulse import settings as settings_mod
from opspulse.airflow_env import airflow_env, smtp_connection_uri
from opspulse.runner import DAG_ID, days_to_run, run_day


def say(message: str) -> None:
    print(f"[opspulse] {message}", flush=True)


@dataclass(frozen=True)
class DemoPlan:
    start: date
    end: date
    scale: float
    seed: int

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "scale": self.scale,
            "seed": self.seed,
        }


def ensure_landing(cfg: settings_mod.Settings, plan: DemoPlan) -> None:
    from opspulse.demo import generate

    marker = cfg.landing_dir / ".demo.json"
    if marker.exists() and json.loads(marker.read_text()) == plan.as_dict():
        say(f"demo landing files for {plan.start} .. {plan.end} already in {cfg.landing_dir}")
        return
    say(
        f"generating the demo company {plan.start} .. {plan.end} (scale {plan.scale}, "
        f"seed {plan.seed}) into {cfg.landing_dir}"
    )
    summary = generate(
        plan.start,
        plan.end,
        cfg.landing_dir,
        scale=plan.scale,
        seed=plan.seed,
        progress=lambda m: say(f"  {m}"),
    )
    say(f"  {summary.describe()}")
    marker.write_text(json.dumps(plan.as_dict()) + "\n")


def ensure_airflow(cfg: settings_mod.Settings, env: dict[str, str], smtp_port: int) -> None:
    """Airflow's metadata database, the pool and the sink's SMTP connection: the same set-up
    as ``opspulse init`` (:mod:`opspulse.airflow_setup`)."""
    from opspulse import airflow_setup
    from opspulse.nightly import DUCKDB_POOL

    say(f"Airflow's metadata database, pool and SMTP connection in {cfg.airflow_home}")
    done = airflow_setup.ensure(
        cfg, env, pool=DUCKDB_POOL, connection=smtp_connection_uri(port=smtp_port), upgrade=False
    )
    say(f"  database {done.database}, pool {done.pool}, connection {done.connection}")
    from opspulse import hash_salt

    hash_salt.ensure(cfg, env)  # the home's email hash salt (0600), generated once


def free_port(preferred: int | None = None) -> int:
    """``preferred`` if nothing listens on it on 127.0.0.1, else any free port."""
    if preferred is not None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", preferred)) != 0:
                return preferred
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sink(outbox: Path, port: int, log_file: Path) -> subprocess.Popen:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "opspulse.reports.sink",
                "--outbox",
                str(outbox),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        if proc.poll() is not None:
            raise SystemExit(f"the SMTP sink exited with {proc.returncode}")
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"the SMTP sink did not start listening on 127.0.0.1:{port}")


def run_demo(
    days: int = 90,
    scale: float = 1.0,
    seed: int = 42,
    end: date | None = None,
    smtp_port: int = 8025,
) -> int:
    cfg = settings_mod.load()
    end = end or date.today() - timedelta(days=1)
    plan = DemoPlan(start=end - timedelta(days=days - 1), end=end, scale=scale, seed=seed)
    days_to_run(cfg, plan.end, plan.end)  # a day before the start date runs no task
    t0 = time.perf_counter()
    ensure_landing(cfg, plan)
    port = free_port(smtp_port)
    env = airflow_env(cfg, smtp_port=port)
    ensure_airflow(cfg, env, port)
    cfg.outbox_dir.mkdir(parents=True, exist_ok=True)
    before = set(cfg.outbox_dir.glob("*.eml"))
    say(f"SMTP sink listening on 127.0.0.1:{port}, keeping messages in {cfg.outbox_dir}")
    sink = start_sink(cfg.outbox_dir, port, cfg.airflow_home / "logs" / "smtp-sink.log")
    log_file = cfg.airflow_home / "logs" / f"demo-{plan.end}.log"
    # A run on the morning after `end` reports on `end` (its data interval).
    logical = (plan.end + timedelta(days=1)).isoformat()
    say(f"running {DAG_ID} for {plan.end} through Airflow (airflow dags test {DAG_ID} {logical})")
    try:
        day = run_day(cfg, plan.end, env, log_file=log_file)
        code = 0 if day.ok else 1
        if not day.ok:
            say(f"FAILED {day.problem()}")
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    new_mail = sorted(set(cfg.outbox_dir.glob("*.eml")) - before)
    print_summary(cfg, plan, code, new_mail, log_file, time.perf_counter() - t0)
    return code


def run_nights(
    nights: int,
    days: int = 90,
    scale: float = 1.0,
    seed: int = 42,
    end: date | None = None,
    smtp_port: int = 8025,
) -> int:
    """``nights`` consecutive nightly runs ending at ``end``: night k generates the demo
    company up to its day (the history grows by one day a night, earlier files unchanged)
    and runs the DAG for it. Stops at the first night that fails; prints one line a night."""
    end = end or date.today() - timedelta(days=1)
    first = end - timedelta(days=nights - 1)
    results: list[tuple[date, int, float]] = []
    code = 0
    for k in range(nights):
        day = first + timedelta(days=k)
        say(f"night {k + 1} of {nights}: {day}")
        t0 = time.perf_counter()
        code = run_demo(days=days + k, scale=scale, seed=seed, end=day, smtp_port=smtp_port)
        results.append((day, code, time.perf_counter() - t0))
        if code:
            break
    say("")
    for n, (day, night_code, seconds) in enumerate(results, start=1):
        verdict = "published" if night_code == 0 else f"FAILED (exit {night_code})"
        say(f"night {n:>2} {day}: {verdict} in {seconds:.0f}s")
    published = sum(1 for _, c, _ in results if c == 0)
    say(f"{published} of {nights} consecutive nights published")
    return code


def stage_lines(cfg) -> list[str]:
    """What each stage of the latest run did, from the build database's own records."""
    from opspulse.warehouse.connection import connect

    if not cfg.build_db.exists():
        return []
    with connect(cfg.build_db, read_only=True, settings=cfg) as con:
        run = con.execute(
            "select run_id from ops.stage_runs order by started_at desc limit 1"
        ).fetchone()
        if not run:
            return []
        stages = con.execute(
            "select stage, status, seconds, error from ops.stage_runs where run_id = ? "
            "order by started_at",
            [run[0]],
        ).fetchall()
        ingest = con.execute(
            "select count(*), coalesce(sum(rows_loaded), 0), coalesce(sum(rows_rejected), 0), "
            "count(*) filter (where status = 'quarantined') from ops.ingest_log where run_id = ?",
            [run[0]],
        ).fetchone()
        checks = {
            layer: (total, passed)
            for layer, total, passed in con.execute(
                "select layer, count(*), count(*) filter (where success) "
                "from quality.results where run_id = ? group by layer",
                [run[0]],
            ).fetchall()
        }
    detail = {
        "load_sources": f"{ingest[0]} files, {ingest[1]:,} rows loaded, {ingest[2]:,} rejected, "
        f"{ingest[3]} quarantined",
    }
    for layer in ("raw", "marts"):
        total, passed = checks.get(layer, (0, 0))
        detail[f"audit_{layer}"] = f"{passed} of {total} checks passed"
    lines = [f"run {run[0]}:"]
    for stage, status, secs, error in stages:
        mark = "✓" if status == "success" else "✗"
        note = detail.get(stage, "") if status == "success" else (error or "")[:160]
        lines.append(f"  {mark} {stage:<14} {secs:6.1f}s  {note}")
    return lines


def print_summary(
    cfg, plan: DemoPlan, code: int, new_mail: list[Path], log_file: Path, seconds: float
) -> None:
    from opspulse.warehouse.publish import published_ds

    say("")
    say(
        f"{'SUCCESS' if code == 0 else 'FAILED'}: nightly run for {plan.end} "
        f"in {seconds:.0f}s (Airflow log: {log_file})"
    )
    for line in stage_lines(cfg):
        say(line)
    try:
        say(f"published marts: {cfg.marts_db} (data day {published_ds(cfg)})")
    except Exception as exc:  # the summary must not hide the run's own outcome
        say(f"published marts: not readable ({exc})")
    say(f"emails sent this run: {len(new_mail)} -> {cfg.outbox_dir}")
    for mail in new_mail:
        say(f"  {mail.name}")
    if not new_mail:
        say("  none (a re-run of a day already sent sends nothing; see ops.send_ledger)")
    say(f"HTML copies of the reports: {cfg.reports_dir}")
    say(f"build database (raw, staging, quality.results, ops.*): {cfg.build_db}")
    quarantined = sorted(cfg.quarantine_dir.rglob("reason.json"))
    say(f"quarantined files: {len(quarantined)} day folder(s) under {cfg.quarantine_dir}")
    say(
        'query the marts:  uv run opspulse query "select * from marts.rpt_ecommerce__daily '
        'order by report_date desc limit 7"'
    )
    say("Airflow UI:       make airflow-ui   (http://127.0.0.1:8080)")
