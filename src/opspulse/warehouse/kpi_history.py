"""``kpi_history``: every headline KPI value ever published, appended at each publish.

One row per (``as_of_date``, ``role``, ``kpi``, ``dimension``, ``report_date``) whose value
is new or changed since the last publication: the first publish records every day, a clean
nightly run adds the new day's rows, a re-run with the same numbers adds nothing, and a late
correction adds a row for the restated day, so restatements and trends are queryable::

    select report_date, as_of_date, value from marts.kpi_history
    where role = 'ecommerce' and kpi = 'net_sales' order by report_date, as_of_date

The history is carried forward from the currently published file into the new one inside
the same atomic publish, so it always matches what was published.

It never goes back. ``as_of_date`` is the publication's day (``meta.publication.ds``, the
newest day ever published), not the run's: a history run (a backfill of last week) records
the values it changed under today's publication, so they are the latest known values of
those days, and it reads only report days up to its own day, so it never touches the values
of the days after it.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

import duckdb

from opspulse.warehouse.connection import sql_literal

log = logging.getLogger(__name__)

TABLE = "kpi_history"
RELATIVE_TOLERANCE = 1e-9
"""A value counts as changed beyond this: DuckDB sums doubles in parallel, so two builds of
the same data can differ in the last bit."""
DIMENSION_TOTAL = "total"
"""The dimension of a role's daily headline KPIs (one value per day for the company)."""

COLUMNS = """
    as_of_date date not null,
    report_date date not null,
    role varchar not null,
    kpi varchar not null,
    dimension varchar not null,
    value double,
    run_id varchar not null,
    published_at timestamp not null
"""


def _headline_selects(con: duckdb.DuckDBPyConnection, source: str, ds: date) -> list[str]:
    """The headline KPIs of every role whose daily mart is in the new publication."""
    from opspulse.reports.roles import ROLES

    columns: dict[str, set[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from duckdb_columns() "
        "where database_name = ? and schema_name = 'main'",
        [source],
    ).fetchall():
        columns.setdefault(table, set()).add(column)
    selects = []
    for role in ROLES.values():
        if role.mart not in columns:
            log.info("kpi_history: marts.%s is not published; skipped", role.mart)
            continue
        for tile in role.tiles:
            if tile.kind == "text" or tile.column not in columns[role.mart]:
                continue
            selects.append(
                f"select report_date, '{role.name}' as role, '{tile.column}' as kpi, "
                f"'{DIMENSION_TOTAL}' as dimension, cast(\"{tile.column}\" as double) as value "
                f'from "{source}".main."{role.mart}" '
                f"where report_date <= date '{ds.isoformat()}'"
            )
    return selects


def write(
    con: duckdb.DuckDBPyConnection,
    *,
    target: str,
    previous: Path | None,
    ds: date,
    run_id: str,
    published_at: datetime,
    as_of: date | None = None,
) -> int:
    """Create ``target``.main.kpi_history: the previous history plus what changed in report
    days up to ``ds`` (the run's day), recorded ``as_of`` the publication's day (default
    ``ds``). Returns the number of rows appended."""
    con.execute(f'create table "{target}".main.{TABLE} ({COLUMNS})')
    if previous is not None and previous.exists():
        con.execute(f"attach {sql_literal(previous)} as previous_publication (read_only)")
        try:
            has_history = con.execute(
                "select count(*) from duckdb_tables() "
                "where database_name = 'previous_publication' and table_name = ?",
                [TABLE],
            ).fetchone()[0]
            if has_history:
                con.execute(
                    f'insert into "{target}".main.{TABLE} '
                    f"select * from previous_publication.main.{TABLE}"
                )
        finally:
            con.execute("detach previous_publication")
    selects = _headline_selects(con, target, ds)
    if not selects:
        return 0
    before = con.execute(f'select count(*) from "{target}".main.{TABLE}').fetchone()[0]
    con.execute(
        f"""
        insert into "{target}".main.{TABLE}
        with current_values as (
            {" union all ".join(selects)}
        ),
        latest as (
            select * from "{target}".main.{TABLE}
            qualify row_number() over (
                partition by role, kpi, dimension, report_date
                order by as_of_date desc, published_at desc
            ) = 1
        )
        select
            ?::date, current_values.report_date, current_values.role, current_values.kpi,
            current_values.dimension, current_values.value, ?, ?::timestamp
        from current_values
        left join latest
            on current_values.role = latest.role
            and current_values.kpi = latest.kpi
            and current_values.dimension = latest.dimension
            and current_values.report_date = latest.report_date
        where
            latest.report_date is null
            or (current_values.value is null) <> (latest.value is null)
            or abs(current_values.value - latest.value)
                > {RELATIVE_TOLERANCE} * greatest(1, abs(latest.value))
        """,
        [as_of or ds, run_id, published_at],
    )
    after = con.execute(f'select count(*) from "{target}".main.{TABLE}').fetchone()[0]
    return after - before
