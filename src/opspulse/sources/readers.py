"""DuckDB table functions that read landing files typed by their contract.

For files known to follow the contract (the demo's own output, tests, benchmarks): a
typed ``read_csv``/``read_json``/``read_parquet`` with the dialect pinned. Ingest of files
from outside uses the loader instead, which reads loosely and rejects what does not cast.
"""

from __future__ import annotations

from opspulse.sources.model import Source
from opspulse.warehouse.connection import sql_literal

__all__ = ["sql_literal", "typed_reader"]


def typed_reader(source: Source, path: str, *, filename: bool = False) -> str:
    """``read_*(path, ...)`` for ``source``; ``path`` may be a glob. ``filename`` adds the
    file's path as a ``filename`` column."""
    columns = ", ".join(f"{sql_literal(c.name)}: {sql_literal(c.type)}" for c in source.columns)
    d = source.csv
    extra = ", filename=true" if filename else ""
    formats = (
        f"timestampformat={sql_literal(d.timestamp_format)}, "
        f"dateformat={sql_literal(d.date_format)}"
    )
    if source.format == "csv":
        return (
            f"read_csv({sql_literal(path)}, columns={{{columns}}}, header=true, "
            f"delim={sql_literal(d.delimiter)}, quote={sql_literal(d.quote)}, "
            f"escape={sql_literal(d.escape)}, nullstr={sql_literal(d.null_string)}, "
            f"{formats}, auto_detect=false{extra})"
        )
    if source.format == "ndjson":
        return (
            f"read_json({sql_literal(path)}, format='newline_delimited', "
            f"columns={{{columns}}}, {formats}{extra})"
        )
    return f"read_parquet({sql_literal(path)}{extra})"
