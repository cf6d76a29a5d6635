"""Read one role's numbers for one day from the published marts database.

The published database (``settings.marts_db``) is opened ``read_only=True`` for the few
queries of one role and closed right away, so a publish (which swaps the file) is never
blocked for long. Everything an email shows comes out of :func:`read_kpis` as a
:class:`KpiSnapshot`; :meth:`KpiSnapshot.sent_values` is the set of numbers, formatted as
displayed, that the send ledger hashes and keeps to explain a restatement.

What the hash covers: the day's own numbers (tile values, detail values, breakdown rows),
formatted as shown. Trend context (previous day, 7-day average, target) is left out: a late
correction of *yesterday* restates yesterday's email, not today's. Formatting first means
floating-point noise below display precision never triggers a restatement.

How a number is shown is the company's: its currency and locale (``numbers``) and the
sources it delivers (``delivered``), so a KPI that is NULL because an optional source is not
delivered reads ``n/a: needs <source>`` in both parts of the email and in the hash alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from opspulse import settings as settings_mod
from opspulse.reports.formatting import EN_US_USD, NA, NumberFormat, needs_source
from opspulse.reports.roles import (
    MART_SCHEMA,
    DetailsSection,
    Field,
    Role,
    TableSection,
    Tile,
    get_role,
)
from opspulse.warehouse.connection import connect
from opspulse.warehouse.publish import PUBLISHED_SCHEMA


class MissingReportDay(LookupError):
    """The published mart has no row for the requested day."""


class MartNotReadable(RuntimeError):
    """The published database, a mart or a column the role needs is missing."""


@dataclass(frozen=True)
class TileReading:
    tile: Tile
    value: Any
    prev_day: Any = None
    avg_7d: Any = None
    target: Any = None
    pct_of_target: Any = None


@dataclass(frozen=True)
class DetailsReading:
    section: DetailsSection
    values: tuple[tuple[Field, Any], ...]


@dataclass(frozen=True)
class TableReading:
    section: TableSection
    rows: tuple[tuple[Any, ...], ...]
    """Each row: the label value, then one value per ``section.columns``."""


SectionReading = DetailsReading | TableReading


@dataclass(frozen=True)
class KpiSnapshot:
    role: Role
    ds: dt.date
    tiles: tuple[TileReading, ...]
    sections: tuple[SectionReading, ...]
    numbers: NumberFormat = EN_US_USD
    """The company's currency and locale."""
    delivered: frozenset[str] | None = None
    """The sources the company delivers; None when unknown (a NULL then reads ``n/a``)."""

    def missing_source(self, item: Tile | Field, value: Any) -> str | None:
        """The source ``item`` needs when its value is NULL and the company lacks it."""
        if item.needs is None or self.delivered is None or item.needs in self.delivered:
            return None
        return item.needs if self.numbers.value(value, item.kind) == NA else None

    def shown(self, item: Tile | Field, value: Any) -> str:
        """``value`` as the email shows it: formatted, or ``n/a: needs <source>``."""
        missing = self.missing_source(item, value)
        return needs_source(missing) if missing else self.numbers.value(value, item.kind)

    def sent_values(self) -> dict[str, dict[str, str]]:
        """Stable key -> {label, value (formatted as displayed)} for every number of the day."""
        out: dict[str, dict[str, str]] = {}
        for reading in self.tiles:
            t = reading.tile
            out[t.column] = {"label": t.label, "value": self.shown(t, reading.value)}
        for section in self.sections:
            if isinstance(section, DetailsReading):
                for f, value in section.values:
                    out[f.column] = {"label": f.label, "value": self.shown(f, value)}
            else:
                s = section.section
                for label_value, *values in section.rows:
                    item = self.shown(s.label, label_value)
                    for f, value in zip(s.columns, values, strict=True):
                        out[f"{s.mart}[{item}].{f.column}"] = {
                            "label": f"{s.title}: {item} {f.label.lower()}",
                            "value": self.shown(f, value),
                        }
        return out

    @property
    def content_hash(self) -> str:
        return content_hash(self.sent_values())


def content_hash(sent_values: dict[str, dict[str, str]]) -> str:
    """sha256 of the keys and displayed values (labels excluded: renaming one restates nothing)."""
    pairs = sorted((key, item["value"]) for key, item in sent_values.items())
    return hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode()).hexdigest()


def as_date(ds: dt.date | str) -> dt.date:
    if isinstance(ds, dt.datetime):
        return ds.date()
    if isinstance(ds, dt.date):
        return ds
    try:
        return dt.date.fromisoformat(str(ds))
    except ValueError:
        raise ValueError(f"not a day (expected YYYY-MM-DD): {ds!r}") from None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _table(con: duckdb.DuckDBPyConnection, mart: str) -> str:
    """Fully qualified: the build's ``marts`` schema is the published file's ``main``."""
    (catalog,) = con.execute("select current_database()").fetchone()
    return ".".join(map(_quote, (catalog, PUBLISHED_SCHEMA, mart)))


def _columns(con: duckdb.DuckDBPyConnection, mart: str, marts_db: Path) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_catalog = current_database() and table_schema = ? and table_name = ?",
        [PUBLISHED_SCHEMA, mart],
    ).fetchall()
    if not rows:
        raise MartNotReadable(f"{MART_SCHEMA}.{mart} does not exist in {marts_db}")
    return {name for (name,) in rows}


def _require(available: set[str], needed: Sequence[str], mart: str, marts_db: Path) -> None:
    missing = [c for c in needed if c not in available]
    if missing:
        raise MartNotReadable(
            f"{MART_SCHEMA}.{mart} in {marts_db} lacks column(s) {', '.join(missing)}"
        )


def _daily_row(
    con: duckdb.DuckDBPyConnection, role: Role, ds: dt.date, marts_db: Path
) -> dict[str, Any]:
    available = _columns(con, role.mart, marts_db)
    needed: list[str] = []
    for t in role.tiles:
        needed.append(t.column)
        if t.trend:
            needed += [t.prev_day_column, t.avg_7d_column]
    for s in role.sections:
        if isinstance(s, DetailsSection):
            needed += [f.column for f in s.fields]
    _require(available, needed, role.mart, marts_db)
    optional = [
        c for t in role.tiles for c in (t.target_column, t.attainment_column) if c in available
    ]
    columns = list(dict.fromkeys(needed + optional))
    rows = con.execute(
        f"select {', '.join(map(_quote, columns))} "
        f"from {_table(con, role.mart)} where report_date = ?",
        [ds],
    ).fetchall()
    if not rows:
        raise MissingReportDay(
            f"no row for report_date {ds.isoformat()} in {MART_SCHEMA}.{role.mart} "
            f"({marts_db}); was that day built and published?"
        )
    if len(rows) > 1:
        raise MartNotReadable(
            f"{MART_SCHEMA}.{role.mart} has {len(rows)} rows for report_date {ds.isoformat()}; "
            "a report mart holds one row per day"
        )
    return dict(zip(columns, rows[0], strict=True))


def _table_rows(
    con: duckdb.DuckDBPyConnection, section: TableSection, ds: dt.date, marts_db: Path
) -> tuple[tuple[Any, ...], ...]:
    columns = [section.label.column] + [f.column for f in section.columns]
    only = [section.only_where] if section.only_where else []
    _require(
        _columns(con, section.mart, marts_db),
        columns + [section.order_by, *only],
        section.mart,
        marts_db,
    )
    direction = "desc" if section.descending else "asc"
    only_where = "".join(f" and {_quote(c)}" for c in only)
    rows = con.execute(
        f"select {', '.join(map(_quote, columns))} "
        f"from {_table(con, section.mart)} where report_date = ?{only_where} "
        f"order by {_quote(section.order_by)} {direction} nulls last, "
        f"{_quote(section.label.column)} limit {int(section.limit)}",
        [ds],
    ).fetchall()
    return tuple(tuple(r) for r in rows)


def _built(mart: str, delivered: Collection[str] | None) -> bool:
    """Whether a breakdown mart is built for the company: one that needs a source of its own
    (:data:`opspulse.catalogue.MART_REQUIRES`) is not when that source is not delivered, and
    its section is left out of the email."""
    from opspulse.catalogue import MART_REQUIRES

    return delivered is None or set(MART_REQUIRES.get(mart, ())) <= set(delivered)


def read_kpis(
    role: Role | str,
    ds: dt.date | str,
    marts_db: Path | str,
    *,
    numbers: NumberFormat | None = None,
    delivered: Collection[str] | None = None,
) -> KpiSnapshot:
    """One role's headline values, trend columns and sections for day ``ds``.

    ``numbers`` defaults to the company's (:func:`opspulse.settings.load` when called);
    ``delivered`` (the sources the company delivers, see
    :func:`opspulse.catalogue.delivered_sources`) to unknown.

    Raises :class:`MissingReportDay` when the role's mart has no row for the day and
    :class:`MartNotReadable` when the database, a mart or a needed column is missing.
    """
    role = get_role(role) if isinstance(role, str) else role
    day = as_date(ds)
    marts_db = Path(marts_db)
    numbers = numbers or NumberFormat.of(settings_mod.load())
    if not marts_db.is_file():
        raise MartNotReadable(
            f"published database {marts_db} does not exist; has the publish step run?"
        )
    with connect(marts_db, read_only=True) as con:
        row = _daily_row(con, role, day, marts_db)
        sections: list[SectionReading] = []
        for s in role.sections:
            if isinstance(s, DetailsSection):
                sections.append(DetailsReading(s, tuple((f, row[f.column]) for f in s.fields)))
            elif _built(s.mart, delivered):
                sections.append(TableReading(s, _table_rows(con, s, day, marts_db)))
    tiles = tuple(
        TileReading(
            tile=t,
            value=row[t.column],
            prev_day=row.get(t.prev_day_column),
            avg_7d=row.get(t.avg_7d_column),
            target=row.get(t.target_column),
            pct_of_target=row.get(t.attainment_column),
        )
        for t in role.tiles
    )
    return KpiSnapshot(
        role=role,
        ds=day,
        tiles=tiles,
        sections=tuple(sections),
        numbers=numbers,
        delivered=frozenset(delivered) if delivered is not None else None,
    )
