"""The expectation suites, in code: one per raw source and one per report mart.

Every expectation carries ``meta={"severity": "critical" | "warning", "rule": "<reason>"}``.
A failed critical expectation stops the run; a failed warning is reported and stored.

**Raw suites** are derived from the source contract (``opspulse.sources.contracts``), so a
new source gets its suite without touching this module. The batch is the ``_ds``
partitions loaded in this run. Each suite checks:

- the columns are exactly the contract's plus the loader's ``_ds``, ``_file``, ``_loaded_at``;
- the contract's non-nullable columns hold no NULL;
- the key is unique in the batch: per ``_ds`` for change-record sources (a key may have one
  version per export day), across the whole batch for append-only sources;
- the contract's closed ``accepted_values`` (a column's ``example_values`` are an open list
  and are not checked: a company's own categories, carriers, regions, ... load), and a
  column's ``pattern`` (a closed form, such as a ledger account ``opex:<category>``);
- no timestamp lies after the end of the day after the latest batch day (one day of slack
  for the company timezone and exports taken after midnight);
- no date or timestamp lies before ``EARLIEST_DATE`` (1970-01-01): ``0001-01-01`` is a
  placeholder, never an event (one check per source, showing the rows);
- the per-source windows of :data:`RAW_WINDOWS`: a date at most a company limit after another
  (a delivery promised within ``max_promised_delivery_days`` of the order), critical because
  beyond that limit the value is wrong, not unusual (see :mod:`opspulse.quality.thresholds`);
- the per-source ranges of :data:`RAW_RANGES` and :data:`RAW_ORDERED_PAIRS`;
- the per-source unusual values of :data:`RAW_USUAL` (warning, threshold per company);
- the batch is not empty (warning).

**Mart suites** hold what dbt tests don't: exactly one row for the audited day, ratios in
0..1, money and counts never negative, ordered pairs (valid <= placed orders), a
reconciliation of e-commerce net sales with ``fct_orders`` and an anomaly check of each
headline KPI against its trailing 28 days (warning). The batch is the audited day's row.

**Criticals are defects, not surprises.** A critical expectation fails only on data that is
wrong: a broken key, an impossible value (a negative count, a ratio above 1), a
reconciliation that cannot hold. A real but unusual value (a 200-day delivery, an
80,000-unit wholesale line, an empty breakdown on a quiet day) is a warning whose result
shows the row. Every business threshold comes from :mod:`opspulse.quality.thresholds`
(settable per company); every check is NULL-safe: a sum over no rows is 0 on both sides of
a reconciliation, a NULL where the mart promises a number is a failure, never a silent pass.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, NamedTuple

import great_expectations.expectations as gxe
from great_expectations.core import ExpectationSuite
from great_expectations.expectations import Expectation

from opspulse.quality.thresholds import DEFAULTS, THRESHOLDS, Thresholds, for_company
from opspulse.sources import contracts
from opspulse.sources.model import EARLIEST_DATE

Layer = Literal["raw", "marts"]
Severity = Literal["critical", "warning"]

LANDING_COLUMNS = ("_ds", "_file", "_loaded_at")
"""Columns the loader adds to every ``raw.<source>`` table."""

ANOMALY_ABS_TOLERANCE = 1e-9
"""A flat history has a standard deviation of 0: float rounding alone must not warn."""
THRESHOLD_UNITS = {f.name: f.metadata["unit"] for f in THRESHOLDS}
SHARE_TOLERANCE = 1e-6
"""Shares that must add up to 1 may differ from it by float rounding only."""


def critical(rule: str) -> dict[str, str]:
    return {"severity": "critical", "rule": rule}


def warning(rule: str) -> dict[str, str]:
    return {"severity": "warning", "rule": rule}


@dataclass(frozen=True)
class SuiteSpec:
    """A suite and the table it guards; the batch is that table's rows of the audited days."""

    layer: Layer
    table: str
    """``schema.table`` in the build database."""
    day_column: str
    suite: ExpectationSuite = field(compare=False)

    @property
    def name(self) -> str:
        return self.suite.name

    def batch_query(self, days: Sequence[date]) -> str:
        day_list = ", ".join(f"date '{d.isoformat()}'" for d in sorted(set(days)))
        return f"select * from {self.table} where {self.day_column} in ({day_list})"


def _between(column: str, low: float | None, high: float | None, rule: str, **kw: Any):
    return gxe.ExpectColumnValuesToBeBetween(
        column=column, min_value=low, max_value=high, meta=critical(rule), **kw
    )


def _ordered(larger: str, smaller: str, rule: str):
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=larger,
        column_B=smaller,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        meta=critical(rule),
    )


class Usual(NamedTuple):
    """A column whose values above (or below) a threshold are real but unusual: a warning."""

    column: str
    threshold: str
    """A name of :class:`opspulse.quality.thresholds.Thresholds`."""
    rule: str
    per_unit: float = 1.0
    """Column units per threshold unit (24 for a column in hours and a threshold in days)."""
    below: bool = False
    """The threshold is a floor (values below it are unusual), not a ceiling."""


def _unusual(usual: Usual, limits: Thresholds) -> Expectation:
    limit = limits[usual.threshold]
    unit = THRESHOLD_UNITS[usual.threshold]
    side = "below" if usual.below else "above"
    rule = f"{usual.rule} {side} {usual.threshold} ({limit:g} {unit})"
    bound = {"min_value" if usual.below else "max_value": limit * usual.per_unit}
    return gxe.ExpectColumnValuesToBeBetween(
        column=usual.column, **bound, meta={**warning(rule), "threshold": usual.threshold}
    )


# ---------------------------------------------------------------------------------------
# Raw layer
# ---------------------------------------------------------------------------------------


class Range(NamedTuple):
    column: str
    low: float | None
    high: float | None
    rule: str
    low_exclusive: bool = False


class Ordered(NamedTuple):
    later: str
    earlier: str
    rule: str


RAW_RANGES: Mapping[str, tuple[Range, ...]] = {
    "orders": (
        Range("discount_amount", 0, None, "discounts are never negative"),
        Range("shipping_cost", 0, None, "shipping costs are never negative"),
    ),
    "order_items": (
        Range("quantity", 1, None, "an order line sells at least 1 unit"),
        Range("unit_price", 0, None, "unit prices are never negative"),
    ),
    "payments": (Range("amount", 0, None, "payment amounts are positive", low_exclusive=True),),
    "products": (
        Range("unit_cost", 0, None, "unit costs are never negative"),
        Range("list_price", 0, None, "list prices are never negative"),
    ),
    "web_sessions": (
        Range("page_views", 1, None, "a session views at least one page"),
        Range("add_to_cart_events", 0, None, "add-to-cart counts are never negative"),
    ),
    "support_tickets": (
        Range("csat_score", 1, 5, "CSAT scores run from 1 to 5"),
        Range("reopen_count", 0, None, "reopen counts are never negative"),
    ),
}
"""Per-source value ranges beyond the contract: the one table to extend for a new source."""

RAW_ORDERED_PAIRS: Mapping[str, tuple[Ordered, ...]] = {
    "web_sessions": (Ordered("ended_at", "started_at", "a session ends after it starts"),),
    "support_tickets": (
        Ordered("resolved_at", "opened_at", "a ticket is resolved after it opens"),
    ),
}
"""Per-source timestamps that follow each other; rows with a NULL in either are skipped."""


class Window(NamedTuple):
    """``later`` lies at most ``limit`` (a threshold, in days) after ``earlier``."""

    later: str
    earlier: str
    limit: str
    rule: str


RAW_WINDOWS: Mapping[str, tuple[Window, ...]] = {
    "orders": (
        Window(
            "promised_delivery_date",
            "ordered_at",
            "max_promised_delivery_days",
            "a delivery is promised within a year of the order",
        ),
    ),
    "shipments": (
        Window(
            "promised_delivery_date",
            "shipped_at",
            "max_promised_delivery_days",
            "a delivery is promised within a year of the shipment",
        ),
    ),
}
"""Per-source dates that cannot lie further than a limit of the possible after another
(critical, with the rows shown); rows with a NULL in either are skipped."""

RAW_USUAL: Mapping[str, tuple[Usual, ...]] = {
    "order_items": (Usual("quantity", "max_units_per_line", "order line quantities are unusual"),),
}
"""Per-source values that are real but unusual above a company threshold (warnings)."""


def _unique_key(source: contracts.Source) -> Expectation:
    if source.updated_at is not None:
        return gxe.ExpectCompoundColumnsToBeUnique(
            column_list=[*source.key, "_ds"],
            meta=critical(f"one version of each {'+'.join(source.key)} per export day"),
        )
    rule = f"each {'+'.join(source.key)} appears once in the loaded partitions"
    if len(source.key) == 1:
        return gxe.ExpectColumnValuesToBeUnique(column=source.key[0], meta=critical(rule))
    return gxe.ExpectCompoundColumnsToBeUnique(column_list=list(source.key), meta=critical(rule))


def _matches(column: str, pattern: str) -> Expectation:
    regex = pattern.replace("'", "''")
    rule = f"{column} matches the contract's form {pattern}"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=(
            f"select * from {{batch}} where {column} is not null "
            f"and not regexp_full_match({column}, '{regex}')"
        ),
        description=rule,
        meta={**critical(rule), "column": column},
    )


def _rows_shown(source: contracts.Source, *columns: str) -> str:
    """The columns an unexpected-rows query returns: the key, then the columns checked."""
    return ", ".join(dict.fromkeys([*source.key, *columns]))


def _not_before_earliest(source: contracts.Source) -> list[Expectation]:
    temporal = [c.name for c in source.columns if c.type in ("TIMESTAMP", "DATE")]
    if not temporal:
        return []
    floor = f"date '{EARLIEST_DATE.isoformat()}'"
    rule = f"no date or timestamp before {EARLIEST_DATE} (a placeholder, not an event)"
    return [
        gxe.UnexpectedRowsExpectation(
            unexpected_rows_query=(
                f"select {_rows_shown(source, *temporal)} from {{batch}} where "
                + " or ".join(f"{c} < {floor}" for c in temporal)
            ),
            description=rule,
            meta={**critical(rule), "column": ",".join(temporal)},
        )
    ]


def _window(source: contracts.Source, window: Window, limits: Thresholds) -> Expectation:
    days = int(limits[window.limit])
    rule = (
        f"{window.rule}: {window.later} at most {window.limit} ({days} days) after {window.earlier}"
    )
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=(
            f"select {_rows_shown(source, window.earlier, window.later)} from {{batch}} "
            f"where {window.later} > cast({window.earlier} as date) + {days}"
        ),
        description=rule,
        meta={
            **critical(rule),
            "column": f"{window.later},{window.earlier}",
            "threshold": window.limit,
        },
    )


def build_raw_suite(source: contracts.Source, limits: Thresholds = DEFAULTS) -> ExpectationSuite:
    # A source that changes rarely has no rows on most days: only a daily one warns.
    not_empty = (
        [
            gxe.ExpectTableRowCountToBeBetween(
                min_value=1, meta=warning("the loaded partitions are not empty")
            )
        ]
        if source.cadence == "daily"
        else []
    )
    expectations: list[Expectation] = [
        *not_empty,
        gxe.ExpectTableColumnsToMatchSet(
            column_set=[*source.column_names, *LANDING_COLUMNS],
            exact_match=True,
            meta=critical("columns match the source contract"),
        ),
        *(
            gxe.ExpectColumnValuesToNotBeNull(
                column=name, meta=critical(f"{name} is required by the contract")
            )
            for name in source.required_columns
        ),
        _unique_key(source),
        *(
            gxe.ExpectColumnValuesToBeInSet(
                column=c.name,
                value_set=list(c.accepted_values),
                meta=critical(f"{c.name} is one of the contract's values"),
            )
            for c in source.columns
            if c.accepted_values
        ),
        *(_matches(c.name, c.pattern) for c in source.columns if c.pattern),
        *(
            gxe.ExpectColumnValuesToBeBetween(
                column=c.name,
                max_value={"$PARAMETER": "latest_allowed_timestamp"},
                strict_max=True,
                meta=critical(f"{c.name} is not in the future"),
            )
            for c in source.columns
            if c.type == "TIMESTAMP"
        ),
        *(
            _between(r.column, r.low, r.high, r.rule, strict_min=r.low_exclusive)
            for r in RAW_RANGES.get(source.name, ())
        ),
        *(_ordered(p.later, p.earlier, p.rule) for p in RAW_ORDERED_PAIRS.get(source.name, ())),
        *_not_before_earliest(source),
        *(_window(source, w, limits) for w in RAW_WINDOWS.get(source.name, ())),
        *(_unusual(u, limits) for u in RAW_USUAL.get(source.name, ())),
    ]
    return ExpectationSuite(name=f"raw.{source.name}", expectations=expectations)


def raw_parameters(days: Sequence[date], limits: Thresholds = DEFAULTS) -> dict[str, Any]:
    """Run-time values of the raw suites' ``$PARAMETER`` placeholders."""
    end = max(days) + timedelta(days=1 + limits.timestamp_slack_days)
    return {"latest_allowed_timestamp": datetime.combine(end, time.min)}


# ---------------------------------------------------------------------------------------
# Marts layer
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MartSpec:
    """What the suite of one ``rpt_<role>__daily`` mart checks, by column group."""

    name: str
    headline: tuple[str, ...]
    """Headline KPIs: each has ``_prev_day``, ``_7d_avg``, ``_target`` and attainment columns."""
    ratios: tuple[str, ...] = ()
    money: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    bounded: Mapping[str, tuple[float, float, str]] = field(default_factory=dict)
    ordered_pairs: tuple[tuple[str, str, str], ...] = ()
    """(larger, smaller, rule)."""
    no_attainment: frozenset[str] = frozenset()
    """Headline KPIs without a ``pct_<kpi>_of_target`` check (lower is better)."""
    grain: tuple[str, ...] = ()
    """Columns besides ``report_date`` that identify a row of a breakdown mart (empty for a
    ``rpt_<role>__daily`` mart, which must hold exactly one row for the audited day)."""
    usual: tuple[Usual, ...] = ()
    """Columns that are real but unusual above a company threshold (warnings)."""
    extras: tuple[Callable[[Thresholds], Expectation], ...] = ()
    """Factories of the mart's own expectations (reconciliations, cross-column rules), given
    the company's thresholds."""
    min_rows: int = 0
    """Breakdown marts: the rows the audited day has by definition whenever the role is
    active (critical below; 0 where a quiet day has an empty breakdown)."""
    usual_rows: int = 1
    """Breakdown marts: fewer rows than this is unusual (a warning), not wrong."""
    as_of_publication: bool = False
    """A snapshot mart (one row set for "today", dbt macro ``as_of_day_or``): computed, and
    audited, as of the publication's day, which a history run (a backfill) leaves as it is."""

    @property
    def table(self) -> str:
        return f"marts.{self.name}"

    def with_trends(self, columns: Sequence[str]) -> list[str]:
        out: list[str] = []
        for column in columns:
            out.append(column)
            if column in self.headline:
                out += [f"{column}_prev_day", f"{column}_7d_avg", f"{column}_target"]
        return out

    @property
    def attainment(self) -> list[str]:
        return [
            f"{kpi}_of_target" if kpi.startswith("pct_") else f"pct_{kpi}_of_target"
            for kpi in self.headline
            if kpi not in self.no_attainment
        ]


def _anomaly(mart: MartSpec, kpi: str, limits: Thresholds) -> Expectation:
    window = limits.anomaly_window_days
    stddevs = limits.anomaly_stddevs
    query = f"""
with day_row as (
    select report_date, {kpi} as kpi_value from {{batch}}
),
history_stats as (
    select
        count(history.{kpi}) as days_observed,
        avg(history.{kpi}) as trailing_mean,
        stddev_samp(history.{kpi}) as trailing_stddev,
    from {mart.table} as history
    where history.report_date >= (select min(report_date) from day_row) - {window}
      and history.report_date < (select min(report_date) from day_row)
)
select
    day_row.report_date,
    day_row.kpi_value as {kpi},
    history_stats.trailing_mean,
    history_stats.trailing_stddev,
from day_row, history_stats
where history_stats.days_observed >= {limits.anomaly_min_history_days}
  and abs(day_row.kpi_value - history_stats.trailing_mean)
      > greatest(
          {stddevs:g} * coalesce(history_stats.trailing_stddev, 0),
          {ANOMALY_ABS_TOLERANCE} * greatest(1, abs(history_stats.trailing_mean))
      )
"""
    rule = f"{kpi} within {stddevs:g} standard deviations of its trailing {window}-day mean"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query, description=rule, meta={**warning(rule), "column": kpi}
    )


def _row_counts(mart: MartSpec) -> list[Expectation]:
    if not mart.grain:
        return [
            gxe.ExpectTableRowCountToEqual(value=1, meta=critical("exactly one row for the day"))
        ]
    out: list[Expectation] = []
    if mart.min_rows > 0:
        out.append(
            gxe.ExpectTableRowCountToBeBetween(
                min_value=mart.min_rows,
                meta=critical(f"at least {mart.min_rows} row(s) for the day, by definition"),
            )
        )
    if mart.usual_rows > mart.min_rows:
        out.append(
            gxe.ExpectTableRowCountToBeBetween(
                min_value=mart.usual_rows,
                meta=warning(f"usually at least {mart.usual_rows} row(s) for the day"),
            )
        )
    return out


def build_mart_suite(mart: MartSpec, limits: Thresholds = DEFAULTS) -> ExpectationSuite:
    def column_rule(columns: Sequence[str], low: float, high: float | None, rule: str):
        return (_between(c, low, high, rule) for c in columns)

    expectations: list[Expectation] = [
        *_row_counts(mart),
        *column_rule(mart.with_trends(mart.ratios), 0, 1, "ratios are fractions from 0 to 1"),
        *column_rule(mart.with_trends(mart.money), 0, None, "money amounts are never negative"),
        *column_rule(mart.with_trends(mart.counts), 0, None, "counts are never negative"),
        *column_rule(mart.attainment, 0, None, "target attainment is never negative"),
        *(
            expectation
            for column, (low, high, rule) in mart.bounded.items()
            for expectation in column_rule(mart.with_trends([column]), low, high, rule)
        ),
        *(_ordered(larger, smaller, rule) for larger, smaller, rule in mart.ordered_pairs),
        *(_unusual(usual, limits) for usual in mart.usual),
        *(factory(limits) for factory in mart.extras),
        *(_anomaly(mart, kpi, limits) for kpi in mart.headline),
    ]
    return ExpectationSuite(name=f"marts.{mart.name}", expectations=expectations)


# ---------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------


@functools.cache
def mart_specs() -> dict[str, MartSpec]:
    """Every report mart's spec, from the role modules of :mod:`opspulse.quality.mart_suites`.

    Each role module defines ``MARTS: tuple[MartSpec, ...]``; a role's suites live next to
    nothing else, so adding a role never touches this module.
    """
    import importlib
    import pkgutil

    from opspulse.quality import mart_suites

    specs: dict[str, MartSpec] = {}
    for module_info in sorted(pkgutil.iter_modules(mart_suites.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{mart_suites.__name__}.{module_info.name}")
        for mart in module.MARTS:
            if mart.name in specs:
                raise ValueError(f"mart {mart.name} has two suites ({module.__name__})")
            specs[mart.name] = mart
    return specs


def suite_specs(layer: Layer, limits: Thresholds | None = None) -> dict[str, SuiteSpec]:
    """Every suite of ``layer`` keyed by table name, with the company's thresholds (default:
    read from its settings now); built once per process for each set of thresholds."""
    if layer not in ("raw", "marts"):
        raise ValueError(f"unknown layer {layer!r}; expected 'raw' or 'marts'")
    return _suite_specs(layer, limits if limits is not None else for_company())


@functools.cache
def _suite_specs(layer: Layer, limits: Thresholds) -> dict[str, SuiteSpec]:
    if layer == "raw":
        return {
            s.name: SuiteSpec("raw", f"raw.{s.name}", "_ds", build_raw_suite(s, limits))
            for s in contracts.SOURCES
        }
    return {
        m.name: SuiteSpec("marts", m.table, "report_date", build_mart_suite(m, limits))
        for m in mart_specs().values()
    }
