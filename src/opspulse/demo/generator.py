"""``generate``: write the demo company's landing files for a range of days."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from opspulse.demo.areas import AREAS, AreaContext
from opspulse.demo.world import World
from opspulse.demo.writer import LandingWriter
from opspulse.sources.contracts import CORE_SOURCES

PROGRESS_EVERY_DAYS = 10


@dataclass(frozen=True)
class GenerationSummary:
    """What one :func:`generate` call wrote."""

    start: date
    end: date
    scale: float
    seed: int
    out_dir: Path
    rows: dict[str, int] = field(default_factory=dict)
    """Data rows written per source (headers not counted)."""
    files: int = 0
    seconds: float = 0.0

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        per_source = ", ".join(f"{name} {n:,}" for name, n in self.rows.items())
        return (
            f"{self.total_rows:,} rows in {self.files} files over {self.days} days, "
            f"{self.seconds:.1f} s ({self.rows_per_second:,.0f} rows/s): {per_source}"
        )

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "scale": self.scale,
            "seed": self.seed,
            "out_dir": str(self.out_dir),
            "rows": dict(self.rows),
            "total_rows": self.total_rows,
            "files": self.files,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_per_second, 1),
        }


def generate(
    start: date,
    end: date,
    out_dir: Path,
    *,
    scale: float = 1.0,
    seed: int = 42,
    progress: Callable[[str], None] | None = None,
) -> GenerationSummary:
    """Simulate the demo company from ``start`` to ``end`` (inclusive) and write its files.

    One file per source per day goes to ``out_dir/<source>/<YYYY-MM-DD>/<source>.<ext>``,
    existing files at those paths are replaced, nothing else in ``out_dir`` is touched.
    ``scale`` multiplies volumes (1.0: about 400 orders and 7,000 web sessions a day at the
    start, growing 0.3 % a day). The same arguments always give byte-identical files, and
    a day's files do not depend on ``end``.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    report = progress or (lambda message: None)
    began = time.perf_counter()
    out_dir = Path(out_dir)
    days = (end - start).days + 1
    rows = {source.name: 0 for source in CORE_SOURCES}
    files = 0
    world = World(start, days, scale=scale, seed=seed)
    report(f"simulating {days} days from {start} at scale {scale:g} (seed {seed})")
    with LandingWriter(out_dir) as writer:
        for t in range(days):
            world.simulate_day(t)
            ds = world.timeline.date_of(t)
            tables = world.export(t)
            for source in CORE_SOURCES:
                writer.write(source, ds, tables[source.name])
                rows[source.name] += tables[source.name].num_rows
                files += 1
            if (t + 1) % PROGRESS_EVERY_DAYS == 0 or t + 1 == days:
                report(
                    f"day {t + 1}/{days} ({ds}): {sum(rows.values()):,} rows, "
                    f"{time.perf_counter() - began:.1f} s"
                )
    # The other areas follow from the core world: each reads the core files just written.
    context = AreaContext(out_dir, start, end, scale, seed, report)
    for area in AREAS:
        written = area.write(context)
        for name, (n_rows, n_files) in written.items():
            rows[name] = rows.get(name, 0) + n_rows
            files += n_files
    return GenerationSummary(
        start, end, scale, seed, out_dir, rows, files, time.perf_counter() - began
    )
