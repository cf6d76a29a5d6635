"""Faults on demand: plant a known defect in the demo company's landing files.

``apply_faults`` post-processes files :func:`~opspulse.demo.generator.generate` already
wrote, so a drill or a test can check that the pipeline reacts the way the registry says.
A fault is named ``<fault>[:<source>[:<YYYY-MM-DD>]]``; without the overrides it lands on
the registry's default source on the last generated day (``late_rows``: the day before).
Faults with variants are named ``<family>.<variant>`` (``schema_drift.renamed_column``).

Every fault is deterministic for ``(seed, spec)``: which rows it touches is drawn from a
generator seeded with both, and nothing else in the landing tree changes. Faults apply in
the order given; two faults on the same file compose, but the documented reaction holds for
one fault per file. ``docs/faults.md`` is generated from :data:`FAULTS`
(:func:`render_markdown`).

Row-level faults work on the text formats (CSV, NDJSON), one record per line; a parquet
source (``products``) only takes ``missing_day``.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from opspulse.sources import contracts
from opspulse.sources.contracts import Source

Reaction = Literal["quarantine", "reject", "gate", "dbt", "reload", "none"]

ROWS_PER_FAULT = 3
"""Rows (or keys) a row-level fault touches, fewer only when the file is smaller."""
ADDED_COLUMN = "export_batch_id"
RETYPED_VALUE = "n/a"
NUMERIC_TYPES = ("INTEGER", "BIGINT", "DOUBLE", "DECIMAL")
ORPHAN_PARENTS: dict[str, tuple[str, str]] = {
    "order_items": ("order_id", "orders"),
    "payments": ("order_id", "orders"),
}
"""Child source -> (foreign key column, parent source) for ``orphan_keys``."""
DBT_RELATIONSHIPS: dict[str, str] = {
    "order_items": "relationships_fct_order_items_order_id__order_id__ref_fct_orders_",
    "payments": "relationships_fct_payments_order_id__order_id__ref_fct_orders_",
}


@dataclass(frozen=True)
class FaultRecord:
    """One planted defect: where it is and what the pipeline is expected to do about it."""

    fault: str
    source: str
    day: date
    file: Path
    """The landing file changed (for ``missing_day`` the folder removed)."""
    reaction: Reaction
    expected: str
    """The documented reaction, in one sentence."""
    check: str | None = None
    """The check expected to fail: a GX expectation type, a loader outcome or a dbt test."""
    column: str | None = None
    unexpected_count: int | None = None
    """Rows the failing check should count (GX ``unexpected_count``, rejected rows)."""
    lines: tuple[int, ...] = ()
    """1-based file lines touched (the CSV header is line 1)."""
    keys: tuple[str, ...] = ()
    """Key values the fault touched (duplicated, blanked, re-delivered, orphaned)."""

    def describe(self) -> str:
        where = f"{self.source} {self.day.isoformat()}"
        what = f" column {self.column}" if self.column else ""
        lines = f" lines {', '.join(map(str, self.lines))}" if self.lines else ""
        return f"{self.fault} on {where}{what}{lines} -> {self.reaction}: {self.expected}"


@dataclass
class _Target:
    fault: Fault
    source: Source
    day: date
    path: Path
    rng: random.Random
    out_dir: Path

    def record(self, **kw) -> FaultRecord:
        return FaultRecord(
            fault=self.fault.name,
            source=self.source.name,
            day=self.day,
            file=self.path,
            reaction=self.fault.reaction,
            expected=self.fault.reaction_text,
            **kw,
        )


@dataclass(frozen=True)
class Fault:
    """A registered fault: what it plants, where by default, and the pipeline's reaction."""

    name: str
    description: str
    default_source: str
    reaction: Reaction
    reaction_text: str
    plant: Callable[[_Target], FaultRecord] = field(repr=False)
    formats: tuple[str, ...] = ("csv", "ndjson")
    sources: tuple[str, ...] = ()
    """Sources the fault applies to (empty: any source of a supported format)."""
    days_before_end: int = 0

    @property
    def landing_rule(self) -> str:
        day = "the last day" if not self.days_before_end else "the day before the last"
        limits = f" ({', '.join(self.sources)} only)" if self.sources else ""
        return f"`{self.default_source}` on {day}{limits}"


# ---------------------------------------------------------------------------------------
# Text landing files, one record per line
# ---------------------------------------------------------------------------------------


class _TextFile:
    """A CSV or NDJSON landing file as lines; untouched lines are written back unchanged."""

    def __init__(self, source: Source, path: Path):
        if source.format not in ("csv", "ndjson"):
            raise ValueError(f"{source.name}: faults on {source.format} files are not supported")
        self.source, self.path = source, path
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        self.csv = source.format == "csv"
        if self.csv:
            self.header = self._parse(lines[0])
            self.rows = lines[1:]
            if len(list(csv.reader(io.StringIO(text)))) != len(lines):
                raise ValueError(f"{path}: a CSV record spans lines; faults need one per line")
        else:
            self.rows = [line for line in lines if line.strip()]
            self.header = list(json.loads(self.rows[0])) if self.rows else []

    @property
    def first_data_line(self) -> int:
        return 2 if self.csv else 1

    def line_of(self, i: int) -> int:
        return i + self.first_data_line

    def _parse(self, line: str) -> list[str]:
        d = self.source.csv
        return next(csv.reader([line], delimiter=d.delimiter, quotechar=d.quote))

    def _format(self, values: Sequence[str]) -> str:
        d = self.source.csv
        out = io.StringIO()
        csv.writer(out, delimiter=d.delimiter, quotechar=d.quote, lineterminator="").writerow(
            values
        )
        return out.getvalue()

    def record(self, i: int) -> dict:
        if self.csv:
            values = self._parse(self.rows[i])
            null = self.source.csv.null_string
            return {c: (None if v == null else v) for c, v in zip(self.header, values, strict=True)}
        return json.loads(self.rows[i])

    def set_record(self, i: int, record: dict) -> None:
        self.rows[i] = self._encode(record)

    def _encode(self, record: dict) -> str:
        if self.csv:
            null = self.source.csv.null_string
            return self._format([null if v is None else str(v) for v in record.values()])
        return json.dumps(record, separators=(",", ":"), ensure_ascii=False)

    def set(self, i: int, column: str, value) -> None:
        record = self.record(i)
        record[column] = value
        self.set_record(i, record)

    def map_columns(self, change: Callable[[dict], dict]) -> None:
        """Rewrite the header and every record (a schema change)."""
        changed = [change(self.record(i)) for i in range(len(self.rows))]
        if self.csv:
            self.header = list(change(dict.fromkeys(self.header)))
        self.rows = [self._encode(r) for r in changed]

    def pick(self, rng: random.Random, n: int = ROWS_PER_FAULT) -> list[int]:
        if not self.rows:
            raise ValueError(f"{self.path}: no data rows to plant a fault in")
        return sorted(rng.sample(range(len(self.rows)), min(n, len(self.rows))))

    def text(self) -> str:
        lines = ([self._format(self.header)] if self.csv else []) + self.rows
        return "".join(f"{line}\n" for line in lines)

    def save(self, text: str | None = None) -> None:
        self.path.write_bytes((self.text() if text is None else text).encode("utf-8"))


def _key(source: Source) -> str:
    return source.key[0]


def _numeric(value: float, column: contracts.Column, as_text: bool):
    number = int(value) if column.type in ("INTEGER", "BIGINT") else round(value, 2)
    if not as_text:
        return number
    return str(number) if isinstance(number, int) else f"{number:.2f}"


# ---------------------------------------------------------------------------------------
# The faults
# ---------------------------------------------------------------------------------------


def _unique_check(source: Source) -> tuple[str, str]:
    """The raw suite's unique-key expectation and the column(s) it names."""
    if source.updated_at is not None:
        return "expect_compound_columns_to_be_unique", ",".join([*source.key, "_ds"])
    if len(source.key) > 1:
        return "expect_compound_columns_to_be_unique", ",".join(source.key)
    return "expect_column_values_to_be_unique", source.key[0]


def _duplicate_rows(t: _Target) -> FaultRecord:
    f = _TextFile(t.source, t.path)
    picked = f.pick(t.rng)
    keys = tuple(str(f.record(i)[_key(t.source)]) for i in picked)
    first_copy = len(f.rows)
    f.rows += [f.rows[i] for i in picked]
    f.save()
    check, column = _unique_check(t.source)
    return t.record(
        check=check,
        column=column,
        unexpected_count=2 * len(picked),
        lines=tuple(f.line_of(first_copy + k) for k in range(len(picked))),
        keys=keys,
    )


def _null_keys(t: _Target) -> FaultRecord:
    f = _TextFile(t.source, t.path)
    picked = f.pick(t.rng)
    keys = tuple(str(f.record(i)[_key(t.source)]) for i in picked)
    for i in picked:
        f.set(i, _key(t.source), None)
    f.save()
    return t.record(
        check="expect_column_values_to_not_be_null",
        column=_key(t.source),
        unexpected_count=len(picked),
        lines=tuple(f.line_of(i) for i in picked),
        keys=keys,
    )


def _out_of_range(t: _Target) -> FaultRecord:
    from opspulse.quality.suites import RAW_RANGES

    rule = RAW_RANGES[t.source.name][0]
    column = t.source.column(rule.column)
    bad = rule.low - 10 if rule.low is not None else rule.high + 1000
    f = _TextFile(t.source, t.path)
    picked = f.pick(t.rng)
    for i in picked:
        f.set(i, rule.column, _numeric(bad, column, as_text=f.csv))
    f.save()
    return t.record(
        check="expect_column_values_to_be_between",
        column=rule.column,
        unexpected_count=len(picked),
        lines=tuple(f.line_of(i) for i in picked),
    )


def _orphan_keys(t: _Target) -> FaultRecord:
    column, parent = ORPHAN_PARENTS[t.source.name]
    parent_key = _key(contracts.get(parent))
    known: set[str] = set()
    for path in sorted((t.out_dir / parent).glob("*/*")):
        pf = _TextFile(contracts.get(parent), path)
        known.update(str(pf.record(i)[parent_key]) for i in range(len(pf.rows)))
    f = _TextFile(t.source, t.path)
    picked = f.pick(t.rng)
    orphans = (f"O9{n:07d}" for n in range(1, 10_000_000))
    keys = []
    for i in picked:
        orphan = next(o for o in orphans if o not in known)
        f.set(i, column, orphan)
        keys.append(orphan)
    f.save()
    return t.record(
        check=DBT_RELATIONSHIPS[t.source.name],
        column=column,
        unexpected_count=len(picked),
        lines=tuple(f.line_of(i) for i in picked),
        keys=tuple(keys),
    )


def _bad_quoting(t: _Target) -> FaultRecord:
    f = _TextFile(t.source, t.path)
    i = f.pick(t.rng, 1)[0]
    if f.csv:  # a field opens a quote that never closes
        f.rows[i] = f.rows[i].replace(",", ',"', 1)
    else:  # a string value loses its closing quote
        f.rows[i] = f.rows[i].replace('",', ",", 1)
    f.save()
    return t.record(check="quarantined", lines=(f.line_of(i),))


def _truncated_last_line(t: _Target) -> FaultRecord:
    f = _TextFile(t.source, t.path)
    f.pick(t.rng, 1)  # raises on a file without data rows
    last = len(f.rows) - 1
    f.rows[last] = f.rows[last][: len(f.rows[last]) // 2]
    f.save(f.text().removesuffix("\n"))  # the transfer stopped mid-line
    return t.record(check="quarantined", lines=(f.line_of(last),))


def _wrong_line_endings(t: _Target) -> FaultRecord:
    f = _TextFile(t.source, t.path)
    f.save(f.text().replace("\n", "\r"))
    return t.record(check="loaded", lines=())


def _added_column(t: _Target) -> FaultRecord:
    f = _TextFile(t.source, t.path)
    batch = f"B{t.rng.randrange(10_000):04d}"
    f.map_columns(lambda r: {**r, ADDED_COLUMN: batch})
    f.save()
    return t.record(check="expect_no_extra_columns", column=ADDED_COLUMN, lines=(1,))


def _drift_column(t: _Target, kind: str) -> str:
    others = [c for c in t.source.columns if c.name not in t.source.key]
    if kind == "removed":
        return others[-1].name
    if kind == "renamed":
        return others[0].name
    numeric = [c for c in others if c.type.startswith(NUMERIC_TYPES)]
    if not numeric:
        raise ValueError(f"{t.source.name} has no numeric column to retype")
    return numeric[0].name


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest) if rest else f"{name}_v2"


def _removed_column(t: _Target) -> FaultRecord:
    column = _drift_column(t, "removed")
    f = _TextFile(t.source, t.path)
    f.map_columns(lambda r: {k: v for k, v in r.items() if k != column})
    f.save()
    return t.record(check="quarantined", column=column, lines=(1,))


def _renamed_column(t: _Target) -> FaultRecord:
    column = _drift_column(t, "renamed")
    f = _TextFile(t.source, t.path)
    f.map_columns(lambda r: {(_camel(k) if k == column else k): v for k, v in r.items()})
    f.save()
    return t.record(check="quarantined", column=column, lines=(1,))


def _retyped_column(t: _Target) -> FaultRecord:
    column = _drift_column(t, "retyped")
    f = _TextFile(t.source, t.path)
    if not f.rows:
        raise ValueError(f"{t.path}: no data rows to retype")
    f.map_columns(lambda r: {k: (RETYPED_VALUE if k == column else v) for k, v in r.items()})
    f.save()
    return t.record(
        check="quarantined",
        column=column,
        unexpected_count=len(f.rows),
        lines=(f.first_data_line,),
    )


def _late_rows(t: _Target) -> FaultRecord:
    f = _TextFile(t.source, t.path)
    picked = f.pick(t.rng)
    keys = []
    for n, i in enumerate(picked, start=1):
        record = f.record(i)
        record[_key(t.source)] = f"{record[_key(t.source)]}-late{n}"
        f.rows.append(f._encode(record))
        keys.append(record[_key(t.source)])
    f.save()
    first = len(f.rows) - len(picked)
    return t.record(
        check="partition_reloaded",
        unexpected_count=len(picked),
        lines=tuple(f.line_of(first + k) for k in range(len(picked))),
        keys=tuple(keys),
    )


def _missing_day(t: _Target) -> FaultRecord:
    shutil.rmtree(t.path)
    return t.record(check="expect_day_delivered")


_MALFORMED = "the file is quarantined whole with a reason.json naming the file and the line"
_DRIFT_QUARANTINE = (
    "the file is quarantined with a reason.json naming the missing column (line 1); "
    "the ingest check expect_no_quarantined_files fails the raw gate critically"
)

FAULTS: dict[str, Fault] = {
    f.name: f
    for f in (
        Fault(
            "duplicate_rows",
            f"{ROWS_PER_FAULT} rows of one file appended again, byte for byte (same key twice).",
            "orders",
            "gate",
            "loads; the raw GX unique-key check (key + _ds for change records) fails "
            "critically and stops the run before dbt",
            _duplicate_rows,
        ),
        Fault(
            "null_keys",
            f"the key of {ROWS_PER_FAULT} rows blanked (NULL).",
            "orders",
            "gate",
            "loads; the raw GX not-null check on the key fails critically",
            _null_keys,
        ),
        Fault(
            "out_of_range",
            f"{ROWS_PER_FAULT} values of the source's first range-checked column set 10 "
            "below its minimum (orders: discount_amount -10.00; order_items: quantity -9).",
            "orders",
            "gate",
            "loads; the raw GX range check (expect_column_values_to_be_between) fails critically",
            _out_of_range,
            sources=("orders", "order_items", "payments", "web_sessions", "support_tickets"),
        ),
        Fault(
            "orphan_keys",
            f"{ROWS_PER_FAULT} lines point to orders that exist in no orders file (O9000001...).",
            "order_items",
            "dbt",
            "loads and passes the raw gate (raw suites hold no referential checks); "
            "`dbt build` fails on the relationships test of fct_order_items.order_id "
            "(fct_payments.order_id for payments), so nothing is published",
            _orphan_keys,
            sources=tuple(ORPHAN_PARENTS),
        ),
        Fault(
            "malformed_file.bad_quoting",
            "one line opens a quote that never closes (NDJSON: a string loses its closing quote).",
            "orders",
            "quarantine",
            f"{_MALFORMED} (CSV: 'unquoted value'; NDJSON: 'invalid JSON')",
            _bad_quoting,
        ),
        Fault(
            "malformed_file.truncated_last_line",
            "the last line is cut in half with no final newline (a transfer that stopped).",
            "orders",
            "quarantine",
            f"{_MALFORMED} (CSV: 'missing columns' on the last line)",
            _truncated_last_line,
        ),
        Fault(
            "malformed_file.wrong_line_endings",
            "every line ends with a bare CR (classic Mac) instead of LF.",
            "orders",
            "none",
            "tolerated: DuckDB's CSV reader and the header read accept CR (and CRLF) line "
            "endings, so the file loads exactly as the clean one; nothing is flagged",
            _wrong_line_endings,
            formats=("csv",),
        ),
        Fault(
            "schema_drift.added_column",
            f"a column {ADDED_COLUMN} is appended to every line.",
            "orders",
            "none",
            "tolerated: the contract columns load unchanged, the extra column is recorded in "
            "ops.ingest_log and the warning expect_no_extra_columns fails (the run goes on)",
            _added_column,
        ),
        Fault(
            "schema_drift.removed_column",
            "the contract's last non-key column is dropped (orders: updated_at).",
            "orders",
            "quarantine",
            _DRIFT_QUARANTINE,
            _removed_column,
        ),
        Fault(
            "schema_drift.renamed_column",
            "the first non-key column is renamed to camelCase (orders: customer_id -> customerId).",
            "orders",
            "quarantine",
            _DRIFT_QUARANTINE + "; the message also names the unexpected column (renamed?)",
            _renamed_column,
        ),
        Fault(
            "schema_drift.retyped_column",
            f"every value of the first numeric non-key column becomes '{RETYPED_VALUE}' "
            "(orders: discount_amount).",
            "orders",
            "quarantine",
            "every row fails the cast, above the 1 % reject threshold, so the file is "
            "quarantined naming the column and the first bad line (below the threshold the "
            "rows would go to ops.rejected_rows and the rest load)",
            _retyped_column,
        ),
        Fault(
            "late_rows",
            f"an earlier day's file is re-delivered with {ROWS_PER_FAULT} extra rows "
            "(copies of that day's rows under new keys '<key>-lateN').",
            "orders",
            "reload",
            "the partition's fingerprint changes, so the next run reloads that (source, day) "
            "alone, replacing it (no duplicates); every other partition is skipped as "
            "unchanged; dbt's lookback window re-derives the recent days",
            _late_rows,
            days_before_end=1,
        ),
        Fault(
            "missing_day",
            "the source's folder for the day is removed (the export never arrived).",
            "orders",
            "gate",
            "nothing is loaded for that (source, day); the ingest check expect_day_delivered "
            "fails the raw gate critically for the run of that day (every source ever "
            "delivered must have a file for the run's day), so nothing is published",
            _missing_day,
            formats=("csv", "ndjson", "parquet"),
        ),
    )
}
"""Every fault, by name: ``apply_faults`` plants them and ``docs/faults.md`` lists them."""


def parse(spec: str, *, start: date, end: date) -> tuple[Fault, Source, date]:
    """``name[:source[:YYYY-MM-DD]]`` -> the fault, the source and the day it lands on."""
    name, *rest = spec.strip().split(":")
    if name not in FAULTS:
        variants = [n for n in FAULTS if n.startswith(f"{name}.")]
        hint = f"; choose a variant: {', '.join(variants)}" if variants else ""
        raise ValueError(f"unknown fault {name!r}{hint}; known: {', '.join(FAULTS)}")
    if len(rest) > 2:
        raise ValueError(f"{spec!r}: expected name[:source[:YYYY-MM-DD]]")
    fault = FAULTS[name]
    source = contracts.get(rest[0] if rest and rest[0] else fault.default_source)
    if fault.sources and source.name not in fault.sources:
        raise ValueError(f"{name} applies to {', '.join(fault.sources)}, not {source.name}")
    if source.format not in fault.formats:
        raise ValueError(f"{name} needs a {'/'.join(fault.formats)} source, not {source.name}")
    day = date.fromisoformat(rest[1]) if len(rest) > 1 else end - timedelta(fault.days_before_end)
    if not start <= day <= end:
        raise ValueError(f"{spec!r}: day {day} is outside {start}..{end}")
    return fault, source, day


def apply_faults(
    out_dir: Path, faults: Sequence[str], *, start: date, end: date, seed: int
) -> list[FaultRecord]:
    """Plant ``faults`` in the landing files under ``out_dir``; one record per fault."""
    out_dir = Path(out_dir)
    targets = [(spec, *parse(spec, start=start, end=end)) for spec in faults]
    records = []
    for spec, fault, source, day in targets:
        folder = out_dir / source.name / day.isoformat()
        path = folder / f"{source.name}{source.extensions[0]}"
        target_path = folder if fault.name == "missing_day" else path
        if not target_path.exists():
            raise FileNotFoundError(f"{spec}: {target_path} does not exist (generate first)")
        rng = random.Random(f"{seed}|{fault.name}|{source.name}|{day.isoformat()}")
        records.append(fault.plant(_Target(fault, source, day, target_path, rng, out_dir)))
    return records


def render_markdown() -> str:
    """``docs/faults.md``: every registered fault, where it lands and the reaction."""
    out = [
        "# Faults on demand",
        "",
        "<!-- generated from opspulse.demo.faults.FAULTS by render_markdown(); "
        "a test keeps it in sync -->",
        "",
        "`opspulse generate --start D --end D --scale S --out DIR --faults LIST` writes the",
        "demo company's landing files, then plants each fault of the comma-separated LIST",
        "in them. A fault is `name[:source[:YYYY-MM-DD]]` (`null_keys:payments:2026-11-05`);",
        "without overrides it lands on its default source on the last generated day.",
        "Which rows it touches is fixed by `--seed`; nothing else in the tree changes.",
        f"Row-level faults touch {ROWS_PER_FAULT} rows. Faults apply in the order given;",
        "keep one fault per file for the reactions below to hold. Row-level faults need a",
        "CSV or NDJSON source (one record per line): the parquet source (`products`)",
        "only takes `missing_day`.",
        "",
        "Reactions: **quarantine** (the file moves to `quarantine/<source>/<day>/` with a",
        "`reason.json`; the ingest check `expect_no_quarantined_files` then fails the raw",
        "gate, and `expect_quarantine_resolved` keeps failing every run of that day, a",
        "re-run after a killed run included, until the file is fixed and moved back to",
        "landing or deleted), **gate** (the file loads and a critical raw GX expectation",
        "fails, stopping the run before dbt), **dbt** (a dbt test fails in `dbt build`),",
        "**reload** (the changed partition is reloaded by fingerprint), **none** (nothing",
        "stops the run).",
        "",
        "| fault | what it plants | lands on (default) | reaction | what the pipeline does |",
        "|---|---|---|---|---|",
    ]
    for f in FAULTS.values():
        out.append(
            f"| `{f.name}` | {f.description} | {f.landing_rule} | {f.reaction} | "
            f"{f.reaction_text} |"
        )
    out += [
        "",
        "## Notes",
        "",
        "- `malformed_file.wrong_line_endings` uses CR-only line endings, the harder case.",
        "  A CR-only file loads exactly like the LF file (`tests/demo/test_faults.py`",
        "  compares the raw rows); CRLF files load as well (checked by hand with the same",
        "  loader). This fault documents a tolerance, not a defect the pipeline stops on.",
        "- `late_rows` shows its reaction when the day was loaded before the fault lands:",
        "  generate and load, then run the same `generate` again with",
        "  `--faults late_rows` (unchanged files are rewritten byte for byte, so only the",
        "  re-delivered partition's fingerprint changes).",
        "- `missing_day` is not caught today. The loader only sees folders that exist, the",
        "  raw suite's `expect_table_row_count_to_be_between` (min 1) is a *warning* that",
        "  fires only when the audited days hold no other day of the source (a first run",
        "  audits the whole history, so it stays silent), and the mart suites see a day",
        "  with zero orders rather than a missing one. A",
        "  completeness check (every expected source has a partition for `ds`, critical)",
        "  would close this gap.",
        "- `orphan_keys` is deliberately left to dbt: DESIGN.md puts relationships in dbt",
        "  tests, not in the GX raw suites.",
        "",
    ]
    return "\n".join(out)


def as_dicts(records: Sequence[FaultRecord]) -> list[dict]:
    """Records as JSON-ready dicts (the CLI prints and writes them)."""
    return [{**asdict(r), "day": r.day.isoformat(), "file": str(r.file)} for r in records]
