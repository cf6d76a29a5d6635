"""DuckDB connections opened the same way everywhere.

DuckDB allows one read-write process per file, and inside one process ``duckdb.connect``
hands back a cached instance while any handle to the path is open. Every opspulse
connection therefore goes through :func:`connect`, is short-lived and closed by a ``with``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from opspulse import settings as settings_mod


@contextmanager
def connect(
    path: Path, *, read_only: bool = False, settings: settings_mod.Settings | None = None
) -> Iterator:
    """Open ``path`` with the configured memory limit and threads; close it on exit."""
    import duckdb

    cfg = settings or settings_mod.load()
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist yet: run the nightly pipeline once (make demo) to create it"
        )
    con = duckdb.connect(
        str(path),
        read_only=read_only,
        config={
            "memory_limit": cfg.duckdb_memory_limit,
            "threads": cfg.duckdb_threads,
            "preserve_insertion_order": False,
        },
    )
    try:
        yield con
    finally:
        con.close()


def sql_literal(value: str | Path) -> str:
    """A SQL string literal for a value DuckDB takes no parameter for (an ``ATTACH`` path):
    every ``'`` doubled, a NUL refused."""
    text = str(value)
    if "\x00" in text:
        raise ValueError(f"a NUL character cannot be part of a path or name: {text!r}")
    return "'" + text.replace("'", "''") + "'"
