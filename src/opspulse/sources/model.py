"""The shape of a source contract: columns, types, CSV dialect, key (see ``contracts``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Format = Literal["csv", "ndjson", "parquet"]
Cadence = Literal["daily", "on_change"]
"""How often a source is delivered: ``daily`` (a file every day, an empty one on a day
without events) or ``on_change`` (a file only on days something changed)."""

FILE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "csv": (".csv",),
    "ndjson": (".ndjson", ".jsonl", ".json"),
    "parquet": (".parquet",),
}


EARLIEST_DATE = date(1970, 1, 1)
"""No date or timestamp of any source lies before this day: a value before it is a
placeholder or a broken export (``0001-01-01``), never an event (critical in the raw gate)."""

MAX_TEXT_BYTES = 64 * 1024
"""The longest text value (in UTF-8 bytes) any column accepts; a longer one, or one holding
a NUL byte, is a rejected row (``ops.rejected_rows``), never loaded."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    nullable: bool = True
    pii: bool = False
    accepted_values: tuple[str, ...] = ()
    """A closed set: the KPI conventions define these values and no other is accepted
    (checked critically by the raw suite and by ``opspulse sources check``)."""
    example_values: tuple[str, ...] = ()
    """An open list: the demo company's values, documented as examples; any value loads."""
    pattern: str | None = None
    """A closed form where a closed list would be too narrow: a regular expression the
    whole value must match (checked critically like ``accepted_values``)."""

    def __post_init__(self) -> None:
        if self.accepted_values and self.example_values:
            raise ValueError(f"column {self.name!r}: accepted_values or example_values, not both")


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str = ","
    quote: str = '"'
    escape: str = '"'
    header: bool = True
    null_string: str = ""
    timestamp_format: str = "%Y-%m-%d %H:%M:%S"
    date_format: str = "%Y-%m-%d"


@dataclass(frozen=True)
class Source:
    name: str
    area: str
    format: Format
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    updated_at: str | None = None
    """Column that orders change records of one key; None for append-only events."""
    csv: CsvDialect = field(default_factory=CsvDialect)
    cadence: Cadence = "daily"
    """The contract's expectation of delivery; a company overrides it per source in the
    ``[sources]`` table of its ``company.toml`` (see ``opspulse.sources.cadence``)."""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def extensions(self) -> tuple[str, ...]:
        return FILE_EXTENSIONS[self.format]

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.nullable)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"source {self.name!r} has no column {name!r}")


def col(name: str, type_: str, description: str, **kw) -> Column:
    return Column(name=name, type=type_, description=description, **kw)
