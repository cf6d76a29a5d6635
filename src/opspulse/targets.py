"""The company's KPI targets: ``<config>/targets.csv``, checked before dbt reads it.

One row per target, with the header ``role,kpi,period,target``::

    role,kpi,period,target
    ecommerce,net_sales,daily,38000
    ecommerce,pct_cart_abandonment,daily,0.65

``role`` is an operations role (:data:`opspulse.catalogue.ROLES`), ``kpi`` the column of the
KPI in ``rpt_<role>__daily``, ``period`` one of ``daily``, ``weekly``, ``monthly`` (the daily
marts read ``daily``) and ``target`` a number in the KPI's own unit (money, a count, or a 0-1
fraction for a ``pct_`` KPI).

The file is the company's alone: without one there are no targets (every ``<kpi>_target``
and attainment is NULL and the emails show none), never the demo company's. dbt reads it as
the model ``kpi_targets`` from the path in ``OPSPULSE_TARGETS_FILE`` (dbt var
``targets_file``; empty: no file), which :func:`dbt_path` gives after :func:`check` has
passed. A malformed file fails the run with an error naming the file and the line.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

from opspulse import catalogue
from opspulse.settings import SettingsError

HEADER = ("role", "kpi", "period", "target")
PERIODS = ("daily", "weekly", "monthly")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_KPI = re.compile(r"[a-z][a-z0-9_]*")
_GLOB = re.compile(r"[*?\[\]{}]")


class TargetsError(SettingsError):
    """A targets file that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Target:
    role: str
    kpi: str
    period: str
    target: float
    line: int


def _field(path: Path, line: int, name: str, value: str) -> str:
    if value != value.strip():
        raise TargetsError(f"{path}, line {line}: {name} {value!r} has spaces around it")
    if not value:
        raise TargetsError(f"{path}, line {line}: {name} is empty")
    return value


def _row(path: Path, line: int, fields: list[str]) -> Target:
    if len(fields) != len(HEADER):
        raise TargetsError(
            f"{path}, line {line}: {len(fields)} fields, expected {len(HEADER)} "
            f"({','.join(HEADER)})"
        )
    role, kpi, period, target = (
        _field(path, line, name, value) for name, value in zip(HEADER, fields, strict=True)
    )
    if role not in catalogue.ROLES_BY_NAME:
        raise TargetsError(
            f"{path}, line {line}: unknown role {role!r}; roles: {', '.join(catalogue.ROLES_BY_NAME)}"
        )
    if not _KPI.fullmatch(kpi):
        raise TargetsError(f"{path}, line {line}: kpi {kpi!r} is not a column name like net_sales")
    if period not in PERIODS:
        raise TargetsError(
            f"{path}, line {line}: period {period!r}; expected one of {', '.join(PERIODS)}"
        )
    if not _NUMBER.fullmatch(target) or not math.isfinite(float(target)):
        raise TargetsError(
            f"{path}, line {line}: target {target!r} is not a number like 38000 or 0.65"
        )
    return Target(role, kpi, period, float(target), line)


def check(path: Path) -> tuple[Target, ...]:
    """Every target of the file at ``path``; raises :class:`TargetsError` on a bad one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise TargetsError(f"{path}: not UTF-8 text; save it as UTF-8 CSV") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None or tuple(header) != HEADER:
        raise TargetsError(
            f"{path}, line 1: header {','.join(header or [])!r}; expected {','.join(HEADER)}"
        )
    targets: list[Target] = []
    seen: dict[tuple[str, str, str], int] = {}
    for fields in reader:
        if not fields:
            continue
        target = _row(path, reader.line_num, fields)
        key = (target.role, target.kpi, target.period)
        if key in seen:
            raise TargetsError(
                f"{path}, line {target.line}: a second {target.period} target for "
                f"{target.role}.{target.kpi} (the first is on line {seen[key]})"
            )
        seen[key] = target.line
        targets.append(target)
    return tuple(targets)


def dbt_path(path: Path) -> str:
    """What dbt's ``targets_file`` gets: the checked file's absolute path, "" without one."""
    if not path.is_file():
        return ""
    resolved = path.resolve()
    if _GLOB.search(str(resolved)):
        raise TargetsError(
            f"{resolved}: the path holds one of * ? [ ] {{ }}, which DuckDB reads as a pattern; "
            "move the config directory"
        )
    check(resolved)
    return str(resolved)
