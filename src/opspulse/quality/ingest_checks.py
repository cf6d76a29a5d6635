"""Ingest findings as quality checks: what the loader set aside, next to the GX results.

The loader records every file it saw in ``ops.ingest_log`` (see ``opspulse.sources.loader``).
For each source it touched in the run, three checks (four when a path was refused) are derived and stored in
``quality.results`` (layer ``raw``, suite ``ingest.<source>``), pass or fail:

| check                          | severity | fails when                                        |
|--------------------------------|----------|---------------------------------------------------|
| ``expect_no_quarantined_files`` | critical | a file was quarantined: the day is incomplete     |
| ``expect_no_rejected_rows``     | warning  | rows could not be cast to the contract and were set aside (below the threshold) |
| ``expect_no_extra_columns``     | warning  | a file carries columns the contract doesn't know  |
| ``expect_day_delivered``        | critical | a source the company delivers daily has no file for the run's day |
| ``expect_quarantine_resolved``  | critical | a file of the run's days is still in ``quarantine/``, whichever run put it there |
| ``expect_no_paths_outside_landing`` | critical | a source or day folder, or a file, is a symlink resolving outside the landing folder (recorded only for a source that has one) |

The last one is checked for every source the company delivers
(``opspulse.catalogue.delivered_sources``; without a ``[sources]`` table, every source with
a landing folder that has been loaded before), touched in the run or not: a missing day
folder loads nothing and no data check could notice it. It fails only where a file was expected:
a source whose effective cadence (``opspulse.sources.cadence.effective_cadence``) is
``daily``. An ``on_change`` source without a file that day passes and says when it was last
delivered; an empty file (no rows) is a delivery. A source the company does not deliver is
not checked.

These are not GX expectations: the evidence is the loader's log, not the data in ``raw``.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from pathlib import Path

from opspulse import catalogue
from opspulse import settings as settings_mod
from opspulse.quality import results as store
from opspulse.quality.gate import AuditReport
from opspulse.quality.results import CheckResult
from opspulse.sources.cadence import effective_cadence

_FINDINGS_SQL = """
with day_log as (
    -- the day's ingest: the latest entry per file over every run of the day, so that a run
    -- killed after its load and its re-run (which finds nothing changed) check what one
    -- clean run checks
    select * from ops.ingest_log
    where run_id = $run_id or run_ds = $ds
    qualify row_number() over (partition by source, ds, file order by logged_at desc) = 1
)
select
    source,
    count(*) as files,
    -- a file an earlier run quarantined is expect_quarantine_resolved's, by the folder's state
    count(*) filter (where status = 'quarantined' and run_id = $run_id) as quarantined,
    string_agg(
        case when status = 'quarantined' and run_id = $run_id
            then file || ': ' || coalesce(message, '') end, '; '
        order by file
    ) as quarantined_detail,
    coalesce(sum(rows_loaded), 0) + coalesce(sum(rows_rejected), 0) as rows_seen,
    coalesce(sum(rows_rejected) filter (where status = 'loaded'), 0) as rows_rejected,
    count(*) filter (where coalesce(extra_columns, '') <> '') as files_with_extra_columns,
    string_agg(distinct nullif(extra_columns, ''), ',') as extra_columns,
    count(*) filter (where status = 'refused') as refused,
    string_agg(case when status = 'refused' then message end, '; ' order by file)
        as refused_detail,
from day_log
group by source
order by source
"""


_DELIVERED_SQL = """
select
    source,
    bool_or(ds = ? and files > 0) as delivered,
    max(ds) filter (where files > 0) as last_delivered,
from ops.partitions
group by source
order by source
"""


def _day_delivered(source: str, cadence: str, ds: date, ok: bool, last: date | None):
    """``expect_day_delivered`` of one source the company delivers."""
    since = f"last delivered {last}" if last else "never delivered"
    if ok:
        observed = None
    elif cadence == "daily":
        observed = f"no file for {ds} (daily source); {since}"
    else:
        observed = f"no file for {ds}: on_change, none expected; {since}"
    missing = not ok and cadence == "daily"
    return CheckResult(
        suite=f"ingest.{source}",
        table_name=f"raw.{source}",
        column=None,
        expectation="expect_day_delivered",
        kwargs={"source": source, "ds": ds.isoformat(), "cadence": cadence},
        severity="critical",
        rule="every source the company delivers daily has a landing file for the run's day",
        success=not missing,
        observed=observed,
        element_count=1,
        unexpected_count=1 if missing else 0,
    )


def ingest_findings(
    db_path: Path,
    *,
    run_id: str,
    ds: date | None = None,
    settings: settings_mod.Settings | None = None,
) -> list[CheckResult]:
    """The ingest checks of every source the loader touched in ``run_id`` or in an earlier
    run of the same day ``ds`` (the latest entry per file wins), and, given the
    run's day ``ds``, whether every source the company delivers daily has a file for that
    day (``settings`` says which sources and how often; default: loaded from the
    environment)."""
    from opspulse.warehouse.connection import connect

    with connect(Path(db_path), read_only=True) as connection:
        logged = connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'ops' and table_name in ('ingest_log', 'partitions')"
        ).fetchone()[0]
        rows = (
            connection.execute(_FINDINGS_SQL, {"run_id": run_id, "ds": ds}).fetchall()
            if logged
            else []
        )
        run_days = (
            [
                r[0]
                for r in connection.execute(
                    "select distinct ds from ops.ingest_log "
                    "where (run_id = ? or run_ds = ?) and ds is not null",
                    [run_id, ds],
                ).fetchall()
            ]
            if logged
            else []
        )
        partitions = connection.execute(_DELIVERED_SQL, [ds]).fetchall() if logged and ds else []
    findings: list[CheckResult] = []
    days = sorted({*run_days, *([ds] if ds is not None else [])})
    findings += unresolved_quarantine(settings or settings_mod.load(), days)
    if ds is not None:
        cfg = settings or settings_mod.load()
        seen = {source: (bool(ok), last) for source, ok, last in partitions}
        expected = set(catalogue.delivered_sources(cfg))
        if not cfg.source_cadence:  # no [sources] table: delivered means loaded before
            expected &= set(seen)
        for source in sorted(expected):
            ok, last = seen.get(source, (False, None))
            findings.append(_day_delivered(source, effective_cadence(source, cfg), ds, ok, last))
    for row in rows:
        source, files, quarantined, q_detail, seen, rejected, extra_files, extra = row[:8]
        refused, refused_detail = row[8:]
        common = {"suite": f"ingest.{source}", "table_name": f"raw.{source}", "column": None}
        if refused:
            findings.append(
                CheckResult(
                    **common,
                    expectation="expect_no_paths_outside_landing",
                    kwargs={"source": source},
                    severity="critical",
                    rule="every landing folder and file lies inside the landing folder "
                    "(a symlink out of it is neither read nor moved)",
                    success=False,
                    observed=refused_detail,
                    element_count=files,
                    unexpected_count=refused,
                )
            )
        findings += [
            CheckResult(
                **common,
                expectation="expect_no_quarantined_files",
                kwargs={"source": source},
                severity="critical",
                rule="no landing file was quarantined (the day would be incomplete)",
                success=quarantined == 0,
                observed=q_detail,
                element_count=files,
                unexpected_count=quarantined,
            ),
            CheckResult(
                **common,
                expectation="expect_no_rejected_rows",
                kwargs={"source": source},
                severity="warning",
                rule="every row casts to the contract types",
                success=rejected == 0,
                observed=f"{rejected} rows in ops.rejected_rows" if rejected else None,
                element_count=seen,
                unexpected_count=rejected,
            ),
            CheckResult(
                **common,
                expectation="expect_no_extra_columns",
                kwargs={"source": source},
                severity="warning",
                rule="files carry only the contract's columns",
                success=extra_files == 0,
                observed=extra,
                element_count=files,
                unexpected_count=extra_files,
            ),
        ]
    return findings


def unresolved_quarantine(cfg: settings_mod.Settings, days: list[date]) -> list[CheckResult]:
    """A failed critical check per source with a file still in ``quarantine/`` for one of
    ``days``, whichever run put it there: a run killed after its load must not let a re-run
    publish the day without the quarantined file's rows. A file is resolved when it is no
    longer in quarantine (fixed and moved back to landing, or deleted to accept the loss)."""
    unresolved: dict[str, list[str]] = {}
    for day in days:
        for reason_file in sorted(cfg.quarantine_dir.glob(f"*/{day.isoformat()}/reason.json")):
            try:
                entries = json.loads(reason_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                entries = [{"quarantined_as": str(reason_file), "error": "unreadable reason.json"}]
            for entry in entries:
                if Path(entry.get("quarantined_as", "")).exists():
                    line = f" line {entry['line']}" if entry.get("line") else ""
                    unresolved.setdefault(reason_file.parent.parent.name, []).append(
                        f"{entry.get('quarantined_as')}{line}: {entry.get('error', '')}"
                    )
    return [
        CheckResult(
            suite=f"ingest.{source}",
            table_name=f"raw.{source}",
            column=None,
            expectation="expect_quarantine_resolved",
            kwargs={"source": source, "days": [d.isoformat() for d in days]},
            severity="critical",
            rule=(
                "no file of the run's days is still in quarantine (fix it and move it back to "
                "landing, or delete it to accept the loss)"
            ),
            success=False,
            observed="; ".join(files)[:2000],
            element_count=len(files),
            unexpected_count=len(files),
        )
        for source, files in sorted(unresolved.items())
    ]


def add_ingest_findings(
    report: AuditReport,
    db_path: Path,
    *,
    run_id: str,
    ds: date,
    settings: settings_mod.Settings | None = None,
) -> AuditReport:
    """``report`` with the run's ingest checks added; the checks are stored as well."""
    findings = ingest_findings(db_path, run_id=run_id, ds=ds, settings=settings)
    store.write(
        Path(db_path),
        findings,
        run_id=run_id,
        ds=ds,
        layer="raw",
        suites=sorted({f.suite for f in findings}),
        evaluated_at=datetime.now(UTC).replace(tzinfo=None),
    )
    return dataclasses.replace(report, results=(*report.results, *findings))
