"""Write-audit-publish: copy audited marts from the build database to the published one.

Analysts and the email step only ever open ``marts.duckdb`` read-only. Publishing never
writes into that file: it builds ``marts.duckdb.next`` beside it from the build database,
checkpoints and closes it, then ``os.replace``s it over ``marts.duckdb``. The rename is
atomic, so a reader sees either the old or the new version, a reader that already has the
file open keeps reading the old one, and a run killed at any point before the rename leaves
the last good version in place (the half-written ``.next`` is removed by the next publish).

Analysts open ``marts.duckdb`` (read-only) and query ``marts.rpt_ecommerce__daily``: the
build's ``marts`` schema is published as the file's default schema, and the file's catalog
is named ``marts``. Publication metadata is in ``meta.publication``; ``kpi_history`` (see
:mod:`opspulse.warehouse.kpi_history`) is carried forward from the previous publication.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from opspulse import settings as settings_mod
from opspulse.warehouse import kpi_history
from opspulse.warehouse.connection import connect, sql_literal

log = logging.getLogger(__name__)

PUBLISHED_SCHEMAS = ("marts",)
PUBLISHED_SCHEMA = "main"
"""Where the build's ``marts`` schema lands in ``marts.duckdb``."""


@dataclass(frozen=True)
class PublishResult:
    path: Path
    tables: dict[str, int]
    published_at: datetime


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(
    ds: date,
    run_id: str,
    *,
    settings: settings_mod.Settings | None = None,
    skip: Collection[str] = (),
) -> PublishResult:
    """Publish every table of the build database's published schemas, atomically.

    ``skip`` names tables of the ``marts`` schema that are not published: the report marts
    of roles the company does not get (see :mod:`opspulse.catalogue`), which an earlier
    build may have left in the build database.
    """
    cfg = settings or settings_mod.load()
    target = cfg.marts_db
    staging = target.with_name(target.name + ".next")
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        _remove(leftover)

    published_at = datetime.now(UTC).replace(tzinfo=None)
    tables: dict[str, int] = {}
    with connect(staging, settings=cfg) as con:
        con.execute(f"attach {sql_literal(cfg.build_db)} as build (read_only)")
        found = con.execute(
            """
            select schema_name, table_name from duckdb_tables()
            where database_name = 'build' and schema_name in (select unnest(?::varchar[]))
              and not (schema_name = 'marts' and table_name in (select unnest(?::varchar[])))
            order by 1, 2
            """,
            [list(PUBLISHED_SCHEMAS), sorted(skip) or [""]],
        ).fetchall()
        if not found:
            raise RuntimeError(
                f"nothing to publish: {cfg.build_db} has no tables in {PUBLISHED_SCHEMAS}; "
                "did the dbt build run?"
            )
        # The build's `marts` schema becomes the published file's `main` schema: the file's
        # catalog is itself called `marts`, so `marts.rpt_x` resolves without ambiguity
        # whether a reader opens the file or attaches it under that name.
        db = con.execute("select current_database()").fetchone()[0]
        for schema, table in found:
            target_schema = PUBLISHED_SCHEMA if schema == "marts" else schema
            con.execute(f'create schema if not exists "{db}".{target_schema}')
            con.execute(
                f'create table "{db}".{target_schema}."{table}" as '
                f'select * from build.{schema}."{table}"'
            )
            tables[f"{schema}.{table}"] = con.execute(
                f'select count(*) from "{db}".{target_schema}."{table}"'
            ).fetchone()[0]
        appended = kpi_history.write(
            con,
            target=db,
            previous=target,
            ds=ds,
            run_id=run_id,
            published_at=published_at,
        )
        tables[f"marts.{kpi_history.TABLE}"] = con.execute(
            f'select count(*) from "{db}".main.{kpi_history.TABLE}'
        ).fetchone()[0]
        log.info("kpi_history: %d new or restated values", appended)
        con.execute(f'create schema if not exists "{db}".meta')
        con.execute(
            f'create table "{db}".meta.publication as select ?::date as ds, ? as run_id, '
            "?::timestamp as published_at",
            [ds, run_id, published_at],
        )
        con.execute("detach build")
        con.execute("checkpoint")

    # The new file is complete and closed; a WAL beside the old file would not match it.
    _remove(staging.with_name(staging.name + ".wal"))
    _remove(target.with_name(target.name + ".wal"))
    os.replace(staging, target)
    _fsync_dir(target.parent)
    log.info("published %d tables to %s for %s", len(tables), target, ds)
    return PublishResult(path=target, tables=tables, published_at=published_at)


def published_ds(settings: settings_mod.Settings | None = None) -> date | None:
    """The data day of the currently published version, or None before the first publish."""
    cfg = settings or settings_mod.load()
    if not cfg.marts_db.exists():
        return None
    with connect(cfg.marts_db, read_only=True, settings=cfg) as con:
        row = con.execute("select ds from meta.publication").fetchone()
    return row[0] if row else None
