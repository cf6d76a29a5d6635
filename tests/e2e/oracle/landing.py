"""Landing files read in plain Python, typed by the source contract.

``Landing(root).rows("orders")`` is every row of every delivered file of a source, as a dict
of Python values (``str``, ``int``, ``Decimal``, ``bool``, ``date``, naive UTC ``datetime``),
with the delivery day as ``_ds``. ``latest("orders")`` keeps the newest version of each key
the way staging does (latest ``updated_at``, then latest delivery).
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from opspulse.sources import contracts
from opspulse.sources.model import Source


def _parse(value: Any, type_: str, source: Source) -> Any:
    if value is None or value == source.csv.null_string and isinstance(value, str):
        return None
    kind = type_.split("(")[0]
    if kind == "VARCHAR":
        return str(value)
    if kind == "INTEGER":
        return int(value)
    if kind == "DECIMAL":
        return Decimal(str(value))
    if kind == "BOOLEAN":
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() == "true"
    if kind == "DATE":
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        return datetime.strptime(str(value), source.csv.date_format).date()
    if kind == "TIMESTAMP":
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        return datetime.strptime(str(value), source.csv.timestamp_format)
    raise ValueError(f"no oracle parser for type {type_}")


class Landing:
    """The landing directory of a world, read lazily and cached per source."""

    def __init__(self, root: Path, *, until: date | None = None) -> None:
        self.root = Path(root)
        self.until = until
        """Ignore deliveries after this day (the oracle sees what the run saw)."""

    def _files(self, source: Source) -> Iterator[tuple[date, Path]]:
        for day_dir in sorted((self.root / source.name).glob("*")):
            ds = date.fromisoformat(day_dir.name)
            if self.until is not None and ds > self.until:
                continue
            for path in sorted(day_dir.iterdir()):
                if path.name.endswith(source.extensions):
                    yield ds, path

    def _raw_records(self, source: Source, path: Path) -> Iterator[dict[str, Any]]:
        if source.format == "csv":
            with path.open(newline="") as fh:
                yield from csv.DictReader(
                    fh, delimiter=source.csv.delimiter, quotechar=source.csv.quote
                )
        elif source.format == "ndjson":
            with path.open() as fh:
                for line in fh:
                    if line.strip():
                        yield json.loads(line)
        else:
            import pyarrow.parquet as pq

            yield from pq.read_table(path).to_pylist()

    @functools.cache  # noqa: B019 - one Landing per test module
    def rows(self, source_name: str) -> tuple[dict[str, Any], ...]:
        source = contracts.get(source_name)
        out = []
        for ds, path in self._files(source):
            for record in self._raw_records(source, path):
                row = {c.name: _parse(record.get(c.name), c.type, source) for c in source.columns}
                row["_ds"] = ds
                out.append(row)
        return tuple(out)

    @functools.cache  # noqa: B019
    def latest(self, source_name: str) -> dict[tuple, dict[str, Any]]:
        """Newest version of each key: latest ``updated_at`` (if any), then latest delivery."""
        source = contracts.get(source_name)
        best: dict[tuple, dict[str, Any]] = {}
        for row in self.rows(source_name):
            key = tuple(row[k] for k in source.key)
            rank = (
                (row.get(source.updated_at) or datetime.min, row["_ds"])
                if source.updated_at
                else (datetime.min, row["_ds"])
            )
            held = best.get(key)
            if held is None or rank >= held[0]:
                best[key] = (rank, row)
        return {k: v[1] for k, v in best.items()}
