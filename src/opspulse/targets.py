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
passed. A malformed file fails the run with an error naming the file and the line, and so
does a KPI the role's daily mart has no target for (a typo such as ``net_sale`` would
otherwise be a target nobody sees): :func:`known_kpis` reads the KPIs each mart pivots its
targets for (``headline_kpis`` of ``rpt_<role>__daily.sql``) from the dbt project.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from opspulse import catalogue
from opspulse.settings import SettingsError

HEADER = ("role", "kpi", "period", "target")
PERIODS = ("daily", "weekly", "monthly")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_KPI = re.compile(r"[a-z][a-z0-9_]*")
_GLOB = re.compile(r"[*?\[\]{}]")
_HEADLINE = re.compile(r"set\s+headline_kpis\s*=\s*\{(?P<body>.*?)\}\s*-?%\}", re.S)
_HEADLINE_KEY = re.compile(r"'([a-z][a-z0-9_]*)'\s*:")


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


def known_kpis(dbt_project_dir: Path) -> dict[str, tuple[str, ...]]:
    """Per role, the KPIs its daily mart reads a target for: the keys of ``headline_kpis`` in
    ``models/marts/**/rpt_<role>__daily.sql`` (what ``kpi_targets_pivot`` pivots)."""
    known: dict[str, tuple[str, ...]] = {}
    for sql in sorted((dbt_project_dir / "models" / "marts").rglob("rpt_*__daily.sql")):
        role = sql.stem.removeprefix("rpt_").removesuffix("__daily")
        if match := _HEADLINE.search(sql.read_text(encoding="utf-8")):
            known[role] = tuple(_HEADLINE_KEY.findall(match.group("body")))
    return known


def _known_kpi(path: Path, line: int, role: str, kpi: str, known: Mapping[str, tuple]) -> None:
    kpis = known.get(role, ())
    if kpi in kpis:
        return
    if not kpis:
        raise TargetsError(f"{path}, line {line}: role {role} has no KPI that takes a target")
    close = difflib.get_close_matches(kpi, kpis, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    raise TargetsError(
        f"{path}, line {line}: rpt_{role}__daily has no KPI {kpi!r}; {hint}"
        f"the {role} KPIs that take a target: {', '.join(kpis)}"
    )


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


def check(path: Path, known: Mapping[str, tuple[str, ...]] | None = None) -> tuple[Target, ...]:
    """Every target of the file at ``path``; raises :class:`TargetsError` on a bad one.

    ``known`` (:func:`known_kpis`): the KPIs each role takes a target for; given, a target
    for any other KPI is an error too."""
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
        if known is not None:
            _known_kpi(path, target.line, target.role, target.kpi, known)
        key = (target.role, target.kpi, target.period)
        if key in seen:
            raise TargetsError(
                f"{path}, line {target.line}: a second {target.period} target for "
                f"{target.role}.{target.kpi} (the first is on line {seen[key]})"
            )
        seen[key] = target.line
        targets.append(target)
    return tuple(targets)


def dbt_path(path: Path, dbt_project_dir: Path | None = None) -> str:
    """What dbt's ``targets_file`` gets: the checked file's absolute path, "" without one;
    given the dbt project, each KPI is checked against :func:`known_kpis` too."""
    if not path.is_file():
        return ""
    resolved = path.resolve()
    if _GLOB.search(str(resolved)):
        raise TargetsError(
            f"{resolved}: the path holds one of * ? [ ] {{ }}, which DuckDB reads as a pattern; "
            "move the config directory"
        )
    check(resolved, known_kpis(dbt_project_dir) if dbt_project_dir is not None else None)
    return str(resolved)
