"""How often a company delivers each source: the contract's cadence, overridden per company.

Each source's contract states a cadence (``Source.cadence``):

* ``daily``: a file every day; a day without events is an empty file (a header-only CSV,
  an empty NDJSON file, a Parquet file with its schema and no rows);
* ``on_change``: a file only on days something changed (catalogues, suppliers, campaigns,
  budgets, ...): a day without a file is normal.

A company overrides it in the ``[sources]`` table of its ``company.toml``
(``Settings.source_cadence``), where ``absent`` means the source is not delivered at all.
When that table is set, a source it does not list is absent. The loader's checks, the
quality gate and the docs read the cadence from :func:`effective_cadence` only.
"""

from __future__ import annotations

from typing import Literal

from opspulse.settings import Settings
from opspulse.sources import contracts
from opspulse.sources.model import Source

EffectiveCadence = Literal["daily", "on_change", "absent"]


def effective_cadence(source: Source | str, cfg: Settings | None = None) -> EffectiveCadence:
    """The cadence at which the company of ``cfg`` delivers ``source``.

    Without a ``[sources]`` table (or without settings) it is the contract's cadence;
    whether the source is delivered at all is then up to its landing folder
    (``opspulse.catalogue.delivered_sources``).
    """
    source = contracts.get(source) if isinstance(source, str) else source
    configured = cfg.source_cadence if cfg is not None else {}
    if not configured:
        return source.cadence
    return configured.get(source.name, "absent")  # type: ignore[return-value]
