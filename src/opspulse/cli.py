"""The ``opspulse`` command.

opspulse init [--name N --timezone TZ --currency C --locale L --start-date D]
                                   set up OPSPULSE_HOME for a company (safe to run again)
opspulse run [--ds D | --start D1 --end D2]
                                   the nightly DAG for a day or a range, through Airflow
opspulse demo                      the nightly pipeline on the demo company (make demo)
opspulse notify-late [--ds D]      past the report deadline and no report: tell each role
opspulse generate --start D --end D --scale S --out DIR [--seed N] [--faults LIST]
opspulse load --ds D               ingest landing files up to D into the build database
opspulse query "select ..."        read-only SQL on the published marts
opspulse airflow ARGS...           the airflow CLI with opspulse's environment
opspulse smtp-sink                 a local SMTP server that keeps messages as .eml files
opspulse sources check DIR [--json]             a landing folder against the contract
opspulse sources docs [--out FILE] [--check]    the contract as Markdown (docs/sources.md)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import date, timedelta

from opspulse import settings as settings_mod


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-11-27") from None


def _cmd_init(args) -> int:
    from opspulse import home
    from opspulse.airflow_setup import AirflowSetupFailed

    options = ("name", "timezone", "currency", "locale", "start_date")
    given = {name: getattr(args, name) for name in options if getattr(args, name) is not None}
    try:
        report = home.init(
            home.Company(**given),
            given=tuple(f"--{name.replace('_', '-')}" for name in given),
            progress=lambda m: print(f"[opspulse] {m}", flush=True),
        )
    except (settings_mod.SettingsError, AirflowSetupFailed) as exc:
        print(f"opspulse init: {exc}", file=sys.stderr)
        return 1
    for line in report.describe():
        print(f"[opspulse] {line}")
    return 0


def _cmd_run(args) -> int:
    from opspulse import home, runner

    if args.ds and (args.start or args.end):
        raise SystemExit("opspulse run: give --ds, or --start and --end, not both")
    if bool(args.start) != bool(args.end):
        raise SystemExit("opspulse run: --start and --end go together (or use --ds)")
    try:
        return runner.run(args.start or args.ds, args.end or args.ds)
    except (home.HomeNotReady, runner.RunRefused, settings_mod.SettingsError) as exc:
        print(f"opspulse run: {exc}", file=sys.stderr)
        return 1


def _cmd_notify_late(args) -> int:
    from opspulse.airflow_env import airflow_env

    # the home's Airflow (set before Airflow is imported), whose database holds the SMTP
    # connection: a process outside a task reads it there only in Airflow's server context
    os.environ.update(airflow_env())
    os.environ.setdefault("_AIRFLOW_PROCESS_CONTEXT", "server")
    from opspulse import lateness
    from opspulse.reports.mailer import NoticesNotSent

    try:
        outcome = lateness.notify_late(args.ds)
    except settings_mod.SettingsError as exc:
        print(f"opspulse notify-late: {exc}", file=sys.stderr)
        return 1
    except NoticesNotSent as exc:
        print(f"opspulse notify-late: {exc}", file=sys.stderr)
        return 1
    print(f"[opspulse] {outcome.message}")
    if outcome.sent:
        print(f"[opspulse] told: {', '.join(outcome.sent)}")
    return 0


def _cmd_demo(args) -> int:
    from opspulse.quickstart import run_demo, run_nights

    if args.nights > 1:
        return run_nights(
            args.nights,
            days=args.days,
            scale=args.scale,
            seed=args.seed,
            end=args.end,
            smtp_port=args.smtp_port,
        )
    return run_demo(
        days=args.days, scale=args.scale, seed=args.seed, end=args.end, smtp_port=args.smtp_port
    )


def _cmd_generate(args) -> int:
    from pathlib import Path

    from opspulse.demo import generate

    if args.end < args.start:
        raise SystemExit(f"--end {args.end} is before --start {args.start}")
    faults = [f for f in (args.faults or "").split(",") if f.strip()]
    if faults:
        from opspulse.demo import faults as faults_mod

        try:  # a typo fails before minutes of generation, not after
            for spec in faults:
                faults_mod.parse(spec, start=args.start, end=args.end)
        except (KeyError, ValueError) as exc:
            raise SystemExit(f"--faults: {exc}") from None
    summary = generate(
        args.start,
        args.end,
        Path(args.out),
        scale=args.scale,
        seed=args.seed,
        progress=lambda m: print(f"[opspulse] {m}", flush=True),
    )
    print(summary.describe() if hasattr(summary, "describe") else summary)
    if faults:
        records = faults_mod.apply_faults(
            Path(args.out), faults, start=args.start, end=args.end, seed=args.seed
        )
        for record in records:
            print(f"[opspulse] fault {record.describe()}")
    return 0


def _cmd_load(args) -> int:
    from opspulse.sources.loader import Loader

    summary = Loader(args.run_id, progress=lambda m: print(f"[opspulse] {m}", flush=True)).run(
        until=args.ds, force=args.force
    )
    print(summary.describe())
    return 1 if summary.quarantined else 0


def _cmd_query(args) -> int:
    from opspulse.warehouse.connection import connect

    cfg = settings_mod.load()
    with connect(cfg.marts_db, read_only=True, settings=cfg) as con:
        con.sql(args.sql).show(max_rows=args.max_rows, max_width=200)
    return 0


def _cmd_airflow(args) -> int:
    import subprocess

    from opspulse.airflow_env import airflow_env, airflow_executable, protect_secrets

    env = airflow_env()
    protect_secrets(env)
    return subprocess.call([airflow_executable(), *args.airflow_args], env=env)


def _cmd_dbt(args) -> int:
    import subprocess

    from opspulse.warehouse.transform import dbt_command, dbt_env

    cfg = settings_mod.load()
    dbt_args = args.dbt_args[1:] if args.dbt_args[:1] == ["--"] else args.dbt_args
    if not dbt_args:
        print("usage: opspulse dbt <dbt arguments>, e.g. opspulse dbt build --full-refresh")
        return 2
    return subprocess.call(dbt_command(dbt_args, cfg), env=dbt_env(cfg), cwd=cfg.dbt_project_dir)


def _cmd_smtp_sink(args) -> int:
    from opspulse.reports import sink

    argv = [
        "--outbox",
        args.outbox or str(settings_mod.load().outbox_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(args.port),
    ]
    return sink.main(argv) or 0


def _cmd_sources_check(args) -> int:
    import json
    from pathlib import Path

    from opspulse.sources.check import check_landing

    report = check_landing(
        Path(args.dir),
        limit=args.limit,
        progress=lambda m: print(f"[opspulse] {m}", file=sys.stderr, flush=True),
    )
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.describe())
    return 0 if report.ok else 1


def _cmd_sources_docs(args) -> int:
    from pathlib import Path

    from opspulse.sources import dbt_sources
    from opspulse.sources.docs import render

    page = render()
    if args.check:
        out = Path(args.out or "docs/sources.md")
        stale = [
            path
            for path, text in ((out, page), (dbt_sources.SOURCES_YML, dbt_sources.render()))
            if not path.is_file() or path.read_text() != text
        ]
        for path in stale:
            print(f"{path} is out of date: run opspulse sources docs --out {out}", file=sys.stderr)
        if stale:
            return 1
        print(f"{out} and {dbt_sources.SOURCES_YML.name} match the contract")
    elif args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(page)
        print(f"wrote {args.out} and {dbt_sources.write()}")
    else:
        sys.stdout.write(page)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="opspulse", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser(
        "init",
        help="set up OPSPULSE_HOME for a company: folders, config files, Airflow, SMTP",
        description="Set up OPSPULSE_HOME for a company; safe to run again (it never "
        "overwrites a file). The SMTP connection comes from AIRFLOW_CONN_OPSPULSE_SMTP, else "
        "OPSPULSE_SMTP_HOST, _PORT, _USER, _PASSWORD, _STARTTLS.",
    )
    init.add_argument("--name", default=None, help="company name (default 'My company')")
    init.add_argument("--timezone", default=None, help="IANA timezone of the company's day")
    init.add_argument("--currency", default=None, help="ISO 4217 code, e.g. EUR (default USD)")
    init.add_argument("--locale", default=None, help="number and amount format, e.g. pt_BR")
    init.add_argument(
        "--start-date",
        type=_date,
        default=None,
        help="first day to process (default: the first landing day, else 2000-01-01)",
    )
    init.set_defaults(func=_cmd_init)

    run = sub.add_parser(
        "run", help="run the nightly DAG for a day or a range of days through Airflow"
    )
    run.add_argument("--ds", type=_date, default=None, help="the day (default: yesterday)")
    run.add_argument("--start", type=_date, default=None, help="first day of a range")
    run.add_argument("--end", type=_date, default=None, help="last day of a range")
    run.set_defaults(func=_cmd_run)

    late = sub.add_parser(
        "notify-late",
        help="after the report deadline, tell each role still without its report that it is late",
        description="For a deployment without Airflow's triggerer (which runs the DAG's "
        "deadline alert): run it from cron every few minutes after the deadline. Each role "
        "is told at most once per day, never after its report went out, never for a day "
        "older than the published one.",
    )
    late.add_argument(
        "--ds", type=_date, default=None, help="the day reported on (default: yesterday)"
    )
    late.set_defaults(func=_cmd_notify_late)

    demo = sub.add_parser("demo", help="run the nightly pipeline on the demo company")
    demo.add_argument("--days", type=int, default=90, help="days of history (default 90)")
    demo.add_argument("--scale", type=float, default=1.0, help="volume multiplier (default 1)")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument(
        "--end", type=_date, default=None, help="last day of data (default yesterday)"
    )
    demo.add_argument("--smtp-port", type=int, default=8025)
    demo.add_argument(
        "--nights",
        type=int,
        default=1,
        help="run N consecutive nights ending at --end, the demo company growing by one day "
        "each night (default 1)",
    )
    demo.set_defaults(func=_cmd_demo)

    gen = sub.add_parser("generate", help="write the demo company's landing files")
    gen.add_argument("--start", type=_date, required=True)
    gen.add_argument("--end", type=_date, required=True)
    gen.add_argument("--scale", type=float, default=1.0)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--out", required=True, help="landing directory to write into")
    gen.add_argument(
        "--faults",
        default="",
        help="comma-separated faults to plant after generating, name[:source[:YYYY-MM-DD]] "
        "(see docs/faults.md)",
    )
    gen.set_defaults(func=_cmd_generate)

    load = sub.add_parser("load", help="ingest landing files into the build database")
    load.add_argument("--ds", type=_date, default=date.today() - timedelta(days=1))
    load.add_argument("--run-id", default="cli")
    load.add_argument("--force", action="store_true", help="reload unchanged days too")
    load.set_defaults(func=_cmd_load)

    query = sub.add_parser("query", help="read-only SQL on the published marts")
    query.add_argument("sql")
    query.add_argument("--max-rows", type=int, default=40)
    query.set_defaults(func=_cmd_query)

    af = sub.add_parser("airflow", help="the airflow CLI with opspulse's environment")
    af.add_argument("airflow_args", nargs=argparse.REMAINDER)
    af.set_defaults(func=_cmd_airflow)

    dbt = sub.add_parser(
        "dbt",
        help="dbt on the build database with opspulse's settings "
        "(e.g. opspulse dbt build --full-refresh)",
    )
    dbt.add_argument("dbt_args", nargs=argparse.REMAINDER)
    dbt.set_defaults(func=_cmd_dbt)

    sink = sub.add_parser("smtp-sink", help="local SMTP server keeping .eml files")
    sink.add_argument("--outbox", default=None)
    sink.add_argument("--port", type=int, default=8025)
    sink.set_defaults(func=_cmd_smtp_sink)

    sources = sub.add_parser("sources", help="the source contract: check a folder, publish docs")
    sources_sub = sources.add_subparsers(dest="sources_command", required=True)
    check = sources_sub.add_parser("check", help="check a landing folder against the contract")
    check.add_argument("dir", help="landing folder: DIR/<source>/<YYYY-MM-DD>/<files>")
    check.add_argument("--json", action="store_true", help="machine-readable report")
    check.add_argument("--limit", type=int, default=5, help="lines shown per problem and column")
    check.set_defaults(func=_cmd_sources_check)
    docs = sources_sub.add_parser("docs", help="render the contract as Markdown")
    docs.add_argument("--out", default=None, help="file to write (default: stdout)")
    docs.add_argument(
        "--check", action="store_true", help="exit 1 if --out (docs/sources.md) differs"
    )
    docs.set_defaults(func=_cmd_sources_docs)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=os.environ.get("OPSPULSE_LOG_LEVEL", "WARNING"),
        format="%(levelname)s %(name)s: %(message)s",
    )
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except FileNotFoundError as exc:
        print(f"opspulse: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
