"""Which sources each operations role needs, and so which roles a company gets.

This is the one table of roles and their sources. The nightly run reads it to decide what
to build (dbt), audit (the mart gate), publish and email; the data role's email lists the
active roles and why the others are not; the README's table and the seed ``role_sources``
(the data-trust score) are checked against it by the tests.

A role is **active** when the company delivers every source in its ``requires``. Its
``optional`` sources improve some KPIs: without them those KPIs are NULL and the email says
which source would fill them. A breakdown mart that cannot exist without a source of its
own (``MART_REQUIRES``) is left out on its own while the rest of the role goes on.

Which sources a company delivers is its configuration: ``[sources]`` of ``company.toml``
(see :mod:`opspulse.settings`), else every source with a landing folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from opspulse import settings as settings_mod
from opspulse.sources import contracts


@dataclass(frozen=True)
class RoleNeeds:
    name: str
    title: str
    requires: tuple[str, ...]
    """Sources without which none of the role's headline KPIs can exist."""
    optional: tuple[str, ...] = ()
    """Sources some KPIs use; absent, those KPIs are NULL (never a failure)."""
    dbt_folders: tuple[str, ...] = ()
    """Folders under ``dbt_project/models/marts`` holding the role's report marts."""

    @property
    def sources(self) -> tuple[str, ...]:
        return self.requires + self.optional


ROLES: tuple[RoleNeeds, ...] = (
    RoleNeeds(
        "product",
        "Product operations",
        requires=("orders", "order_items", "products"),
        optional=("returns", "reviews", "purchase_orders"),
        dbt_folders=("product",),
    ),
    RoleNeeds(
        "process",
        "Process operations",
        requires=("orders",),
        optional=("returns", "support_tickets"),
        dbt_folders=("process", "service"),
    ),
    RoleNeeds(
        "supply_chain",
        "Supply chain",
        requires=("orders", "order_items", "products", "purchase_orders", "inventory_snapshots"),
        optional=("suppliers", "shipments", "competitor_prices"),
        dbt_folders=("supply_chain", "competitors"),
    ),
    RoleNeeds(
        "website",
        "Website",
        requires=("web_sessions",),
        optional=("web_events", "orders", "experiments", "experiment_assignments"),
        dbt_folders=("website", "experiments"),
    ),
    RoleNeeds(
        "ecommerce",
        "E-commerce",
        requires=("orders", "order_items"),
        optional=("payments", "products", "web_sessions"),
        dbt_folders=("ecommerce",),
    ),
    RoleNeeds(
        "social",
        "Social media",
        requires=("social_posts", "social_followers"),
        dbt_folders=("social",),
    ),
    RoleNeeds("data", "Data operations", requires=(), dbt_folders=("data",)),
    RoleNeeds(
        "livestream",
        "Livestream",
        requires=("livestreams", "orders", "order_items"),
        dbt_folders=("livestream",),
    ),
    RoleNeeds(
        "sales",
        "Sales",
        requires=("orders", "order_items"),
        optional=("customers", "sales_reps", "partners", "sales_targets"),
        dbt_folders=("sales",),
    ),
    RoleNeeds(
        "users",
        "User operations",
        requires=("customers", "orders", "order_items"),
        optional=("support_tickets",),
        dbt_folders=("users",),
    ),
    RoleNeeds(
        "content",
        "Content",
        requires=("content_items", "content_views", "web_sessions"),
        optional=("orders",),
        dbt_folders=("content",),
    ),
    RoleNeeds(
        "marketing",
        "Marketing",
        requires=("campaigns", "ad_spend", "orders", "order_items"),
        optional=("partners",),
        dbt_folders=("marketing",),
    ),
    RoleNeeds(
        "privacy",
        "Security & privacy",
        requires=("security_incidents", "privacy_requests"),
        optional=("customers",),
        dbt_folders=("privacy",),
    ),
    RoleNeeds(
        "finance",
        "Finance",
        requires=("gl_entries", "orders", "order_items"),
        optional=("budgets", "payments"),
        dbt_folders=("finance",),
    ),
)
"""Every operations role of the KPI catalogue, in the order emails are sent."""

ROLES_BY_NAME: dict[str, RoleNeeds] = {r.name: r for r in ROLES}

MART_REQUIRES: Mapping[str, tuple[str, ...]] = {
    "rpt_service__daily": ("support_tickets",),
    "rpt_competitors__price_index": ("competitor_prices",),
    "rpt_experiments__results": ("experiments", "experiment_assignments"),
    "rpt_sales__reps": ("sales_reps",),
    "rpt_finance__budget_vs_actual": ("budgets",),
}
"""Breakdown marts that need a source of their own beyond their role's ``requires``."""

CROSS_ROLE_FOLDERS = ("risk",)
"""Mart folders that read several roles' marts: built only when all of those are built."""


def report_marts_by_folder(dbt_project_dir: Path | None = None) -> dict[str, tuple[str, ...]]:
    """The report marts (``rpt_*`` models) of each folder of ``models/marts``."""
    root = (dbt_project_dir or settings_mod.load().dbt_project_dir) / "models" / "marts"
    return {
        folder.name: tuple(sorted(p.stem for p in folder.glob("rpt_*.sql")))
        for folder in sorted(root.iterdir())
        if folder.is_dir()
    }


def get(name: str) -> RoleNeeds:
    try:
        return ROLES_BY_NAME[name]
    except KeyError:
        known = ", ".join(ROLES_BY_NAME)
        raise KeyError(f"unknown role {name!r}; roles: {known}") from None


def delivered_sources(cfg: settings_mod.Settings | None = None) -> frozenset[str]:
    """The sources the company delivers: ``[sources]`` of its company file when set (every
    source not marked ``absent``), else every source with a folder in ``landing/``."""
    cfg = cfg or settings_mod.load()
    if cfg.source_cadence:
        unknown = sorted(set(cfg.source_cadence) - set(contracts.SOURCES_BY_NAME))
        if unknown:
            raise settings_mod.SettingsError(
                f"{cfg.company_file} [sources]: unknown source(s) {', '.join(unknown)}; "
                f"known: {', '.join(contracts.SOURCES_BY_NAME)}"
            )
        return frozenset(s for s, cadence in cfg.source_cadence.items() if cadence != "absent")
    return frozenset(_landing_sources(cfg.landing_dir))


def _landing_sources(landing_dir: Path) -> Iterable[str]:
    if not landing_dir.is_dir():
        return ()
    return (
        p.name for p in landing_dir.iterdir() if p.is_dir() and p.name in contracts.SOURCES_BY_NAME
    )


@dataclass(frozen=True)
class RoleStatus:
    role: RoleNeeds
    missing: tuple[str, ...]
    """Required sources not delivered (empty for an active role)."""
    missing_optional: tuple[str, ...]

    @property
    def active(self) -> bool:
        return not self.missing

    @property
    def reason(self) -> str:
        """Why the role is inactive, or which KPIs lack an input, in words."""
        if self.missing:
            return f"needs {', '.join(self.missing)}, not delivered"
        if self.missing_optional:
            return f"some KPIs n/a without {', '.join(self.missing_optional)}"
        return "every source it uses is delivered"


@dataclass(frozen=True)
class Plan:
    """What a night builds, audits, publishes and emails for a company."""

    delivered: frozenset[str]
    statuses: tuple[RoleStatus, ...]

    @property
    def active_roles(self) -> tuple[str, ...]:
        return tuple(s.role.name for s in self.statuses if s.active)

    @property
    def inactive(self) -> tuple[RoleStatus, ...]:
        return tuple(s for s in self.statuses if not s.active)

    def status(self, role: str) -> RoleStatus:
        for s in self.statuses:
            if s.role.name == role:
                return s
        raise KeyError(role)

    def mart_active(self, mart: str) -> bool:
        """Whether ``mart`` (a report mart name, without schema) is built for this company."""
        return mart not in self.excluded_marts()

    def excluded_folders(self) -> tuple[str, ...]:
        return tuple(folder for s in self.inactive for folder in s.role.dbt_folders)

    def excluded_marts(self) -> frozenset[str]:
        by_folder = report_marts_by_folder()
        out = {m for f in self.excluded_folders() for m in by_folder.get(f, ())}
        out.update(m for m, needs in MART_REQUIRES.items() if not set(needs) <= self.delivered)
        if out:
            out.update(m for f in CROSS_ROLE_FOLDERS for m in by_folder.get(f, ()))
        return frozenset(out)

    def dbt_exclude(self) -> list[str]:
        """``dbt build --exclude`` arguments: the inactive marts and everything after them."""
        return [f"{mart}+" for mart in sorted(self.excluded_marts())]


def plan(cfg: settings_mod.Settings | None = None) -> Plan:
    cfg = cfg or settings_mod.load()
    delivered = delivered_sources(cfg)
    statuses = tuple(
        RoleStatus(
            role=r,
            missing=tuple(s for s in r.requires if s not in delivered),
            missing_optional=tuple(s for s in r.optional if s not in delivered),
        )
        for r in ROLES
    )
    return Plan(delivered=delivered, statuses=statuses)


def markdown_table() -> str:
    """The roles and the sources each needs, as the README shows them."""

    def names(sources: Iterable[str]) -> str:
        return ", ".join(f"`{s}`" for s in sources) or "none"

    lines = [
        "| role | needs (all of) | uses when delivered |",
        "|---|---|---|",
    ]
    for r in ROLES:
        needs = names(r.requires) if r.requires else "nothing: always on"
        lines.append(f"| {r.title} (`{r.name}`) | {needs} | {names(r.optional)} |")
    return "\n".join(lines) + "\n"
