"""Turn the simulation's numeric columns into Arrow tables shaped by the source contract.

The simulation works on integers: entity numbers, category codes, epoch seconds, cents. Each
source declares a :data:`Codec` per column saying how its numbers become contract values
(``Ident("O", 7)`` turns ``42`` into ``"O0000042"``). :func:`to_table` walks the contract's
columns in order, encodes each one and casts it to the Arrow type of the contract's SQL type,
so the column order, names and types always come from ``opspulse.sources.contracts``.

Null conventions in the numeric columns: ``-1`` for ids, labels, counts, flags and
timestamps; :data:`NO_MONEY` for money; ``""`` for text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opspulse.sources.contracts import Source

NO_MONEY = np.iinfo(np.int64).min

_SIMPLE_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "BOOLEAN": pa.bool_(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


def arrow_type(sql_type: str) -> pa.DataType:
    """Arrow type for a contract column type (``DECIMAL(12,2)`` -> ``decimal128(12, 2)``)."""
    if sql_type in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[sql_type]
    if m := _DECIMAL.fullmatch(sql_type):
        return pa.decimal128(int(m[1]), int(m[2]))
    raise ValueError(f"no Arrow type for contract type {sql_type!r}")


@dataclass(frozen=True)
class Ident:
    """Entity number -> prefixed, zero-padded id (``Ident("C", 6)``: 7 -> ``C000007``)."""

    prefix: str
    width: int

    def encode(self, values: np.ndarray) -> pa.Array:
        numbers = pa.array(values, type=pa.int64(), mask=values < 0)
        padded = pc.utf8_lpad(pc.cast(numbers, pa.string()), self.width, padding="0")
        return pc.binary_join_element_wise(self.prefix, padded, "")

    def text(self, values: np.ndarray) -> np.ndarray:
        """The same ids as numpy strings (for ids inside other text); no NULLs."""
        if len(values) == 0:
            return np.empty(0, dtype=str)
        return np.strings.add(self.prefix, np.strings.zfill(values.astype(str), self.width))


@dataclass(frozen=True)
class Label:
    """Code -> one of ``values`` (``-1`` is NULL)."""

    values: tuple[str, ...]

    def encode(self, values: np.ndarray) -> pa.Array:
        codes = pa.array(values, type=pa.int32(), mask=values < 0)
        return pa.array(self.values, type=pa.string()).take(codes)


class Timestamp:
    """Epoch seconds -> timestamp."""

    def encode(self, values: np.ndarray) -> pa.Array:
        return pa.array(values, type=pa.int64(), mask=values < 0).cast(pa.timestamp("s"))


class Day:
    """Epoch seconds -> the date they fall on."""

    def encode(self, values: np.ndarray) -> pa.Array:
        days = np.floor_divide(values, 86_400).astype(np.int32)
        return pa.array(days, type=pa.int32(), mask=values < 0).cast(pa.date32())


class Money:
    """Integer cents -> decimal with 2 places (:data:`NO_MONEY` is NULL)."""

    def encode(self, values: np.ndarray) -> pa.Array:
        cents = np.ascontiguousarray(values, dtype="<i8")
        words = np.column_stack([cents, np.where(cents < 0, -1, 0)]).astype("<i8")
        valid = pa.array(cents != NO_MONEY, type=pa.bool_())
        return pa.Array.from_buffers(
            pa.decimal128(38, 2), len(cents), [valid.buffers()[1], pa.py_buffer(words.tobytes())]
        )


class Count:
    """Integer (``-1`` is NULL)."""

    def encode(self, values: np.ndarray) -> pa.Array:
        return pa.array(values, type=pa.int64(), mask=values < 0)


class Flag:
    """0/1 -> boolean (``-1`` is NULL)."""

    def encode(self, values: np.ndarray) -> pa.Array:
        return pa.array(values == 1, type=pa.bool_(), mask=values < 0)


class Text:
    """Strings as they are (``""`` is NULL)."""

    def encode(self, values: np.ndarray) -> pa.Array:
        return pa.array(values, type=pa.string(), mask=values == "")


Codec = Ident | Label | Timestamp | Day | Money | Count | Flag | Text


def to_table(source: Source, columns: dict[str, np.ndarray], codecs: dict[str, Codec]) -> pa.Table:
    """Encode ``columns`` into a table with exactly the contract's columns, order and types."""
    expected = set(source.column_names)
    if set(codecs) != expected:
        raise ValueError(
            f"{source.name}: codecs do not match the contract "
            f"(missing {sorted(expected - set(codecs))}, extra {sorted(set(codecs) - expected)})"
        )
    arrays = []
    for column in source.columns:
        array = codecs[column.name].encode(columns[column.name]).cast(arrow_type(column.type))
        if not column.nullable and array.null_count:
            raise ValueError(
                f"{source.name}.{column.name}: {array.null_count} NULLs in a required column"
            )
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=schema(source))


def schema(source: Source) -> pa.Schema:
    return pa.schema(
        [pa.field(c.name, arrow_type(c.type), nullable=c.nullable) for c in source.columns]
    )


def empty_table(source: Source) -> pa.Table:
    return schema(source).empty_table()
