"""Benchmark ingest and the dbt build as ratios against DuckDB running the same work directly.

    uv run python bench/bench_pipeline.py --scale 1 [--days 90] [--keep DIR]

1. Generates the demo company (not timed here; see bench_generator.py).
2. **Ingest**: opspulse's loader (per-partition replacement, rejects, quarantine checks,
   ingest log) against the floor: one ``CREATE TABLE AS SELECT * FROM read_*(<all files>)``
   per source with the same pinned types.
3. **Transform**: ``dbt build`` (models and data tests, no unit tests) against the floor:
   the SQL dbt compiled for the same models (``target/run``), executed in the same order in
   one DuckDB connection.

Results go under ``scale_<s>_days_<d>`` in ``bench/results/pipeline.json``. Figures are wall
clock on this machine; the ratios are what to compare across machines.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "pipeline.json"


def duckdb_floor_ingest(landing: Path, db: Path) -> float:
    import duckdb

    from opspulse.sources import contracts
    from opspulse.sources.readers import typed_reader

    con = duckdb.connect(str(db))
    con.execute("set preserve_insertion_order = false")
    began = time.perf_counter()
    for source in contracts.SOURCES:
        files = sorted((landing / source.name).glob(f"*/*{source.extensions[0]}"))
        if not files:
            continue
        reader = typed_reader(source, str(landing / source.name / "*" / f"*{source.extensions[0]}"))
        con.execute(f"create or replace table {source.name} as select * from {reader}")
    elapsed = time.perf_counter() - began
    con.close()
    return elapsed


def duckdb_floor_transform(cfg, db: Path) -> float:
    """Run the SQL dbt compiled, in dbt's own execution order, on a copy of the build db."""
    import duckdb

    run_results = json.loads((cfg.dbt_target_dir / "run_results.json").read_text())
    manifest = json.loads((cfg.dbt_target_dir / "manifest.json").read_text())
    statements = []
    for result in run_results["results"]:
        node = manifest["nodes"].get(result["unique_id"])
        if not node or node["resource_type"] not in ("model", "test"):
            continue
        sql = node.get("compiled_code") or ""
        if node["resource_type"] == "model":
            relation = f'{node["schema"]}."{node["alias"]}"'
            kind = "view" if node["config"]["materialized"] == "view" else "table"
            statements.append(f"create schema if not exists {node['schema']}")
            statements.append(f"create or replace {kind} {relation} as {sql}")
        else:
            statements.append(f"select count(*) from ({sql}) as t")
    con = duckdb.connect(str(db))
    began = time.perf_counter()
    for statement in statements:
        con.execute(statement).fetchall()
    elapsed = time.perf_counter() - began
    con.close()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 11, 27))
    parser.add_argument("--keep", type=Path, help="work here and keep everything")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="opspulse-bench-"))
    os.environ["OPSPULSE_HOME"] = str(work / "home")
    from opspulse import settings
    from opspulse.demo import generate
    from opspulse.sources.loader import Loader
    from opspulse.warehouse.transform import run_dbt

    cfg = settings.load()
    start = args.end - timedelta(days=args.days - 1)
    try:
        print(f"generating {args.days} days at scale {args.scale:g} into {cfg.landing_dir}")
        summary = generate(start, args.end, cfg.landing_dir, scale=args.scale, seed=args.seed)
        print(f"  {summary.describe()}")

        began = time.perf_counter()
        ingest = Loader("bench").run(until=args.end)
        loader_s = time.perf_counter() - began
        floor_s = duckdb_floor_ingest(cfg.landing_dir, work / "floor.duckdb")
        print(
            f"ingest: opspulse {loader_s:.1f}s, DuckDB floor {floor_s:.1f}s, "
            f"ratio {loader_s / floor_s:.2f} ({ingest.rows_loaded:,} rows)"
        )

        began = time.perf_counter()
        dbt = run_dbt(["build", "--exclude-resource-type", "unit_test"], quiet=True)
        dbt_s = time.perf_counter() - began
        # same file name, so the compiled SQL's catalog ("build") resolves
        (work / "floor").mkdir(exist_ok=True)
        shutil.copy(cfg.build_db, work / "floor" / "build.duckdb")
        transform_floor_s = duckdb_floor_transform(cfg, work / "floor" / "build.duckdb")
        print(
            f"transform: dbt build {dbt_s:.1f}s ({dbt.models} models, {dbt.tests} tests), "
            f"DuckDB floor {transform_floor_s:.1f}s, ratio {dbt_s / transform_floor_s:.2f}"
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    import duckdb

    key = f"scale_{args.scale:g}_days_{args.days}"
    record = {
        "rows": ingest.rows_loaded,
        "ingest": {
            "opspulse_s": round(loader_s, 2),
            "duckdb_floor_s": round(floor_s, 2),
            "ratio": round(loader_s / floor_s, 2),
            "files": len(ingest.files),
        },
        "transform": {
            "dbt_build_s": round(dbt_s, 2),
            "duckdb_floor_s": round(transform_floor_s, 2),
            "ratio": round(dbt_s / transform_floor_s, 2),
            "models": dbt.models,
            "tests": dbt.tests,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
            "platform": platform.platform(),
        },
    }
    results = json.loads(args.results.read_text()) if args.results.exists() else {}
    results[key] = record
    args.results.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"recorded {key} in {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
