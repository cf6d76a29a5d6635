"""The results store: every expectation result, pass or fail, in ``quality.results``.

One row per evaluated expectation of one suite in one run. Re-auditing the same
``(run_id, layer, suite)`` replaces that suite's rows, so a retried task never duplicates
them. The data-operations mart reads this table (expectations evaluated, pct passed, the
per-role trust score).

Written with one short read-write connection *after* GX has released the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

SCHEMA = "quality"
TABLE = f"{SCHEMA}.results"

DDL = f"""
create schema if not exists {SCHEMA};
create table if not exists {TABLE} (
    run_id varchar not null,
    ds date not null,
    layer varchar not null,
    suite varchar not null,
    table_name varchar not null,
    expectation_type varchar not null,
    column_name varchar,
    kwargs json,
    severity varchar not null,
    rule varchar,
    success boolean not null,
    observed_value varchar,
    element_count bigint,
    unexpected_count bigint,
    unexpected_percent double,
    evaluated_at timestamp not null
);
"""

COLUMNS = (
    "run_id",
    "ds",
    "layer",
    "suite",
    "table_name",
    "expectation_type",
    "column_name",
    "kwargs",
    "severity",
    "rule",
    "success",
    "observed_value",
    "element_count",
    "unexpected_count",
    "unexpected_percent",
    "evaluated_at",
)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one expectation (or of a table that could not be audited)."""

    suite: str
    table_name: str
    expectation: str
    column: str | None
    kwargs: dict[str, Any]
    severity: str
    rule: str
    success: bool
    observed: str | None = None
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None

    @property
    def is_critical_failure(self) -> bool:
        return not self.success and self.severity == "critical"

    def describe(self) -> str:
        """One readable line: what failed, where, why it matters and what was seen."""
        where = self.table_name + (f".{self.column}" if self.column else "")
        seen = []
        if self.unexpected_count is not None:
            of = f" of {self.element_count}" if self.element_count is not None else ""
            seen.append(f"{self.unexpected_count}{of} unexpected")
        if self.observed is not None:
            label = "e.g." if self.unexpected_count and self.element_count else "observed"
            seen.append(f"{label} {_clip(self.observed, 160)}")
        detail = f" ({'; '.join(seen)})" if seen else ""
        return f"[{self.severity}] {where}: {self.rule} [{self.expectation}]{detail}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def to_json(value: Any) -> str:
    return json.dumps(value, default=str, sort_keys=True)


def ensure_table(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(DDL)


def write(
    db_path: Path,
    results: Iterable[CheckResult],
    *,
    run_id: str,
    ds: date,
    layer: str,
    suites: Sequence[str],
    evaluated_at: datetime,
) -> int:
    """Replace the rows of ``suites`` for ``(run_id, layer)`` with ``results``; rows written."""
    rows = [
        (
            run_id,
            ds,
            layer,
            r.suite,
            r.table_name,
            r.expectation,
            r.column,
            to_json(r.kwargs),
            r.severity,
            r.rule,
            r.success,
            r.observed,
            r.element_count,
            r.unexpected_count,
            r.unexpected_percent,
            evaluated_at,
        )
        for r in results
    ]
    from opspulse.warehouse.connection import connect

    placeholders = ", ".join("?" for _ in COLUMNS)
    with connect(Path(db_path)) as connection:
        ensure_table(connection)
        connection.execute("begin transaction")
        try:
            connection.execute(
                f"delete from {TABLE} where run_id = ? and layer = ? and list_contains(?, suite)",
                [run_id, layer, list(suites)],
            )
            if rows:
                connection.executemany(
                    f"insert into {TABLE} ({', '.join(COLUMNS)}) values ({placeholders})", rows
                )
            connection.execute("commit")
        except BaseException:
            connection.execute("rollback")
            raise
    return len(rows)


ALERT_FIELDS = (
    "layer",
    "suite",
    "table_name",
    "expectation",
    "column",
    "severity",
    "rule",
    "observed",
    "unexpected_count",
)


def critical_failures(db_path: Path, *, run_id: str) -> list[dict[str, Any]]:
    """The failed critical checks of ``run_id`` as dicts (for the data team's alert email).

    Keys: ``layer``, ``suite``, ``table_name``, ``expectation``, ``column``, ``severity``,
    ``rule``, ``observed``, ``unexpected_count``. Empty when nothing was stored for the run
    (for instance when it failed before its first audit).
    """
    from opspulse.warehouse.connection import connect

    if not Path(db_path).exists():
        return []
    with connect(Path(db_path), read_only=True) as connection:
        exists = connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = 'results'",
            [SCHEMA],
        ).fetchone()[0]
        if not exists:
            return []
        rows = connection.execute(
            f"""
            select layer, suite, table_name, expectation_type, column_name, severity, rule,
                   observed_value, unexpected_count
            from {TABLE}
            where run_id = ? and not success and severity = 'critical'
            order by layer desc, suite, expectation_type, column_name
            """,
            [run_id],
        ).fetchall()
    return [dict(zip(ALERT_FIELDS, row, strict=True)) for row in rows]


def describe_failures(failures: Sequence[Mapping[str, Any]], *, run_id: str) -> str:
    """A readable account of stored failures, one line each (same lines as the gate's)."""
    if not failures:
        return f"Run {run_id}: no failed critical check is stored; the run failed elsewhere."
    lines = [f"Run {run_id}: {len(failures)} critical checks failed:"]
    for f in failures:
        check = CheckResult(
            suite=f["suite"],
            table_name=f.get("table_name") or f["suite"],
            expectation=f["expectation"],
            column=f.get("column"),
            kwargs={},
            severity=f.get("severity") or "critical",
            rule=f.get("rule") or f["expectation"],
            success=False,
            observed=f.get("observed"),
            unexpected_count=f.get("unexpected_count"),
        )
        lines.append(f"  - {check.describe()}")
    return "\n".join(lines)
