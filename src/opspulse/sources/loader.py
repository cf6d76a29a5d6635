"""Ingest: landing files into ``raw.<source>`` of the build database.

For every ``(source, day)`` whose landing files changed since they were last loaded, the
files are read with DuckDB's own readers, the types pinned by the contract, and the
partition ``raw.<source> where _ds = day`` is replaced in one transaction. Nothing is read
row by row in Python.

What happens to bad input:

* a row DuckDB cannot cast to the contract type is kept in ``ops.rejected_rows`` with its
  file, line, column and error, and does not reach ``raw``;
* a file that breaks structurally (bad quoting, a truncated or ragged line, invalid JSON,
  an unreadable parquet file, a contract column missing from the header) or whose share of
  rejected rows exceeds the reject threshold is moved whole to
  ``quarantine/<source>/<day>/`` next to a ``reason.json`` naming the file, the line and
  the error; none of its rows are loaded;
* a text value holding a NUL byte or longer than ``MAX_TEXT_BYTES`` is a rejected row like
  a value that does not cast (``error_type`` TEXT); a parquet file that does not begin and
  end with ``PAR1`` is quarantined (DuckDB would read one with a damaged header);
* a source or day folder, or a file, that resolves outside ``<home>/landing`` (a symlink) is
  never read, hashed nor moved: it is logged as ``refused`` and fails the raw gate;
* every file seen is recorded in ``ops.ingest_log`` (hash, rows loaded, rows rejected,
  header seen, status, and ``run_ds``, the day of the run that saw it: a run killed after
  loading and its re-run, which finds nothing changed, are one day's ingest).

Columns a file carries beyond the contract are tolerated and recorded in the log.

NDJSON and parquet are read with every contract column as text and cast to the contract
types in SQL (``try_cast``/``try_strptime``): ``read_json`` and ``read_parquet`` have no
rejects table, so a typed read would fail the whole file on one bad value, while the loose
read keeps the good rows and names the bad ones. Malformed JSON fails the whole file; the
line is then found by a diagnostic pass over that one file. NDJSON lines may end in LF, CR LF
or a lone CR (a lone-CR file is read through a copy with LF endings; record k stays line k).
An empty file (a header-only CSV, an NDJSON file of whitespace, a Parquet file with its
schema and no rows) is a delivery of no rows: loaded, 0 rows.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from opspulse import settings as settings_mod
from opspulse.sources import contracts
from opspulse.sources.cadence import effective_cadence
from opspulse.sources.contracts import Source
from opspulse.sources.model import MAX_TEXT_BYTES
from opspulse.warehouse.connection import connect, sql_literal

log = logging.getLogger(__name__)

_BARE_CR = re.compile(rb"\r(?!\n)")

META_COLUMNS = {"_ds": "DATE", "_file": "VARCHAR", "_loaded_at": "TIMESTAMP"}

OPS_DDL = """
create schema if not exists raw;
create schema if not exists ops;
create table if not exists ops.ingest_log (
    run_id varchar, source varchar, ds date, file varchar, file_sha256 varchar,
    file_bytes bigint, status varchar, rows_loaded bigint, rows_rejected bigint,
    header_seen varchar, extra_columns varchar, message varchar, logged_at timestamp,
    run_ds date
);
alter table ops.ingest_log add column if not exists run_ds date;
create table if not exists ops.rejected_rows (
    run_id varchar, source varchar, ds date, file varchar, line bigint,
    column_name varchar, error_type varchar, error_message varchar, raw_line varchar,
    rejected_at timestamp
);
create table if not exists ops.partitions (
    source varchar, ds date, fingerprint varchar, files integer, rows_loaded bigint,
    run_id varchar, loaded_at timestamp, primary key (source, ds)
);
"""


class FileRejected(Exception):
    """A landing file that cannot be loaded whole; it goes to quarantine."""

    def __init__(self, message: str, line: int | None = None, column: str | None = None):
        super().__init__(message)
        self.line = line
        self.column = column
        self.header: list[str] = []
        """Columns the file was seen to have, when it got that far."""


@dataclass
class FileResult:
    source: str
    ds: date | None
    file: Path
    sha256: str
    status: str  # loaded | quarantined | refused
    rows_loaded: int = 0
    rows_rejected: int = 0
    header_seen: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    message: str = ""
    line: int | None = None
    quarantined_to: Path | None = None


@dataclass
class IngestSummary:
    run_id: str
    files: list[FileResult] = field(default_factory=list)
    partitions_loaded: list[tuple[str, date]] = field(default_factory=list)
    partitions_unchanged: int = 0

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def quarantined(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "quarantined"]

    @property
    def refused(self) -> list[FileResult]:
        """Paths that resolve outside the landing folder: never read nor moved."""
        return [f for f in self.files if f.status == "refused"]

    @property
    def days_loaded(self) -> list[date]:
        return sorted({d for _, d in self.partitions_loaded})

    def describe(self) -> str:
        lines = [
            f"{len(self.partitions_loaded)} partitions loaded "
            f"({self.partitions_unchanged} unchanged), {self.rows_loaded:,} rows, "
            f"{self.rows_rejected:,} rejected, {len(self.quarantined)} files quarantined"
        ]
        for f in self.quarantined:
            where = f" line {f.line}" if f.line else ""
            lines.append(f"  quarantined {f.file.name} ({f.source} {f.ds}){where}: {f.message}")
        for f in self.refused:
            lines.append(f"  refused {f.message}")
        return "\n".join(lines)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fingerprint(files: Iterable[tuple[str, str]]) -> str:
    """Identity of a partition's landing files: their names and content hashes."""
    return hashlib.sha256("\n".join(f"{n}:{h}" for n, h in sorted(files)).encode()).hexdigest()


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_sql_str = sql_literal
"""A SQL string literal (a path, a header name from a file): ``'`` doubled, NUL refused."""


def outside(path: Path, landing_dir: Path) -> bool:
    """Whether ``path`` resolves (through symlinks) to somewhere outside ``landing_dir``."""
    return not path.resolve().is_relative_to(landing_dir.resolve())


def landing_days(
    landing_dir: Path, source: Source, until: date | None = None, refused: list[Path] | None = None
) -> list[date]:
    """Days with a landing folder for ``source``, oldest first, up to ``until``. A source or
    day folder that resolves outside ``landing_dir`` (a symlink) is left alone and added to
    ``refused``."""
    root = landing_dir / source.name
    if not root.is_dir():
        return []
    if outside(root, landing_dir):
        _refuse(root, landing_dir, refused)
        return []
    days = []
    for child in root.iterdir():
        try:
            day = date.fromisoformat(child.name)
        except ValueError:
            log.warning("ignoring %s: landing folders are named YYYY-MM-DD", child)
            continue
        if child.is_dir() and (until is None or day <= until):
            if outside(child, landing_dir):
                _refuse(child, landing_dir, refused)
                continue
            days.append(day)
    return sorted(days)


def landing_files(
    landing_dir: Path, source: Source, day: date, refused: list[Path] | None = None
) -> list[Path]:
    """The files of ``source`` for ``day``; a folder or file that resolves outside
    ``landing_dir`` is never listed, only added to ``refused``."""
    folder = landing_dir / source.name / day.isoformat()
    if not folder.is_dir():
        return []
    if outside(folder, landing_dir):
        _refuse(folder, landing_dir, refused)
        return []
    files = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith((".", "_")) or not p.is_file():
            continue
        if outside(p, landing_dir):
            _refuse(p, landing_dir, refused)
            continue
        files.append(p)
    return files


def _refuse(path: Path, landing_dir: Path, refused: list[Path] | None) -> None:
    log.error("not reading %s: it resolves to %s, outside %s", path, path.resolve(), landing_dir)
    if refused is not None and path not in refused:
        refused.append(path)


def ensure_raw_table(con, source: Source) -> None:
    cols = [f"{_quote_ident(c.name)} {c.type}" for c in source.columns]
    cols += [f"{name} {type_}" for name, type_ in META_COLUMNS.items()]
    con.execute(f"create table if not exists raw.{source.name} ({', '.join(cols)})")


def _typed_projection(source: Source, get: Callable[[str], str], fmt: contracts.CsvDialect):
    """SQL expressions that cast loose values to the contract types, and the reject test."""
    exprs, failures, bad_text = [], [], []
    for col in source.columns:
        raw = get(col.name)
        if col.type == "VARCHAR":
            typed = raw
            bad_text.append(
                f"case when contains({raw}::varchar, chr(0)) "
                f"or strlen({raw}::varchar) > {MAX_TEXT_BYTES} "
                f"then {_sql_str(col.name)} end"
            )
        elif col.type in ("TIMESTAMP", "DATE"):
            # text must follow the contract's format; a typed (parquet) value casts directly
            pattern = fmt.timestamp_format if col.type == "TIMESTAMP" else fmt.date_format
            typed = (
                f"(case when typeof({raw}) = 'VARCHAR' "
                f"then try_strptime({raw}::varchar, {_sql_str(pattern)}) "
                f"else try_cast({raw} as TIMESTAMP) end)::{col.type}"
            )
        elif col.type in ("INTEGER", "BIGINT") or col.type.startswith("DECIMAL"):
            # exact or rejected: try_cast alone rounds ('2.5' -> 3 units, 1.005 -> 1.01)
            typed = (
                f"(case when try_cast({raw} as DECIMAL(38, 10)) = try_cast({raw} as {col.type}) "
                f"then try_cast({raw} as {col.type}) end)"
            )
        else:
            typed = f"try_cast({raw} as {col.type})"
        exprs.append(f"{typed} as {_quote_ident(col.name)}")
        if col.type != "VARCHAR":
            failures.append(
                f"case when {raw} is not null and {typed} is null then {_sql_str(col.name)} end"
            )
    return exprs, _non_null_list(failures), _non_null_list(bad_text)


def _non_null_list(items: list[str]) -> str:
    return (
        f"list_filter([{', '.join(items)}], lambda x: x is not null)" if items else "[]::varchar[]"
    )


def read_landing_file(con, source: Source, path: Path, n: str = "0") -> _Reader:
    """Read one landing file of ``source`` into temp tables of ``con`` as the loader does.

    Returns the reader: contract-typed rows in the temp table ``reader.good`` (file order),
    rows that failed a cast in ``reader.bad`` (line, column_name, error_type,
    error_message, raw_line), the header in ``reader.header`` and columns beyond the
    contract in ``reader.extra``; call ``reader.drop()`` when done. A file that cannot be
    read whole raises ``FileRejected`` (with the header seen, if any). ``n`` keeps the temp
    tables of files read side by side apart.
    """
    if not path.name.endswith(source.extensions):
        raise FileRejected(
            f"unexpected file type: {source.name} files are {source.format} "
            f"({', '.join(source.extensions)})"
        )
    reader = _Reader(con, source, path, n)
    try:
        reader.read()
    except FileRejected as exc:
        exc.header = reader.header
        raise
    except Exception as exc:  # a reader error DuckDB raised on a broken file
        rejected = FileRejected(str(exc).splitlines()[0], line=_line_of(exc))
        rejected.header = reader.header
        raise rejected from exc
    return reader


class _Reader:
    """Reads one landing file into a temp table ``_good`` plus rejects in ``_bad``."""

    def __init__(self, con, source: Source, path: Path, n: str):
        self.con, self.source, self.path = con, source, path
        self.good, self.bad, self.rejects = f"_good_{n}", f"_bad_{n}", f"_rejects_{n}"
        self.header: list[str] = []
        self.extra: list[str] = []

    def read(self) -> None:
        getattr(self, f"_read_{self.source.format}")()

    def drop(self) -> None:
        for table in (self.good, self.bad, self.rejects, f"{self.rejects}_scan"):
            self.con.execute(f"drop table if exists {table}")

    def _check_columns(self, seen: Sequence[str]) -> None:
        self.header = list(seen)
        missing = [c for c in self.source.column_names if c not in seen]
        self.extra = [c for c in seen if c not in self.source.column_names]
        if missing:
            hint = f"; unexpected columns {self.extra} (renamed?)" if self.extra else ""
            raise FileRejected(
                f"contract column(s) {missing} missing from the file{hint}",
                line=1,
                column=missing[0],
            )

    def _read_csv(self) -> None:
        dialect = self.source.csv
        with self.path.open(newline="", encoding="utf-8", errors="replace") as fh:
            first = fh.readline()
        if not first.strip():
            raise FileRejected("file is empty: expected a header line", line=1)
        header = next(csv.reader([first], delimiter=dialect.delimiter, quotechar=dialect.quote))
        header = [h.strip() for h in header]
        self._check_columns(header)
        # Every column is read as text and cast in SQL (see _split_typed): read_csv's own
        # casts silently round ('2.5' into an INTEGER column loads as 3). read_csv keeps
        # only the structure (quoting, column count, encoding), with the dialect pinned.
        columns = ", ".join(f"{_sql_str(h)}: 'VARCHAR'" for h in header)
        select = ", ".join(_quote_ident(c) for c in self.source.column_names)
        self.con.execute(
            f"""
            create or replace temp table _parsed as
            select row_number() over () + 1 as line, r.*
            from (
                select {select} from read_csv(
                    {_sql_str(str(self.path))}, columns = {{{columns}}}, header = true,
                    auto_detect = false, delim = {_sql_str(dialect.delimiter)},
                    quote = {_sql_str(dialect.quote)}, escape = {_sql_str(dialect.escape)},
                    nullstr = {_sql_str(dialect.null_string)},
                    store_rejects = true, rejects_table = '{self.rejects}',
                    rejects_scan = '{self.rejects}_scan'
                )
            ) as r
            """
        )
        structural = self.con.execute(
            f"""
            select line, error_type::varchar, error_message from {self.rejects}
            order by line limit 1
            """
        ).fetchone()
        if structural:
            line, kind, message = structural
            raise FileRejected(f"{kind.lower()}: {message.splitlines()[0]}", line=int(line))
        self._split_typed("_parsed", _quote_ident)

    def _read_ndjson(self) -> None:
        has_content, bare_cr = _ndjson_shape(self.path)
        with tempfile.TemporaryDirectory(prefix="opspulse-ndjson-") as tmp:
            readable = self.path
            if bare_cr:  # CR-only line separators: read_json splits records on LF only
                readable = Path(tmp) / self.path.name
                _normalise_newlines(self.path, readable)
            path = _sql_str(str(readable))
            if not has_content:
                self._check_columns(list(self.source.column_names))  # an empty day is fine
            else:
                seen = self._json(
                    f"describe select * from read_json({path}, format = 'newline_delimited', "
                    f"sample_size = {JSON_SCHEMA_SAMPLE})"
                ).fetchall()
                self._check_columns([r[0] for r in seen])
            loose = ", ".join(f"{_sql_str(c)}: 'VARCHAR'" for c in self.source.column_names)
            self._json(
                f"""
                create or replace temp table _parsed as
                select row_number() over () as line, r.*
                from read_json({path}, format = 'newline_delimited', columns = {{{loose}}}) as r
                """
            )
        self._split_typed("_parsed", _quote_ident)

    def _json(self, sql: str):
        try:
            return self.con.execute(sql)
        except Exception as exc:  # malformed JSON: find the line for the reason
            line, text = _first_bad_json_line(self.path)
            raise FileRejected(
                f"invalid JSON: {str(exc).splitlines()[0]}; line {line}: {text!r}", line=line
            ) from exc

    def _read_parquet(self) -> None:
        # DuckDB reads a file whose leading magic is damaged as if it were intact: a file that
        # does not begin and end with PAR1 is not a parquet file, whatever its footer says.
        with self.path.open("rb") as fh:
            head = fh.read(len(PARQUET_MAGIC))
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(size - len(PARQUET_MAGIC), 0))
            tail = fh.read(len(PARQUET_MAGIC))
        if size < 2 * len(PARQUET_MAGIC) or head != PARQUET_MAGIC or tail != PARQUET_MAGIC:
            raise FileRejected(
                f"{self.path.name} is not a parquet file: it must begin and end with "
                f"{PARQUET_MAGIC.decode()} (begins with {head!r}, ends with {tail!r})"
            )
        try:
            described = self.con.execute(
                f"describe select * from read_parquet({_sql_str(str(self.path))})"
            ).fetchall()
        except Exception as exc:  # duckdb raises several kinds for an unreadable file
            raise FileRejected(
                f"unreadable parquet file {self.path.name}: {exc}".splitlines()[0]
            ) from exc
        self._check_columns([r[0] for r in described])
        file_types = {r[0]: r[1] for r in described}
        for col in self.source.columns:
            if col.type == "TIMESTAMP" and file_types.get(col.name) == "DATE":
                raise FileRejected(
                    f"column {col.name!r} is DATE in the file but TIMESTAMP in the contract "
                    "(narrowed: the time of day is lost)",
                    column=col.name,
                )
        self.con.execute(
            f"""
            create or replace temp table _parsed as
            select row_number() over () as line, r.*
            from read_parquet({_sql_str(str(self.path))}) as r
            """
        )
        self._split_typed("_parsed", _quote_ident)

    def _split_typed(self, table: str, get: Callable[[str], str]) -> None:
        exprs, failed, bad_text = _typed_projection(self.source, get, self.source.csv)
        self.con.execute(
            f"""
            create or replace temp table _typed as
            select line, {failed} as _failed, {bad_text} as _bad_text, {", ".join(exprs)}
            from {table}
            """
        )
        select = ", ".join(_quote_ident(c) for c in self.source.column_names)
        self.con.execute(
            f"create or replace temp table {self.good} as select {select} from _typed "
            "where len(_failed) = 0 and len(_bad_text) = 0"
        )
        # A cast failure names the columns; a text value that cannot be true (a NUL byte,
        # longer than MAX_TEXT_BYTES) too. The row's text is kept, clipped to RAW_LINE_CHARS.
        self.con.execute(
            f"""
            create or replace temp table {self.bad} as
            select t.line,
                   coalesce(t._failed[1], t._bad_text[1]) as column_name,
                   case when len(t._failed) > 0 then 'CAST' else 'TEXT' end as error_type,
                   case
                       when len(t._failed) > 0
                       then 'could not convert ' || array_to_string(t._failed, ', ')
                            || ' to the contract type'
                       else 'text value of ' || array_to_string(t._bad_text, ', ')
                            || ' holds a NUL byte or is longer than {MAX_TEXT_BYTES} bytes'
                   end as error_message,
                   left(to_json(p)::varchar, {RAW_LINE_CHARS}) as raw_line
            from _typed as t
            join {table} as p on p.line = t.line
            where len(t._failed) > 0 or len(t._bad_text) > 0
            """
        )


RAW_LINE_CHARS = 4096
"""Characters of a rejected row's text kept in ``ops.rejected_rows.raw_line``."""
PARQUET_MAGIC = b"PAR1"
JSON_SCHEMA_SAMPLE = 1000
"""NDJSON records whose keys are compared with the contract (renames, removals)."""
COMMIT_EVERY = 31
"""Partitions replaced per transaction: one commit per month of history on a first load."""


@dataclass
class _Partition:
    day: date
    results: list[FileResult] = field(default_factory=list)
    readers: list[_Reader] = field(default_factory=list)


class Loader:
    """Loads landing partitions into the build database. One instance per run."""

    def __init__(
        self,
        run_id: str,
        settings: settings_mod.Settings | None = None,
        progress: Callable[[str], None] | None = None,
    ):
        self.settings = settings or settings_mod.load()
        self.run_id = run_id
        self.run_ds: date | None = None
        """The day of the run (its ``until``): a killed run and its re-run log one day."""
        self.progress = progress or (lambda msg: log.info(msg))

    def run(
        self,
        until: date,
        sources: Iterable[str] | None = None,
        *,
        days: Iterable[date] | None = None,
        force: bool = False,
    ) -> IngestSummary:
        """Load every changed partition up to ``until`` (or exactly ``days``) of ``sources``
        (default: every source the company delivers, i.e. not ``absent`` in its
        ``[sources]`` table; see ``opspulse.sources.cadence``)."""
        if sources:
            wanted = [contracts.get(s) for s in sources]
        else:
            wanted = [
                s for s in contracts.SOURCES if effective_cadence(s, self.settings) != "absent"
            ]
        summary = IngestSummary(run_id=self.run_id)
        self.run_ds = until
        fixed_days = sorted(set(days)) if days is not None else None
        with connect(self.settings.build_db, settings=self.settings) as con:
            con.execute("set preserve_insertion_order = true")  # line numbers of rejects
            con.execute(OPS_DDL)
            # Every contract source has its (maybe empty) raw table, so the shared staging
            # views and facts build for a company that does not deliver it.
            for source in contracts.SOURCES:
                ensure_raw_table(con, source)
            landing = self.settings.landing_dir
            for source in wanted:
                refused: list[Path] = []
                candidates = fixed_days or landing_days(landing, source, until, refused)
                loaded_before = dict(
                    con.execute(
                        "select ds, fingerprint from ops.partitions where source = ?",
                        [source.name],
                    ).fetchall()
                )
                pending: list[_Partition] = []
                changed = 0
                for day in candidates:
                    files = landing_files(landing, source, day, refused)
                    hashes = {p: _sha256(p) for p in files}
                    fingerprint = _fingerprint((p.name, h) for p, h in hashes.items())
                    if not force and loaded_before.get(day) == fingerprint:
                        summary.partitions_unchanged += 1
                        continue
                    pending.append(self._stage_partition(con, source, day, hashes, len(pending)))
                    changed += 1
                    if len(pending) == COMMIT_EVERY:
                        self._commit(con, source, pending, summary)
                        pending = []
                self._commit(con, source, pending, summary)
                self._record_refused(con, source, refused, summary)
                self.progress(
                    f"{source.name}: {changed} day(s) loaded, {len(candidates) - changed} unchanged"
                )
        return summary

    def _record_refused(self, con, source: Source, paths: list[Path], summary) -> None:
        """Log every path of ``source`` that resolves outside the landing folder as
        ``refused`` in ``ops.ingest_log`` (the raw gate fails on it), on every run until it
        is removed: it is never read, hashed nor moved."""
        landing = self.settings.landing_dir
        logged_at = datetime.now(UTC).replace(tzinfo=None)
        for path in paths:
            try:
                ds = date.fromisoformat(path.name if path.is_dir() else path.parent.name)
            except ValueError:
                ds = None  # the source folder itself
            message = (
                f"{path} resolves to {path.resolve()}, outside {landing}: not read, not moved; "
                "copy the files into the landing folder instead of linking to them"
            )
            result = FileResult(source.name, ds, path, "", status="refused", message=message)
            summary.files.append(result)
            con.execute(
                "insert into ops.ingest_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    self.run_id,
                    source.name,
                    ds,
                    str(path),
                    None,
                    None,
                    "refused",
                    0,
                    0,
                    "",
                    "",
                    message,
                    logged_at,
                    self.run_ds,
                ],
            )

    def _stage_partition(self, con, source: Source, day: date, hashes, k: int) -> _Partition:
        """Read a partition's files into temp tables, outside any transaction (a reader
        error must not abort the transaction that replaces partitions)."""
        partition = _Partition(day=day)
        for n, (path, sha) in enumerate(hashes.items()):
            result = FileResult(source.name, day, path, sha, status="loaded")
            partition.results.append(result)
            reader = self._read_file(con, source, path, f"{k}_{n}", result)
            if reader is not None:
                partition.readers.append(reader)
        return partition

    def _commit(self, con, source: Source, partitions: list[_Partition], summary) -> None:
        """Replace the staged partitions in one transaction; then quarantine broken files."""
        if not partitions:
            return
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        con.execute("begin transaction")
        try:
            days = [p.day for p in partitions]
            con.execute(
                f"delete from raw.{source.name} where _ds in (select unnest(?::date[]))", [days]
            )
            con.execute(
                "delete from ops.rejected_rows where source = ? "
                "and ds in (select unnest(?::date[]))",
                [source.name, days],
            )
            for part in partitions:
                self._insert_partition(con, source, part, loaded_at)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        finally:
            for part in partitions:
                for reader in part.readers:
                    reader.drop()
        for part in partitions:
            for r in part.results:
                if r.status == "quarantined":
                    r.quarantined_to = self._quarantine(r)
            summary.files.extend(part.results)
            summary.partitions_loaded.append((source.name, part.day))

    def _insert_partition(self, con, source: Source, part: _Partition, loaded_at) -> None:
        day = part.day
        for reader in part.readers:
            con.execute(
                f"insert into raw.{source.name} "
                f"select *, ?::date, ?, ?::timestamp from {reader.good}",
                [day, str(reader.path), loaded_at],
            )
            con.execute(
                "insert into ops.rejected_rows select ?, ?, ?::date, ?, line, column_name, "
                f"error_type, error_message, raw_line, ?::timestamp from {reader.bad}",
                [self.run_id, source.name, day, str(reader.path), loaded_at],
            )
        kept = [r for r in part.results if r.status == "loaded"]
        con.execute(
            "insert or replace into ops.partitions values (?, ?, ?, ?, ?, ?, ?)",
            [
                source.name,
                day,
                _fingerprint((r.file.name, r.sha256) for r in kept),
                len(kept),
                sum(r.rows_loaded for r in kept),
                self.run_id,
                loaded_at,
            ],
        )
        for r in part.results:
            con.execute(
                "insert into ops.ingest_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    self.run_id,
                    source.name,
                    day,
                    str(r.file),
                    r.sha256,
                    r.file.stat().st_size,
                    r.status,
                    r.rows_loaded,
                    r.rows_rejected,
                    ",".join(r.header_seen),
                    ",".join(r.extra_columns),
                    r.message,
                    loaded_at,
                    self.run_ds,
                ],
            )

    def _read_file(self, con, source, path, n: str, result: FileResult) -> _Reader | None:
        """Read one file into temp tables; on a structural problem mark it for quarantine."""
        try:
            reader = read_landing_file(con, source, path, n)
        except FileRejected as exc:
            result.header_seen = exc.header
            self._reject(result, exc)
            return None
        result.header_seen, result.extra_columns = reader.header, reader.extra
        good, bad = con.execute(
            f"select (select count(*) from {reader.good}), (select count(*) from {reader.bad})"
        ).fetchone()
        result.rows_loaded, result.rows_rejected = good, bad
        if result.extra_columns:
            result.message = f"extra columns tolerated: {result.extra_columns}"
        total = good + bad
        if bad and bad / total > self.settings.reject_threshold:
            first = con.execute(
                f"select line, column_name, error_message from {reader.bad} order by line limit 1"
            ).fetchone()
            self._reject(
                result,
                FileRejected(
                    f"{bad} of {total} rows could not be read ({bad / total:.1%} > reject "
                    f"threshold {self.settings.reject_threshold:.1%}); first: column "
                    f"{first[1]!r}: {first[2].splitlines()[0]}",
                    line=int(first[0]),
                    column=first[1],
                ),
            )
            result.rows_rejected = bad
            reader.drop()
            return None
        return reader

    def _reject(self, result: FileResult, exc: FileRejected) -> None:
        result.status = "quarantined"
        result.rows_loaded = 0
        result.message = str(exc)
        result.line = exc.line
        log.warning("quarantining %s: %s (line %s)", result.file, exc, exc.line)

    def _quarantine(self, result: FileResult) -> Path:
        folder = self.settings.quarantine_dir / result.source / result.ds.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / result.file.name
        if target.exists():
            target = folder / f"{result.file.stem}.{result.sha256[:8]}{result.file.suffix}"
        shutil.move(str(result.file), target)
        reason_file = folder / "reason.json"
        entries = json.loads(reason_file.read_text()) if reason_file.exists() else []
        entries.append(
            {
                "file": str(result.file),
                "quarantined_as": str(target),
                "source": result.source,
                "ds": result.ds.isoformat(),
                "line": result.line,
                "error": result.message,
                "sha256": result.sha256,
                "run_id": self.run_id,
                "what_to_do": (
                    "fix the file, move it back to "
                    f"{result.file.parent} and re-run this day "
                    "(clear load_sources of that day's opspulse_nightly run in Airflow, or "
                    f"`opspulse load --ds {result.ds.isoformat()}` then the rest of the run)"
                ),
            }
        )
        tmp = reason_file.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(entries, indent=2) + "\n")
        os.replace(tmp, reason_file)
        return target


_CHUNK = 1 << 20


def _ndjson_shape(path: Path) -> tuple[bool, bool]:
    """Whether an NDJSON file holds anything but whitespace, and whether it separates lines
    with a CR alone (old Mac style); read in chunks, the file is never held whole."""
    has_content = bare_cr = False
    pending_cr = False
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            has_content = has_content or bool(chunk.strip())
            if not bare_cr:
                bare_cr = (pending_cr and not chunk.startswith(b"\n")) or _BARE_CR.search(
                    chunk[:-1] if chunk.endswith(b"\r") else chunk
                ) is not None
                pending_cr = chunk.endswith(b"\r")
            if has_content and bare_cr:
                break
    return has_content, bare_cr or pending_cr


def _normalise_newlines(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` with every CR LF and lone CR written as LF. In valid
    JSON a CR byte can only be whitespace between tokens (a CR inside a string is escaped),
    so no value changes and record k stays on line k."""
    with source.open("rb") as src, target.open("wb") as out:
        carry = b""
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            chunk = carry + chunk
            carry = b"\r" if chunk.endswith(b"\r") else b""
            out.write(
                chunk[: len(chunk) - len(carry)].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            )
        if carry:
            out.write(b"\n")


def _first_bad_json_line(path: Path) -> tuple[int | None, str]:
    """Diagnose a file DuckDB refused: the first line that is not one JSON object."""
    with path.open(encoding="utf-8", errors="replace") as fh:
        for number, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                if isinstance(json.loads(text), dict):
                    continue
            except ValueError:
                pass
            return number, text.strip()[:200]
    return None, ""


def _line_of(exc: Exception) -> int | None:
    """Best-effort line number from a DuckDB error message."""
    match = re.search(r"[Ll]ine:? (\d+)", str(exc))
    return int(match.group(1)) if match else None
