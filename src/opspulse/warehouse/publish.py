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

The publication never moves backwards. ``meta.publication.ds`` is the newest day ever
published: ``max(previous ds, run day)``; ``run_ds`` is the day the run that published last
processed. A run for a day older than the published ``ds`` (a backfill, a re-run of last
week) is a *history run* (:func:`is_history_day`): it publishes the re-processed marts, but
the publication stays "as of" the newest day, and the email step sends no first report for
that day, only restatements of numbers already sent (:mod:`opspulse.reports.mailer`). A file
published before ``run_ds`` existed has no such column; :func:`publication` reads it as
unknown, and the next publish writes the table anew with it.
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
    ds: date | None = None
    """The publication's day after this publish: the newest day ever published."""


@dataclass(frozen=True)
class Publication:
    """``meta.publication`` of the published file."""

    ds: date
    """The newest day ever published: what the marts are "as of"."""
    run_ds: date | None
    """The day the run that published last processed (older than ``ds`` after a history
    run); None in a file published before the column existed."""
    run_id: str | None
    published_at: datetime | None


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
    previous = publication(cfg)
    newest = max(ds, previous.ds) if previous is not None else ds
    if newest != ds:
        log.info("history run for %s: the publication stays as of %s", ds, newest)
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
            as_of=newest,
            run_id=run_id,
            published_at=published_at,
        )
        tables[f"marts.{kpi_history.TABLE}"] = con.execute(
            f'select count(*) from "{db}".main.{kpi_history.TABLE}'
        ).fetchone()[0]
        log.info("kpi_history: %d new or restated values", appended)
        con.execute(f'create schema if not exists "{db}".meta')
        con.execute(
            f'create table "{db}".meta.publication as select ?::date as ds, '
            "?::date as run_ds, ? as run_id, ?::timestamp as published_at",
            [newest, ds, run_id, published_at],
        )
        con.execute("detach build")
        con.execute("checkpoint")

    # The new file is complete and closed; a WAL beside the old file would not match it.
    _remove(staging.with_name(staging.name + ".wal"))
    _remove(target.with_name(target.name + ".wal"))
    os.replace(staging, target)
    _fsync_dir(target.parent)
    log.info("published %d tables to %s for %s (as of %s)", len(tables), target, ds, newest)
    return PublishResult(path=target, tables=tables, published_at=published_at, ds=newest)


def publication(settings: settings_mod.Settings | None = None) -> Publication | None:
    """``meta.publication`` of the published file, or None before the first publish."""
    cfg = settings or settings_mod.load()
    if not cfg.marts_db.exists():
        return None
    with connect(cfg.marts_db, read_only=True, settings=cfg) as con:
        cursor = con.execute("select * from meta.publication")
        row = cursor.fetchone()
        names = [d[0] for d in cursor.description]
    if row is None:
        return None
    values = dict(zip(names, row, strict=True))
    return Publication(
        ds=values["ds"],
        run_ds=values.get("run_ds"),
        run_id=values.get("run_id"),
        published_at=values.get("published_at"),
    )


def published_ds(settings: settings_mod.Settings | None = None) -> date | None:
    """The data day of the currently published version (the newest day ever published), or
    None before the first publish."""
    current = publication(settings)
    return current.ds if current is not None else None


def is_history_day(ds: date, settings: settings_mod.Settings | None = None) -> bool:
    """True when ``ds`` is older than the newest day already published: a run for it is a
    history run (it publishes, but sends only restatements)."""
    newest = published_ds(settings)
    return newest is not None and ds < newest
