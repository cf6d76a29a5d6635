"""The quality gate: audit a layer of the build database, store the results, enforce them.

```python
report = audit("raw", db_path=s.build_db, ds=ds, run_id=run_id, days=loaded_days)
enforce(report)  # raises QualityGateFailed when a critical check failed
```

Nothing here imports Airflow; Great Expectations is imported when :func:`audit` runs, so
importing this module is cheap (DAG files may import it inside a task).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from opspulse.quality import results as store
from opspulse.quality.results import CheckResult

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuiteValidationResult
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )

    from opspulse.quality.suites import SuiteSpec

log = logging.getLogger(__name__)

Layer = Literal["raw", "marts"]

MISSING_TABLE = "expect_table_to_exist"
"""Expectation type recorded for a table that is not in the database (not a GX type)."""

_SAMPLE_SIZE = 5


@dataclass(frozen=True)
class AuditReport:
    """The outcome of one audit: every check, and whether the gate lets the run through."""

    layer: Layer
    ds: date
    run_id: str
    results: tuple[CheckResult, ...] = field(default=())

    @property
    def passed(self) -> bool:
        """True when no critical check failed (failed warnings do not stop the run)."""
        return not any(r.is_critical_failure for r in self.results)

    @property
    def failures(self) -> list[CheckResult]:
        """Every failed check, critical first."""
        failed = [r for r in self.results if not r.success]
        return sorted(failed, key=lambda r: r.severity != "critical")

    @property
    def critical_failures(self) -> list[CheckResult]:
        return [r for r in self.results if r.is_critical_failure]

    @property
    def evaluated(self) -> int:
        return len(self.results)

    @property
    def passed_count(self) -> int:
        return sum(r.success for r in self.results)

    def summary(self) -> str:
        """A readable account naming every failed check (for the alert email and the log)."""
        verdict = "PASSED" if self.passed else "FAILED"
        failures = self.failures
        n_critical = len(self.critical_failures)
        head = (
            f"Quality gate {verdict}: {self.layer} audit of {self.ds.isoformat()} "
            f"(run {self.run_id}): {self.passed_count} of {self.evaluated} checks passed"
        )
        if not failures:
            return head + "."
        head += f"; {n_critical} critical and {len(failures) - n_critical} warning failures:"
        return "\n".join([head, *(f"  - {r.describe()}" for r in failures)])


class QualityGateFailed(Exception):
    """A critical check failed; ``report`` holds every result."""

    def __init__(self, report: AuditReport) -> None:
        super().__init__(report.summary())
        self.report = report


def enforce(report: AuditReport) -> AuditReport:
    """Raise :class:`QualityGateFailed` when a critical check failed; else return the report."""
    if not report.passed:
        raise QualityGateFailed(report)
    return report


def audit(
    layer: Layer,
    *,
    db_path: Path,
    ds: date,
    run_id: str,
    days: Sequence[date] | None = None,
    tables: Sequence[str] | None = None,
) -> AuditReport:
    """Run the ``layer``'s suites on the build database and store every result.

    ``days`` are the ``_ds`` partitions loaded in this run (raw layer only; default
    ``[ds]``). For the marts layer the audited day is ``ds``. ``tables`` limits the audit
    to some tables (source names for raw, mart names for marts; default all). The database
    is opened read-only for validation and released before the results are written with
    one short read-write connection.

    A raw table that does not exist yet (a source with no data) is recorded as a failed
    *warning*; a missing report mart is a *critical* failure (there would be nothing to
    publish).
    """
    from opspulse.quality import engine, suites, thresholds

    if not run_id:
        raise ValueError("run_id must be a non-empty string")
    if layer == "marts" and days is not None:
        raise ValueError("days applies to the raw layer only; marts are audited for ds")
    ds = _as_date(ds)
    audit_days = sorted({_as_date(d) for d in days}) if days else [ds]
    limits = thresholds.for_company()
    specs = _select(suites.suite_specs(layer, limits), tables)
    parameters = suites.raw_parameters(audit_days, limits) if layer == "raw" else {}
    result_format = "COMPLETE" if layer == "marts" else "SUMMARY"

    checks: list[CheckResult] = []
    with engine.duckdb_datasource(Path(db_path)) as datasource:
        present = engine.existing_tables(datasource)
        for spec in specs:
            if spec.table not in present:
                checks.append(_missing_table(spec))
                continue
            validation = engine.validate_query(
                datasource,
                asset_name=spec.name,
                query=spec.batch_query(audit_days),
                suite=spec.suite,
                parameters=parameters,
                result_format=result_format,
            )
            found = _checks(spec, validation)
            if result_format != "COMPLETE":
                found = _with_sample_rows(datasource, spec, audit_days, found)
            checks += found

    report = AuditReport(layer=layer, ds=ds, run_id=run_id, results=tuple(checks))
    store.write(
        Path(db_path),
        report.results,
        run_id=run_id,
        ds=ds,
        layer=layer,
        suites=[spec.name for spec in specs],
        evaluated_at=datetime.now(UTC).replace(tzinfo=None),
    )
    log.info(
        "%s audit of %s: %d of %d checks passed, %d critical failures",
        layer,
        ds.isoformat(),
        report.passed_count,
        report.evaluated,
        len(report.critical_failures),
    )
    return report


def _as_date(value: date | str) -> date:
    """A calendar day from a date, a datetime (Airflow's logical date) or an ISO string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    raise TypeError(f"expected a date, got {type(value).__name__}: {value!r}")


def _select(specs: Mapping[str, SuiteSpec], tables: Sequence[str] | None) -> list[SuiteSpec]:
    if tables is None:
        return list(specs.values())
    by_name = {**specs, **{spec.table: spec for spec in specs.values()}}
    unknown = [table for table in tables if table not in by_name]
    if unknown:
        known = ", ".join(sorted(specs))
        raise ValueError(f"no suite for table(s) {unknown!r}; known: {known}")
    return list(dict.fromkeys(by_name[table] for table in tables))


def _missing_table(spec: SuiteSpec) -> CheckResult:
    severity = "warning" if spec.layer == "raw" else "critical"
    rule = (
        "the source has been loaded at least once"
        if spec.layer == "raw"
        else "the report mart has been built"
    )
    log.warning("%s: table %s does not exist, suite skipped", spec.name, spec.table)
    return CheckResult(
        suite=spec.name,
        table_name=spec.table,
        expectation=MISSING_TABLE,
        column=None,
        kwargs={"table": spec.table},
        severity=severity,
        rule=rule,
        success=False,
        observed="table not found",
    )


def _checks(spec: SuiteSpec, validation: ExpectationSuiteValidationResult) -> list[CheckResult]:
    return [_check(spec, r) for r in validation.results]


def _check(spec: SuiteSpec, r: ExpectationValidationResult) -> CheckResult:
    config = r.expectation_config
    meta = dict(config.meta or {})
    kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
    result: dict[str, Any] = dict(r.result or {})
    error = _exception_message(r.exception_info)
    unexpected_count = result.get("unexpected_count")
    if config.type == "unexpected_rows_expectation":
        unexpected_count = result.get("observed_value")
    return CheckResult(
        suite=spec.name,
        table_name=spec.table,
        expectation=config.type,
        column=_column(kwargs, meta),
        kwargs=kwargs,
        severity=meta.get("severity", "critical"),
        rule=meta.get("rule", config.type),
        success=bool(r.success),
        observed=f"error: {error}" if error else _observed(result),
        element_count=result.get("element_count"),
        unexpected_count=unexpected_count,
        unexpected_percent=result.get("unexpected_percent"),
    )


def _with_sample_rows(
    datasource, spec: SuiteSpec, days: Sequence[date], checks: list[CheckResult]
) -> list[CheckResult]:
    """Failed unexpected-rows checks of a summary audit with a sample of their rows as the
    observed value (GX keeps rows for COMPLETE results only, too heavy for raw batches)."""
    import dataclasses

    from opspulse.quality import engine

    out = []
    for check in checks:
        query = check.kwargs.get("unexpected_rows_query")
        if check.success or check.expectation != "unexpected_rows_expectation" or not query:
            out.append(check)
            continue
        batch = f"({spec.batch_query(days)}) as batch"
        try:
            rows = engine.sample_rows(datasource, query.replace("{batch}", batch), _SAMPLE_SIZE)
        except Exception as exc:  # the evidence is a courtesy: never hide the failure itself
            log.warning("%s: could not sample the unexpected rows: %s", spec.name, exc)
            out.append(check)
            continue
        out.append(dataclasses.replace(check, observed=store.to_json(rows)))
    return out


def _column(kwargs: Mapping[str, Any], meta: Mapping[str, Any]) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    if "column_A" in kwargs:
        return f"{kwargs['column_A']},{kwargs['column_B']}"
    if "column_list" in kwargs:
        return ",".join(kwargs["column_list"])
    return meta.get("column")


def _observed(result: Mapping[str, Any]) -> str | None:
    """The observed value, or a sample of unexpected values/rows, as text."""
    details = result.get("details") or {}
    if details.get("unexpected_rows"):
        return store.to_json(details["unexpected_rows"][:_SAMPLE_SIZE])
    if details.get("mismatched"):
        return store.to_json(details["mismatched"])
    value = result.get("observed_value")
    if value is not None:
        return value if isinstance(value, str) else store.to_json(value)
    if result.get("unexpected_count"):
        return store.to_json(result.get("partial_unexpected_list", [])[:_SAMPLE_SIZE])
    return None


def _exception_message(info: Any) -> str | None:
    """GX reports errors either flat or keyed by metric; return the first message."""
    if not isinstance(info, Mapping):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, Mapping) and value.get("exception_message"):
            return str(value["exception_message"])
    return None
