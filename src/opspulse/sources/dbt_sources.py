"""dbt's ``_sources.yml``, generated from the contract so the two can never disagree.

``opspulse sources docs`` writes it next to ``docs/sources.md``; a test fails when the
committed file differs from this rendering. Every source is declared (with its loader
columns and freshness on ``_loaded_at``), whether or not a model reads it yet.
"""

from __future__ import annotations

import json
from pathlib import Path

from opspulse.settings import REPO_ROOT
from opspulse.sources import contracts
from opspulse.sources.model import Source

SOURCES_YML = REPO_ROOT / "dbt_project" / "models" / "staging" / "_sources.yml"

DBT_SOURCE_OF_AREA = {"commerce": "shop", "web": "web", "service": "service"}
"""dbt source name per contract area; other areas use the area's own name."""

DESCRIPTIONS = {
    "shop": "Commerce exports of the shop system (accounts, catalogue, orders, lines, payments, "
    "returns, reviews).",
    "web": "Website and app analytics exports (sessions, events, content, views).",
    "service": "Customer service desk exports.",
}

LOADER_COLUMNS = (
    ("_ds", "date", "Landing day folder (ds) the row was loaded from."),
    ("_file", "varchar", "Landing file the row was read from."),
    ("_loaded_at", "timestamp", "When opspulse loaded the row (UTC); source freshness uses it."),
)


def dbt_source_name(source: Source) -> str:
    return DBT_SOURCE_OF_AREA.get(source.area, source.area)


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _table_description(source: Source) -> str:
    if source.updated_at:
        kind = (
            f"Change records keyed by {', '.join(source.key)} (several versions per key; "
            f"staging keeps the latest by {source.updated_at})."
        )
    else:
        kind = f"Events keyed by {', '.join(source.key)}."
    return f"{source.description} {kind} Format: {source.format}."


def render(sources: tuple[Source, ...] | None = None) -> str:
    sources = contracts.SOURCES if sources is None else sources
    groups: dict[str, list[Source]] = {}
    for source in sources:
        groups.setdefault(dbt_source_name(source), []).append(source)
    out = [
        "# Generated from src/opspulse/sources by `opspulse sources docs`: do not edit by hand.",
        "sources:",
    ]
    for name, members in groups.items():
        description = DESCRIPTIONS.get(name, f"Exports of the {name.replace('_', ' ')} area.")
        out += [
            f"  - name: {name}",
            f"    description: {_q(description)}",
            "    schema: raw",
            "    config:",
            "      loaded_at_field: _loaded_at",
            "      freshness:",
            "        warn_after: {count: 26, period: hour}",
            "        error_after: {count: 50, period: hour}",
            "    tables:",
        ]
        for source in members:
            out += [
                f"      - name: {source.name}",
                f"        description: {_q(_table_description(source))}",
                "        columns:",
            ]
            for col in source.columns:
                out += [
                    f"          - name: {col.name}",
                    f"            description: {_q(col.description)}",
                    f"            data_type: {col.type.lower()}",
                ]
                if col.pii:
                    out += ["            config:", "              meta: {pii: true}"]
            for name_, type_, description_ in LOADER_COLUMNS:
                out += [
                    f"          - name: {name_}",
                    f"            description: {_q(description_)}",
                    f"            data_type: {type_}",
                ]
    return "\n".join(out) + "\n"


def write(path: Path = SOURCES_YML) -> Path:
    path.write_text(render())
    return path
