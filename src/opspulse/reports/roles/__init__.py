"""Which email each operations role gets: the registry of roles, as data.

A role's email is described here and nowhere else: its title, the report mart it reads
(one row per ``report_date``), its headline tiles in the order of KPIS.md ("Headline KPIs
per email") and any extra sections. Adding a role is adding a module ``<role>.py``
that defines ``ROLE`` (its name listed in :data:`ROLE_NAMES`);
the reader (:mod:`opspulse.reports.kpis`), the renderer and the sender need no change.

Trend columns follow the KPIS.md convention, derived from the tile's column ``k``:
``k_prev_day`` and ``k_7d_avg`` (required unless ``trend=False``), and, when the mart has
them, ``k_target`` and the attainment ``pct_k_of_target`` (for a ``pct_`` KPI the prefix is
not doubled: ``pct_cart_abandonment_of_target``).

A tile or field whose value needs one of the role's optional sources names it (``needs=``):
a NULL value of a company that does not deliver that source reads ``n/a: needs <source>``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["money", "count", "pct", "decimal", "hours", "text"]
"""How a value is displayed (see :mod:`opspulse.reports.formatting`)."""

MART_SCHEMA = "marts"


@dataclass(frozen=True)
class Field:
    """One number shown in a section: a column, its label and how to display it."""

    column: str
    label: str
    kind: Kind
    needs: str | None = None
    """The optional source (:mod:`opspulse.catalogue`) without which the value is NULL: the
    email then says so (``n/a: needs <source>``) when the company does not deliver it."""


@dataclass(frozen=True)
class Tile:
    """A headline KPI: a big tile with its value, trend and attainment."""

    column: str
    label: str
    kind: Kind
    up_is_good: bool = True
    trend: bool = True
    needs: str | None = None
    """As :attr:`Field.needs`."""

    @property
    def prev_day_column(self) -> str:
        return f"{self.column}_prev_day"

    @property
    def avg_7d_column(self) -> str:
        return f"{self.column}_7d_avg"

    @property
    def target_column(self) -> str:
        return f"{self.column}_target"

    @property
    def attainment_column(self) -> str:
        base = self.column if self.column.startswith("pct_") else f"pct_{self.column}"
        return f"{base}_of_target"


@dataclass(frozen=True)
class DetailsSection:
    """More numbers of the day from the role's own report mart, as label: value lines."""

    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class TableSection:
    """A short breakdown table from a breakdown mart (``report_date`` + one row per item)."""

    title: str
    mart: str
    label: Field
    columns: tuple[Field, ...]
    order_by: str
    descending: bool = True
    limit: int = 10
    only_where: str | None = None
    """A boolean column of the mart: only its true rows are listed (e.g. the late sources)."""
    when_empty: str = "No rows for this day."
    """What the section says when no row is listed."""


Section = DetailsSection | TableSection


@dataclass(frozen=True)
class Role:
    name: str
    title: str
    mart: str
    tiles: tuple[Tile, ...]
    sections: tuple[Section, ...] = field(default=())
    restates: bool = True
    """Whether a changed number after the day's email went out is sent again as a marked
    restatement. The data role's numbers describe the pipeline's own runs, which a re-run of
    the day changes by itself; its email goes out once a day."""

    @property
    def marts(self) -> tuple[str, ...]:
        """Every mart this role's email reads, qualified (``marts.rpt_...``)."""
        names = [self.mart] + [s.mart for s in self.sections if isinstance(s, TableSection)]
        return tuple(f"{MART_SCHEMA}.{name}" for name in dict.fromkeys(names))


ROLE_NAMES: tuple[str, ...] = (
    "product",
    "process",
    "supply_chain",
    "website",
    "ecommerce",
    "social",
    "data",
    "livestream",
    "sales",
    "users",
    "content",
    "marketing",
    "privacy",
    "finance",
)
"""The operations roles of KPIS.md, in its order: the order emails are sent in."""


def _discover() -> dict[str, Role]:
    """Every role module of this package (``<role>.py`` defining ``ROLE``), in KPIS.md order."""
    found: dict[str, Role] = {}
    for name in ROLE_NAMES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        role = module.ROLE
        if role.name != name:
            raise ValueError(f"{module.__name__} defines role {role.name!r}, expected {name!r}")
        found[name] = role
    return found


class UnknownRole(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def get_role(name: str) -> Role:
    try:
        return ROLES[name]
    except KeyError:
        known = ", ".join(sorted(ROLES))
        raise UnknownRole(f"unknown report role {name!r}; registered roles: {known}") from None


ROLES: dict[str, Role] = _discover()
"""The registry: role name → :class:`Role`, one module of this package per role."""
