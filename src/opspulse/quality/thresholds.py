"""Every business threshold of the quality checks, defined once, settable per company.

A threshold says where a real but unusual value starts (a check of it is a *warning* that
shows the row) or how much slack a reconciliation allows. A check that a value is impossible
by definition (a negative count, a ratio above 1, a broken key) has no threshold: it is always
critical.

One kind of threshold is critical: a *limit of the possible* (its description says
"critical"), where no business reaches but a placeholder or a typo does. A delivery promised
more than ``max_promised_delivery_days`` after the order is not a slow parcel, it is a
``2999-01-01`` or a wrong year: the data is wrong, so the check stops the run and shows the
rows. Such a limit sits far beyond anything real (a year and a day), so that a company never
needs to raise it to publish true data; a company that does is told which rows and why.

Each threshold below has a default, a unit and a sentence; ``[thresholds]`` of the company
file (``<config>/company.toml``, read by :mod:`opspulse.settings`) overrides any of them::

    [thresholds]
    max_ship_to_deliver_days = 240     # parcels by sea take months
    max_units_per_line = 100000        # a wholesaler

An unknown name in that table is an error naming the file and the known names. The suites
read their values from :func:`for_company`; ``docs/thresholds.md`` is :func:`markdown_table`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from opspulse import settings as settings_mod


def _threshold(default: float, unit: str, description: str) -> float:
    return field(default=default, metadata={"unit": unit, "description": description})


@dataclass(frozen=True)
class Thresholds:
    """The thresholds in force for one company (the defaults unless overridden)."""

    max_order_to_ship_days: int = _threshold(
        90,
        "days",
        "Order-to-ship times (p50, p90) above this are unusual: a warning shows the day.",
    )
    max_ship_to_deliver_days: int = _threshold(
        90,
        "days",
        "Ship-to-deliver times (p50, p90) above this are unusual (a parcel lost for months "
        "and then delivered is real): a warning shows the day.",
    )
    max_ticket_days: int = _threshold(
        90,
        "days",
        "Support first-response and resolution times (p50, p90) above this are unusual.",
    )
    max_po_lead_time_days: int = _threshold(
        365,
        "days",
        "Average purchase-order lead times above this are unusual (per day and per supplier).",
    )
    max_days_of_inventory: int = _threshold(
        3650,
        "days",
        "Days of inventory on hand above this are unusual (slow-moving stock).",
    )
    max_inventory_turnover: float = _threshold(
        1000.0,
        "turns a year",
        "Annualised inventory turnover above this is unusual (almost no stock left).",
    )
    max_units_per_line: int = _threshold(
        1000,
        "units",
        "An order line with more units than this is unusual (a wholesale order is real): "
        "the raw order_items check warns and shows the lines.",
    )
    max_price_index: float = _threshold(
        10.0,
        "× our price",
        "A competitor's average price index above this is unusual.",
    )
    min_pct_gross_margin: float = _threshold(
        -10.0,
        "fraction of revenue",
        "A daily gross margin below this is unusual (a day of tiny revenue and normal "
        "shipments, whose COGS falls on the ship day).",
    )
    max_target_attainment: float = _threshold(
        100.0,
        "× target",
        "Sales attainment above this multiple of its target is unusual (a tiny target).",
    )
    reconciliation_tolerance: float = _threshold(
        0.01,
        "company currency",
        "Largest absolute difference a money reconciliation between a report mart and its "
        "fact table allows (rounding); beyond it the check is critical.",
    )
    ledger_reconciliation_max_pct: float = _threshold(
        0.005,
        "fraction",
        "Largest difference between the ledger revenue of a day's orders and their "
        "e-commerce net sales, as a fraction of net sales (KPIS.md: 0.5 %).",
    )
    ledger_settlement_lag_days: int = _threshold(
        1,
        "days",
        "The newest days of the ledger that may still be settling (charges captured after "
        "midnight, orders found unavailable the next morning): their reconciliation is a "
        "warning, and each day is checked critically the night it becomes this many days "
        "old. 0 checks the run's own day critically. At most the lookback days "
        "(OPSPULSE_LOOKBACK_DAYS), so a day is recomputed on the night it is settled.",
    )
    anomaly_window_days: int = _threshold(
        28,
        "days",
        "Trailing window a headline KPI is compared with (warning).",
    )
    anomaly_min_history_days: int = _threshold(
        14,
        "days",
        "Fewest days with a value in that window before the anomaly check applies.",
    )
    anomaly_stddevs: float = _threshold(
        3.0,
        "standard deviations",
        "How far from its trailing mean a headline KPI may be before the anomaly warning.",
    )
    max_promised_delivery_days: int = _threshold(
        366,
        "days",
        "A delivery promised more than this many days after the order (orders) or the "
        "shipment (shipments) is wrong, not late (a placeholder like 2999-01-01, a wrong "
        "year): critical, the raw check shows the rows. A limit of the possible, not a "
        "warning threshold.",
    )
    timestamp_slack_days: int = _threshold(
        1,
        "days",
        "Raw timestamps may lie this many days after the latest loaded day (company "
        "timezone, exports taken after midnight) before they count as in the future.",
    )

    def __getitem__(self, name: str) -> float:
        return getattr(self, name)


THRESHOLDS: tuple[dataclasses.Field, ...] = dataclasses.fields(Thresholds)
"""The threshold definitions, in the order the docs list them."""

NAMES: tuple[str, ...] = tuple(f.name for f in THRESHOLDS)

DEFAULTS = Thresholds()


def resolve(overrides: Mapping[str, float], origin: Path | str = "[thresholds]") -> Thresholds:
    """The defaults with ``overrides`` applied; an unknown name or a fraction where whole
    days are meant raises :class:`opspulse.settings.SettingsError` naming ``origin``."""
    unknown = sorted(set(overrides) - set(NAMES))
    if unknown:
        raise settings_mod.SettingsError(
            f"{origin} [thresholds]: unknown threshold(s) {', '.join(unknown)}; "
            f"known: {', '.join(NAMES)}"
        )
    values: dict[str, float] = {}
    for f in THRESHOLDS:
        if f.name not in overrides:
            continue
        value = overrides[f.name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise settings_mod.SettingsError(
                f"{origin} [thresholds]: {f.name} = {value!r} is not a number"
            )
        if isinstance(f.default, int):
            if value != int(value):
                raise settings_mod.SettingsError(
                    f"{origin} [thresholds]: {f.name} = {value!r}; expected whole "
                    f"{f.metadata['unit']}"
                )
            value = int(value)
        if value < 0:
            raise settings_mod.SettingsError(
                f"{origin} [thresholds]: {f.name} = {value!r} is negative"
            )
        values[f.name] = value
    return dataclasses.replace(DEFAULTS, **values)


def for_company(cfg: settings_mod.Settings | None = None) -> Thresholds:
    """The thresholds of the company whose settings are ``cfg`` (default: loaded now)."""
    cfg = cfg or settings_mod.load()
    limits = resolve(cfg.thresholds, cfg.company_file)
    if limits.ledger_settlement_lag_days > cfg.lookback_days:
        raise settings_mod.SettingsError(
            f"{cfg.company_file} [thresholds]: ledger_settlement_lag_days = "
            f"{limits.ledger_settlement_lag_days} exceeds the lookback of {cfg.lookback_days} "
            "days (OPSPULSE_LOOKBACK_DAYS): a settled day would not be recomputed"
        )
    return limits


def _number(value: float) -> str:
    return f"{value:g}"


def markdown_table(limits: Thresholds = DEFAULTS) -> str:
    """The thresholds as a Markdown table (``docs/thresholds.md``)."""
    lines = [
        "| threshold | default | unit | meaning |",
        "|---|---|---|---|",
    ]
    for f in THRESHOLDS:
        value = _number(limits[f.name])
        lines.append(
            f"| `{f.name}` | {value} | {f.metadata['unit']} | {f.metadata['description']} |"
        )
    return "\n".join(lines) + "\n"


def markdown_page() -> str:
    """``docs/thresholds.md``: the table and how to override it."""
    return (
        "# Quality thresholds\n\n"
        "<!-- written by opspulse.quality.thresholds.markdown_page(); do not edit by hand -->\n\n"
        "A critical check fails only on data that is wrong (a broken key, an impossible "
        "value, a reconciliation that cannot hold) and withholds the night's reports. A real "
        "but unusual value is a warning that shows the row. The thresholds below say where "
        '"unusual" starts and how much slack a reconciliation allows; set any of them for '
        "your company in `[thresholds]` of `config/company.toml`:\n\n"
        "```toml\n[thresholds]\nmax_ship_to_deliver_days = 240\nmax_units_per_line = 100000\n```\n\n"
        "An unknown name there is an error that lists the known ones.\n\n"
        f"{markdown_table()}\n"
        "**Settlement lag.** The ledger of the newest day is still settling: a charge "
        "captured after midnight, or an order accepted today and found unavailable tomorrow, "
        "reaches the ledger and the order book on different nights. So the ledger "
        "reconciliation of the newest `ledger_settlement_lag_days` days is a warning, and "
        "each day is reconciled critically on the night it becomes that many days old (it "
        "is recomputed then, within the lookback window).\n"
    )


if __name__ == "__main__":  # python -m opspulse.quality.thresholds > docs/thresholds.md
    print(markdown_page(), end="")
