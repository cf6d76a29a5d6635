"""Write a day's rows of a source as a landing file, in the format its contract names.

Path: ``<out_dir>/<source>/<YYYY-MM-DD>/<source><ext>`` with the contract's first file
extension. Every file goes through DuckDB's ``COPY``:

* CSV with the source's :class:`~opspulse.sources.contracts.CsvDialect` (header, delimiter,
  quote, escape, empty string for NULL, timestamp and date formats; booleans ``true``/``false``);
* NDJSON, one object per line, JSON ``null`` for NULL, numbers as numbers and timestamps and
  dates as strings in the dialect's formats (the same text as in the CSV files);
* Parquet with the contract's types (DECIMAL as decimal, TIMESTAMP as microseconds).

A day without rows still gets its file: a header-only CSV, an empty NDJSON file, a Parquet
file with the schema and no rows. Each file is written under a temporary name and renamed
into place, so a reader never sees half a file. Output is byte-for-byte reproducible: it
depends only on the rows (single-threaded, insertion order kept, no timestamps in metadata).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from opspulse.sources.contracts import Source


def landing_path(out_dir: Path, source: Source, ds: date) -> Path:
    return out_dir / source.name / ds.isoformat() / f"{source.name}{source.extensions[0]}"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def copy_options(source: Source) -> str:
    """The ``COPY ... TO`` options for the source's format."""
    if source.format == "csv":
        d = source.csv
        return (
            f"FORMAT csv, HEADER {str(d.header).lower()}, DELIMITER {_literal(d.delimiter)}, "
            f"QUOTE {_literal(d.quote)}, ESCAPE {_literal(d.escape)}, "
            f"NULLSTR {_literal(d.null_string)}, "
            f"TIMESTAMPFORMAT {_literal(d.timestamp_format)}, "
            f"DATEFORMAT {_literal(d.date_format)}"
        )
    if source.format == "ndjson":
        return "FORMAT json"
    if source.format == "parquet":
        return "FORMAT parquet, COMPRESSION zstd"
    raise ValueError(f"{source.name}: unknown format {source.format!r}")


def select_list(source: Source) -> str:
    """Columns in contract order; NDJSON writes timestamps and dates as formatted text."""
    columns = []
    for column in source.columns:
        name = _ident(column.name)
        fmt = {"TIMESTAMP": source.csv.timestamp_format, "DATE": source.csv.date_format}.get(
            column.type
        )
        if source.format == "ndjson" and fmt:
            columns.append(f"strftime({name}, {_literal(fmt)}) AS {name}")
        else:
            columns.append(name)
    return ", ".join(columns)


class LandingWriter:
    """Writes landing files through one in-memory DuckDB connection."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self._con = duckdb.connect(":memory:", config={"threads": 1})

    def write(self, source: Source, ds: date, table: pa.Table) -> Path:
        if table.column_names != list(source.column_names):
            raise ValueError(
                f"{source.name}: columns {table.column_names} are not the "
                f"contract's {list(source.column_names)}"
            )
        path = landing_path(self.out_dir, source, ds)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        self._con.register("landing_rows", table)
        try:
            self._con.execute(
                f"COPY (SELECT {select_list(source)} FROM landing_rows) "
                f"TO {_literal(str(partial))} ({copy_options(source)})"
            )
        finally:
            self._con.unregister("landing_rows")
        os.replace(partial, path)
        return path

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> LandingWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
