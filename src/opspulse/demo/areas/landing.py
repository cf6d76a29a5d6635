"""What every demo area shares: reading the world already written, writing its own files.

Two ways to work, both deterministic and vectorised:

* numpy: :func:`landing_connection` + :func:`fetch` give the core files as arrays, per-day
  random streams come from :func:`day_rng`, and :func:`write_days` writes row ``i`` to day
  ``day[i]`` (marketing, sales, web, experiments);
* SQL: :func:`open_world` gives DuckDB views with a ``u(key)`` hash for randomness, and
  :func:`write_relation_days` writes a relation's rows per ``ds`` (commerce, supply chain,
  finance, security). :func:`uniform` is the same hash in numpy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import duckdb
import numpy as np

from opspulse.demo.areas.context import AreaContext
from opspulse.demo.encoding import Codec, schema, to_table
from opspulse.demo.timeline import Timeline
from opspulse.demo.writer import LandingWriter
from opspulse.sources import contracts
from opspulse.sources.contracts import SOURCES_BY_NAME, Source
from opspulse.sources.readers import typed_reader


def landing_connection(context: AreaContext, names: tuple[str, ...]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a view per source over its landing files in [start, end].

    Each view has the contract's columns (types pinned) plus ``ds``, the folder date.
    """
    con = duckdb.connect(":memory:", config={"threads": 2})
    for name in names:
        source = contracts.get(name)
        path = str(context.out_dir / name / "*" / f"{name}{source.extensions[0]}")
        read = typed_reader(source, path, filename=True)
        con.execute(f"""
            create view {name} as
            with files as (
                select * exclude (filename),
                       regexp_extract(filename, '(\\d{{4}}-\\d{{2}}-\\d{{2}})[/\\\\][^/\\\\]*$', 1)::date
                           as ds
                from {read}
            )
            select * from files
            where ds between date '{context.start}' and date '{context.end}'
        """)
    return con


def fetch(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, np.ndarray]:
    """The result of ``sql`` as numpy columns."""
    return {k: np.asarray(v) for k, v in con.execute(sql).fetchnumpy().items()}


def day_rng(context: AreaContext, area: str, stream: int, t: int) -> np.random.Generator:
    """The random stream of one source (``stream``) of ``area`` on day ``t``."""
    return np.random.default_rng([context.rng_seed(area), stream, t])


def timeline(context: AreaContext) -> Timeline:
    return Timeline(context.start, (context.end - context.start).days + 1)


def write_days(
    writer: LandingWriter,
    context: AreaContext,
    name: str,
    day: np.ndarray,
    columns: Mapping[str, np.ndarray],
    codecs: Mapping[str, Codec],
    days: Iterable[int] | None = None,
) -> tuple[int, int]:
    """Write one file per day of the run (or of ``days``); row ``i`` goes to day ``day[i]``.

    Rows keep their order within a day. Returns the rows and files written.
    """
    source = contracts.get(name)
    n_days = (context.end - context.start).days + 1
    order = np.argsort(day, kind="stable")
    bounds = np.searchsorted(day[order], np.arange(n_days + 1))
    rows = files = 0
    for t in range(n_days) if days is None else days:
        mine = order[bounds[t] : bounds[t + 1]]
        table = to_table(source, {k: v[mine] for k, v in columns.items()}, dict(codecs))
        writer.write(source, context.start + timedelta(days=t), table)
        rows += len(mine)
        files += 1
    return rows, files


def group_starts(groups: np.ndarray) -> np.ndarray:
    """True where a new group begins in a sorted array of group numbers."""
    return np.r_[True, groups[1:] != groups[:-1]][: len(groups)]


def stack(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Concatenate per-day column dicts (all with the same keys)."""
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def open_world(context, area: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a view per source already written (``ds`` = folder date).

    Change-record sources also get ``<source>_latest`` (the last version per key). The macro
    ``u(key)`` is a uniform number in [0, 1) fixed by the key and the area's seed.
    """
    con = duckdb.connect(":memory:", config={"threads": 1})
    for source in SOURCES_BY_NAME.values():
        folder = context.out_dir / source.name
        if not folder.is_dir() or not any(folder.glob(f"*/*{source.extensions[0]}")):
            continue
        pattern = str(folder / "*" / f"*{source.extensions[0]}")
        con.execute(
            f"""create view {source.name} as
            select * exclude (filename),
                   regexp_extract(filename, '(\\d{{4}}-\\d{{2}}-\\d{{2}})')::date as ds
            from {typed_reader(source, pattern, filename=True)}
            where ds between date '{context.start}' and date '{context.end}'"""
        )
        if source.updated_at:
            key = ", ".join(source.key)
            con.execute(
                f"""create view {source.name}_latest as
                select * from {source.name}
                qualify row_number() over (
                    partition by {key} order by ds desc, {source.updated_at} desc) = 1"""
            )
    seed = context.rng_seed(area)
    con.execute(f"create macro u(k) as (hash(k::varchar || '|{seed}') % 1000003)::double / 1000003")
    return con


def days_of(context) -> list[date]:
    return [
        context.start + timedelta(days=i) for i in range((context.end - context.start).days + 1)
    ]


def write_relation_days(
    context, writer: LandingWriter, source: Source, con, relation: str, order_by: str
) -> tuple[int, int]:
    """Write ``relation``'s rows of each day (its ``ds`` column) as that day's file."""
    columns = ", ".join(f'"{c.name}"::{c.type} as "{c.name}"' for c in source.columns)
    target = schema(source)
    rows = files = 0
    for day in days_of(context):
        table = con.sql(
            f"select {columns} from {relation} where ds = date '{day}' order by {order_by}"
        ).to_arrow_table()
        writer.write(source, day, table.cast(target))
        rows += table.num_rows
        files += 1
    return rows, files


def uniform(seed: int, *keys: np.ndarray | int) -> np.ndarray:
    """Uniform numbers in [0, 1) fixed by integer keys (splitmix64 of their mix)."""
    with np.errstate(over="ignore"):
        x = np.full(np.broadcast(*[np.asarray(k) for k in keys]).shape, seed, dtype=np.uint64)
        for k in keys:
            x = (x * np.uint64(0x100000001B3)) ^ np.asarray(k).astype(np.uint64)
            x = x + np.uint64(0x9E3779B97F4A7C15)
            x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)
