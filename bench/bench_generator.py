"""Benchmark the demo company generator: rows written per second at a given scale.

    uv run python bench/bench_generator.py --scale 1 [--days 90] [--seed 42] [--keep DIR]

Generates ``--days`` days into a temporary directory (deleted afterwards unless ``--keep``)
and records the result under the key ``scale_<scale>_days_<days>`` in ``bench/results/generator.json``
(other keys are kept). A one-day run at a tiny scale goes first so one-off import costs
(pyarrow, DuckDB) do not count. Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "generator.json"


def _bytes_on_disk(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 1))
    parser.add_argument("--keep", type=Path, help="write here and keep the files")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    import duckdb
    import numpy
    import pyarrow

    from opspulse.demo import generate

    end = args.start + timedelta(days=args.days - 1)
    with tempfile.TemporaryDirectory(prefix="opspulse-bench-") as scratch:
        generate(args.start, args.start, Path(scratch) / "warm-up", scale=0.01, seed=args.seed)
        out = args.keep or Path(scratch) / "landing"
        summary = generate(args.start, end, out, scale=args.scale, seed=args.seed, progress=print)
        size = _bytes_on_disk(out)
        if args.keep is None:
            shutil.rmtree(out)

    result = summary.as_dict()
    del result["out_dir"]
    result.update(
        bytes_written=size,
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        machine={
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "numpy": numpy.__version__,
            "pyarrow": pyarrow.__version__,
            "duckdb": duckdb.__version__,
        },
    )
    print(json.dumps(result, indent=2))

    args.results.parent.mkdir(parents=True, exist_ok=True)
    recorded = json.loads(args.results.read_text()) if args.results.exists() else {}
    recorded[f"scale_{args.scale:g}_days_{args.days}"] = result
    args.results.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
