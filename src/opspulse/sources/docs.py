"""The published contract: ``docs/sources.md`` rendered from ``contracts.SOURCES``.

``opspulse sources docs --out docs/sources.md`` writes the page and a test keeps the
committed page equal to the rendering, so the docs cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Iterable

from opspulse.sources import contracts
from opspulse.sources.model import Column, Source

AREA_ORDER = (
    "commerce",
    "web",
    "experiments",
    "supply_chain",
    "marketing",
    "sales",
    "service",
    "finance",
    "security",
)
"""The order of DESIGN.md's table; an area not listed here comes after, alphabetically."""

HEADER = """\
# Sources: the bring-your-own-data contract

<!-- Generated from src/opspulse/sources/ by `opspulse sources docs --out docs/sources.md`.
     Do not edit by hand: change the contract in code and regenerate. -->

Every source opspulse loads, with its exact file layout, format, key and columns. The demo
company writes files that follow this page; a real company drops its own exports in the same
layout (see [bring-your-own-data.md](bring-your-own-data.md)) and checks them with
`opspulse sources check <landing dir>` before the first run.

Files go to `landing/<source>/<YYYY-MM-DD>/<any name>.<ext>`, where the folder date is the day
the export was taken. All files of one day are loaded together as that day's partition of
`raw.<source>`, replacing what was loaded for that day before. Timestamps are UTC without an
offset; money is an exact decimal in the company currency with up to 4 decimal places
(`DECIMAL(18,4)`: sub-cent wholesale prices fit; a value with more decimals is rejected, never
rounded). Columns beyond the contract are tolerated (logged, not loaded); a missing or
renamed contract column quarantines the file.

- **Cadence.** A `daily` source has a file for every day: on a day without events it is an
  empty file (a header-only CSV, an empty NDJSON file or a Parquet file with its schema and no
  rows). An `on_change` source has a file only on days something changed. A daily source with
  no file for the run's day fails the raw gate; an `on_change` one does not. Set your own
  cadence per source in `[sources]` of `company.toml` (`daily`, `on_change` or `absent`): a
  source whose events some days simply do not happen (reviews, returns, tickets) is either sent
  as an empty file or set to `on_change`.
- **Values.** "only" lists a closed set that the KPIs define: any other value fails the raw
  gate. "e.g." lists the demo company's values: any value of your own is accepted.
- **Required.** Only keys, the timestamps and amounts a KPI is computed from, and the keys
  that tie a row to its parent are required. Leave any other column empty when you do not
  have it: the KPIs computed from it are NULL (n/a), no check fails.
"""


def _area_rank(area: str) -> tuple[int, str]:
    return (AREA_ORDER.index(area), "") if area in AREA_ORDER else (len(AREA_ORDER), area)


def _area_label(area: str) -> str:
    return area.replace("_", " ")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")


def _code(text: str) -> str:
    return f"`{text}`" if "`" not in text else f"`` {text} ``"


def _kind(source: Source) -> str:
    return "change records" if source.updated_at else "events"


def _ordered(sources: Iterable[Source]) -> list[Source]:
    return sorted(sources, key=lambda s: _area_rank(s.area))  # stable: contract order kept


def render(sources: Iterable[Source] | None = None) -> str:
    """The Markdown page for ``sources`` (default: every registered source)."""
    ordered = _ordered(contracts.SOURCES if sources is None else sources)
    lines = [HEADER, "## Index", ""]
    lines += [
        "| area | source | format | key | kind | cadence |",
        "|---|---|---|---|---|---|",
    ]
    for s in ordered:
        lines.append(
            f"| {_area_label(s.area)} | [{s.name}](#{s.name}) | {s.format} | "
            f"{', '.join(map(_code, s.key))} | {_kind(s)} | {s.cadence} |"
        )
    area = None
    for s in ordered:
        if s.area != area:
            area = s.area
            lines += ["", f"## {_area_label(area).capitalize()} area"]
        lines += ["", *_source_section(s)]
    return "\n".join(lines).rstrip() + "\n"


def _source_section(s: Source) -> list[str]:
    also = ", ".join(_code(e) for e in s.extensions[1:])
    also = f" (also {also})" if also else ""
    lines = [
        f"### {s.name}",
        "",
        _cell(s.description),
        "",
        f"- **Files:** `landing/{s.name}/<YYYY-MM-DD>/*{s.extensions[0]}`{also}",
        f"- **Format:** {_format(s)}",
        f"- **Key:** {_key_sentence(s)}",
        f"- **Kind:** {_kind_sentence(s)}",
        f"- **Cadence:** {_cadence_sentence(s)}",
        "",
        "| column | type | required | values | meaning | personal data |",
        "|---|---|---|---|---|---|",
    ]
    for c in s.columns:
        lines.append(
            f"| {_code(c.name)} | {c.type} | {'yes' if not c.nullable else ''} | {_values(c)} | "
            f"{_cell(c.description)} | {'yes' if c.pii else ''} |"
        )
    return lines


def _values(c: Column) -> str:
    if c.pattern:
        examples = ", ".join(map(_code, c.example_values))
        form = _code(c.pattern).replace("|", "\\|")  # a pipe would end the table cell
        return f"only the form {form}, e.g. {examples}"
    if c.accepted_values:
        return "only " + ", ".join(map(_code, c.accepted_values))
    if c.example_values:
        return "e.g. " + ", ".join(map(_code, c.example_values)) + " (any value)"
    return ""


def _cadence_sentence(s: Source) -> str:
    if s.cadence == "daily":
        return (
            "`daily`: a file every day, an empty file on a day without rows; set "
            f'`{s.name} = "on_change"` in `company.toml` if you send files only on some days'
        )
    return "`on_change`: a file on the days something changed; a day without a file is normal"


def _format(s: Source) -> str:
    d = s.csv
    ts, dt = _code(d.timestamp_format), _code(d.date_format)
    if s.format == "csv":
        null = _code(d.null_string) if d.null_string else "an empty field"
        header = "a header line with the column names" if d.header else "no header line"
        return (
            f"CSV, UTF-8, {header}; delimiter {_code(d.delimiter)}, quote {_code(d.quote)}, "
            f"escape {_code(d.escape)}; NULL is {null}; timestamps {ts}, dates {dt}"
        )
    if s.format == "ndjson":
        return (
            "newline-delimited JSON, one object per line, keys are the column names; "
            f"NULL is `null`; numbers as JSON numbers or strings; "
            f"timestamps as strings {ts}, dates {dt}"
        )
    return (
        "Parquet, column names as below; any type that casts to the contract type "
        f"(text timestamps as {ts}, dates {dt})"
    )


def _key_sentence(s: Source) -> str:
    key = " + ".join(map(_code, s.key))
    if s.updated_at:
        return f"{key}, one version per key and export day"
    return f"{key}, unique over all export days"


def _kind_sentence(s: Source) -> str:
    if s.updated_at:
        return (
            f"change records: a day's file holds every {' + '.join(map(_code, s.key))} created or changed "
            f"that day as it stood at the end of the day; {_code(s.updated_at)} orders the "
            "versions of one key and the latest wins"
        )
    return "events: append-only, each row written once, on the day it happened"
