"""``opspulse sources check``: a landing folder against the contract, before any run.

Every file is read by the loader's own reading code (``loader.read_landing_file``) into an
in-memory DuckDB, so the check sees exactly what a load would see, and the build database
is never opened. On top of what the loader rejects (structure, missing columns, values
that do not cast) the check reports what the quality suites would catch later: NULL in a
required column, a value outside a column's closed ``accepted_values`` (a column's
``example_values`` are an open list: any value passes) and a key repeated within a file. Every problem names the file, and where there is one the line and the column.

Severities: an ``error`` is data that would not load as meant (quarantined, rejected,
ignored or failing a rule); a ``warning`` is something the loader tolerates but that is
probably a mistake; an ``info`` is worth knowing (columns beyond the contract).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import duckdb

from opspulse.sources import contracts
from opspulse.sources.loader import (
    FileRejected,
    _quote_ident,
    _sql_str,
    outside,
    read_landing_file,
)
from opspulse.sources.model import Source

Severity = Literal["error", "warning", "info"]

DEFAULT_LIMIT = 5
"""Lines reported per file for one kind of problem in one column; the rest are counted."""


@dataclass(frozen=True)
class Problem:
    severity: Severity
    kind: str
    path: str
    """File or folder, relative to the checked landing folder ("" for the folder itself)."""
    message: str
    line: int | None = None
    column: str | None = None
    count: int = 1
    """Occurrences this entry stands for (more than 1 for an "and N more" entry)."""

    def describe(self) -> str:
        where = [f"line {self.line}"] if self.line is not None else []
        where += [f"column {self.column}"] if self.column else []
        prefix = f"{', '.join(where)}: " if where else ""
        return f"{self.severity:<7}  {prefix}{self.message}"


@dataclass
class CheckReport:
    root: Path
    files_checked: int = 0
    rows_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    def _count(self, severity: Severity) -> int:
        return sum(p.count for p in self.problems if p.severity == severity)

    @property
    def errors(self) -> int:
        return self._count("error")

    @property
    def warnings(self) -> int:
        return self._count("warning")

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def summary(self) -> str:
        return f"{self.files_checked} files checked, {self.errors} errors, {self.warnings} warnings"

    def describe(self) -> str:
        """The report grouped by file, then the count line."""
        lines: list[str] = []
        by_path: dict[str, list[Problem]] = {}
        for p in self.problems:
            by_path.setdefault(p.path, []).append(p)
        for path, problems in by_path.items():
            lines.append(path or f"{self.root} (landing folder)")
            lines += [f"  {p.describe()}" for p in problems]
        lines.append(f"{self.summary()} ({self.rows_checked:,} rows)")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "root": str(self.root),
            "files_checked": self.files_checked,
            "rows_checked": self.rows_checked,
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": [asdict(p) for p in self.problems],
        }


def check_landing(
    root: Path,
    *,
    limit: int = DEFAULT_LIMIT,
    reject_threshold: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> CheckReport:
    """Check ``root/<source>/<YYYY-MM-DD>/<files>`` against every registered contract."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no landing folder at {root}")
    if reject_threshold is None:
        from opspulse import settings

        reject_threshold = settings.load().reject_threshold
    report = CheckReport(root=root)
    seen: set[str] = set()
    con = duckdb.connect(":memory:")
    try:
        con.execute("set preserve_insertion_order = true")  # line numbers of rows
        for child in sorted(root.iterdir()):
            if _ignored(child):
                continue
            rel = child.relative_to(root).as_posix()
            if not child.is_dir():
                report.problems.append(
                    Problem("warning", "stray_file", rel, "not in a source folder: ignored")
                )
                continue
            if child.name not in contracts.SOURCES_BY_NAME:
                report.problems.append(_unknown_source(rel, child.name))
                continue
            if outside(child, root):
                report.problems.append(_outside(rel, child))
                continue
            seen.add(child.name)
            source = contracts.SOURCES_BY_NAME[child.name]
            files, rows, errors = report.files_checked, report.rows_checked, report.errors
            checker = _FileChecker(con, source, limit, reject_threshold)
            _check_source_folder(root, child, checker, report)
            if progress:
                progress(
                    f"{source.name}: {report.files_checked - files} files, "
                    f"{report.rows_checked - rows:,} rows, {report.errors - errors} errors"
                )
    finally:
        con.close()
    absent = [s.name for s in contracts.SOURCES if s.name not in seen]
    if absent:
        report.problems.append(
            Problem("info", "no_folder", "", f"no folder for source(s): {', '.join(absent)}")
        )
    return report


def _ignored(path: Path) -> bool:
    """Names the loader skips: hidden files and ``_``-prefixed ones (``_SUCCESS``)."""
    return path.name.startswith((".", "_"))


def _unknown_source(rel: str, name: str) -> Problem:
    close = difflib.get_close_matches(name, list(contracts.SOURCES_BY_NAME), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return Problem(
        "error",
        "unknown_source",
        rel,
        f"unknown source folder {name!r}{hint}: not in the contract, nothing in it is loaded",
    )


def _outside(rel: str, path: Path) -> Problem:
    return Problem(
        "error",
        "outside_landing",
        rel,
        f"resolves to {path.resolve()}, outside the landing folder: the loader never reads "
        "nor moves it and the raw gate fails; copy the files in instead of linking",
    )


def _check_source_folder(root: Path, folder: Path, checker: _FileChecker, report) -> None:
    for child in sorted(folder.iterdir()):
        if _ignored(child):
            continue
        rel = child.relative_to(root).as_posix()
        if not child.is_dir():
            report.problems.append(
                Problem("warning", "stray_file", rel, "not in a YYYY-MM-DD folder: ignored")
            )
            continue
        if outside(child, root):
            report.problems.append(_outside(rel, child))
            continue
        try:
            day = date.fromisoformat(child.name)
        except ValueError:
            report.problems.append(
                Problem(
                    "error",
                    "folder_not_a_date",
                    rel,
                    f"folder name {child.name!r} is not a date YYYY-MM-DD: ignored by the loader",
                )
            )
            continue
        if child.name != day.isoformat():
            report.problems.append(
                Problem(
                    "warning",
                    "folder_not_a_date",
                    rel,
                    f"read as {day.isoformat()}; name the folder {day.isoformat()}",
                )
            )
        entries = [p for p in sorted(child.iterdir()) if not _ignored(p)]
        for sub in (p for p in entries if p.is_dir()):
            report.problems.append(
                Problem(
                    "warning",
                    "stray_folder",
                    sub.relative_to(root).as_posix(),
                    "folder inside a day folder: ignored",
                )
            )
        files = [p for p in entries if p.is_file()]
        if not files:
            report.problems.append(Problem("warning", "empty_day", rel, _empty_day(checker.source)))
        for path in files:
            if outside(path, root):
                report.problems.append(_outside(path.relative_to(root).as_posix(), path))
                continue
            report.files_checked += 1
            rows, problems = checker.check(path, path.relative_to(root).as_posix())
            report.rows_checked += rows
            report.problems += problems


def _empty_day(source: Source) -> str:
    if source.cadence == "daily":
        return (
            "no files: a daily source needs a file every day (an empty file on a day without "
            "rows), or the raw gate fails for this day; set it on_change in company.toml if "
            "your export skips days"
        )
    return "no files: nothing is loaded for the day (fine for an on_change source)"


class _FileChecker:
    """Checks files of one source; reuses one connection, a fresh set of temp tables each."""

    def __init__(self, con, source: Source, limit: int, reject_threshold: float):
        self.con, self.source, self.limit = con, source, limit
        self.reject_threshold = reject_threshold
        self.n = 0
        self.line_offset = 1 if source.format == "csv" and source.csv.header else 0

    def check(self, path: Path, rel: str) -> tuple[int, list[Problem]]:
        self.n += 1
        try:
            reader = read_landing_file(self.con, self.source, path, f"check_{self.n}")
        except FileRejected as exc:
            return 0, self._rejected(rel, exc)
        try:
            bad_lines, problems, bad_rows = self._cast_failures(reader.bad, rel)
            rule_problems, good_rows = self._row_rules(reader.good, rel, bad_lines)
            problems += rule_problems
            total = good_rows + bad_rows
            if bad_rows and bad_rows / total > self.reject_threshold:
                problems.append(
                    Problem(
                        "error",
                        "over_reject_threshold",
                        rel,
                        f"{bad_rows} of {total} rows do not cast ({bad_rows / total:.1%} > "
                        f"reject threshold {self.reject_threshold:.1%}): the loader would "
                        "quarantine the whole file",
                    )
                )
            return total, problems + _extra_columns(rel, reader.extra)
        finally:
            reader.drop()
            self.con.execute("drop table if exists _numbered")

    def _rejected(self, rel: str, exc: FileRejected) -> list[Problem]:
        """A file the loader would quarantine whole: missing columns one by one."""
        missing = [c for c in self.source.column_names if c not in exc.header]
        if not (exc.header and missing):
            return [Problem("error", "structure", rel, str(exc), exc.line, exc.column)]
        extra = [c for c in exc.header if c not in self.source.column_names]
        problems = []
        for name in missing:
            close = difflib.get_close_matches(name, extra, n=1, cutoff=0.5)
            hint = f" (renamed to {close[0]!r}?)" if close else ""
            problems.append(
                Problem(
                    "error",
                    "missing_column",
                    rel,
                    f"contract column missing from the file{hint}: the file would be quarantined",
                    line=exc.line,
                    column=name,
                )
            )
        return problems + _extra_columns(rel, extra)

    def _cast_failures(self, bad: str, rel: str) -> tuple[list[int], list[Problem], int]:
        """Rows that do not cast to the contract types (the loader's rejected rows)."""
        bad_lines = [
            r[0] for r in self.con.execute(f"select distinct line from {bad} order by 1").fetchall()
        ]
        rows = self.con.execute(
            f"""
            select line, column_name, error_message, raw_line, total from (
                select *, count(*) over (partition by column_name) as total,
                       row_number() over (partition by column_name order by line) as k
                from {bad}
            ) where k <= {self.limit} order by column_name, line
            """
        ).fetchall()
        found = [
            (
                column,
                total,
                Problem(
                    "error",
                    "cast",
                    rel,
                    self._cast_message(column, message, raw),
                    int(line),
                    column,
                ),
            )
            for line, column, message, raw, total in rows
        ]
        return bad_lines, self._with_more(rel, found, "values that do not cast"), len(bad_lines)

    def _cast_message(self, column: str, message: str, raw_line: str) -> str:
        contract = self.source.column(column) if column in self.source.column_names else None
        type_ = contract.type if contract else "the contract type"
        # the loader keeps every rejected row as a JSON object of its text values
        value = self.con.execute(
            "select json_extract_string(?, ?)", [raw_line, f'$."{column}"']
        ).fetchone()[0]
        expected = type_
        if contract and contract.type == "TIMESTAMP":
            expected += f" like {self.source.csv.timestamp_format!r}"
        elif contract and contract.type == "DATE":
            expected += f" like {self.source.csv.date_format!r}"
        if value is None:
            return f"does not cast to {expected}: {(message or '').splitlines()[0]}"
        return f"{value!r} does not cast to {expected}"

    def _row_rules(self, good: str, rel: str, bad_lines: list[int]) -> tuple[list, int]:
        """NULL in required columns, values outside accepted values, repeated keys."""
        self.con.execute(
            f"create or replace temp table _numbered as "
            f"select row_number() over () as _k, * from {good}"
        )
        rules = []
        for c in self.source.columns:
            name = _quote_ident(c.name)
            if not c.nullable:
                rules.append(
                    f"select 'null' as rule, {_sql_str(c.name)} as col, _k, null::varchar as v "
                    f"from _numbered where {name} is null"
                )
            if c.accepted_values:
                accepted = ", ".join(map(_sql_str, c.accepted_values))
                rules.append(
                    f"select 'accepted' as rule, {_sql_str(c.name)} as col, _k, {name}::varchar "
                    f"from _numbered where {name} is not null "
                    f"and {name}::varchar not in ({accepted})"
                )
            if c.pattern:
                rules.append(
                    f"select 'accepted' as rule, {_sql_str(c.name)} as col, _k, {name}::varchar "
                    f"from _numbered where {name} is not null "
                    f"and not regexp_full_match({name}::varchar, {_sql_str(c.pattern)})"
                )
        if self.source.key:
            key = ", ".join(_quote_ident(k) for k in self.source.key)
            rules.append(
                f"select 'duplicate' as rule, {_sql_str(', '.join(self.source.key))} as col, _k, "
                f"concat_ws(', ', {key}) from ("
                f"select _k, {key}, count(*) over (partition by {key}) as n from _numbered"
                f") where n > 1"
            )
        problems: list[Problem] = []
        if rules:
            rows = self.con.execute(
                f"""
                select rule, col, _k, v, total from (
                    select *, count(*) over (partition by rule, col) as total,
                           row_number() over (partition by rule, col order by _k) as k
                    from ({" union all ".join(rules)})
                ) where k <= {self.limit} order by rule, col, _k
                """
            ).fetchall()
            for rule in ("null", "accepted", "duplicate"):
                found = [
                    (
                        column,
                        total,
                        Problem(
                            "error",
                            rule,
                            rel,
                            self._rule_message(rule, column, v),
                            self._line(k, bad_lines),
                            column,
                        ),
                    )
                    for r, column, k, v, total in rows
                    if r == rule
                ]
                problems += self._with_more(rel, found, _RULE_PLURALS[rule])
        return problems, self.con.execute("select count(*) from _numbered").fetchone()[0]

    def _rule_message(self, rule: str, column: str, value: str | None) -> str:
        if rule == "null":
            return "required value is NULL (empty or missing)"
        if rule == "accepted":
            spec = self.source.column(column)
            if spec.pattern:
                return f"{value!r} does not have the contract's form ({spec.pattern})"
            accepted = ", ".join(spec.accepted_values)
            return f"{value!r} is not one of the accepted values ({accepted})"
        return f"key {value!r} appears more than once in the file"

    def _with_more(self, rel: str, found: list[tuple], what: str) -> list[Problem]:
        """Found problems (column, total, problem) in order, each column's capped lines
        followed by one entry counting the rest."""
        out: list[Problem] = []
        for i, (column, total, problem) in enumerate(found):
            out.append(problem)
            last_of_column = i + 1 == len(found) or found[i + 1][0] != column
            if last_of_column and total > self.limit:
                rest = total - self.limit
                out.append(
                    Problem(
                        problem.severity,
                        problem.kind,
                        rel,
                        f"... and {rest} more {what}",
                        None,
                        column,
                        rest,
                    )
                )
        return out

    def _line(self, k: int, bad_lines: list[int]) -> int:
        """Line of the k-th readable row: rows that failed a cast are not in the good table."""
        line = self.line_offset + k
        for bad in bad_lines:
            if bad > line:
                break
            line += 1
        return line


def _extra_columns(rel: str, extra: list[str]) -> list[Problem]:
    return [
        Problem("info", "extra_column", rel, "extra column tolerated (not loaded)", column=c)
        for c in extra
    ]


_RULE_PLURALS = {
    "null": "NULLs in a required column",
    "accepted": "values outside the accepted values",
    "duplicate": "rows with a repeated key",
}
