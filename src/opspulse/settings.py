"""Every path and environment variable opspulse reads, in one place.

Settings are read from the environment each time :func:`load` is called (cheap, and
tests can point a run at a temporary data directory). Runtime data always lives under
``OPSPULSE_HOME`` (default ``./var`` in the repository), never in the source tree.

| variable                       | default                     | meaning                                  |
|--------------------------------|-----------------------------|------------------------------------------|
| ``OPSPULSE_HOME``              | ``<repo>/var``              | data directory                           |
| ``OPSPULSE_TIMEZONE``          | ``UTC``                     | company timezone that defines a "day"    |
| ``OPSPULSE_CONFIG_DIR``        | ``<repo>/config``           | recipients.toml and friends              |
| ``OPSPULSE_DBT_PROJECT_DIR``   | ``<repo>/dbt_project``      | the dbt project                          |
| ``OPSPULSE_SMTP_CONN_ID``      | ``opspulse_smtp``           | Airflow connection used to send email    |
| ``OPSPULSE_DUCKDB_MEMORY_LIMIT`` | ``4GB``                   | DuckDB ``memory_limit`` per process      |
| ``OPSPULSE_DUCKDB_THREADS``    | ``2``                       | DuckDB ``threads``                       |
| ``OPSPULSE_SHIPPING_SLA_HOURS``| ``48``                      | process role's shipping SLA              |
| ``OPSPULSE_LOOKBACK_DAYS``     | ``3``                       | days re-derived for late-arriving data   |
| ``OPSPULSE_REJECT_THRESHOLD``  | ``0.01``                    | share of rejected rows that quarantines a file |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _repo_or_cwd() -> Path:
    """The repository for an editable install, otherwise the working directory."""
    return REPO_ROOT if (REPO_ROOT / "dbt_project").is_dir() else Path.cwd()


@dataclass(frozen=True)
class Settings:
    home: Path
    timezone: str
    config_dir: Path
    dbt_project_dir: Path
    smtp_conn_id: str
    duckdb_memory_limit: str
    duckdb_threads: int
    shipping_sla_hours: int
    lookback_days: int
    reject_threshold: float

    @property
    def landing_dir(self) -> Path:
        return self.home / "landing"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def build_db(self) -> Path:
        return self.warehouse_dir / "build.duckdb"

    @property
    def marts_db(self) -> Path:
        return self.warehouse_dir / "marts.duckdb"

    @property
    def outbox_dir(self) -> Path:
        return self.home / "outbox"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def quality_dir(self) -> Path:
        return self.home / "quality"

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"

    @property
    def dbt_target_dir(self) -> Path:
        return self.home / "dbt" / "target"

    @property
    def dbt_log_dir(self) -> Path:
        return self.home / "dbt" / "logs"

    @property
    def recipients_file(self) -> Path:
        return self.config_dir / "recipients.toml"


def load(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    root = _repo_or_cwd()
    return Settings(
        home=Path(env.get("OPSPULSE_HOME", root / "var")).resolve(),
        timezone=env.get("OPSPULSE_TIMEZONE", "UTC"),
        config_dir=Path(env.get("OPSPULSE_CONFIG_DIR", root / "config")).resolve(),
        dbt_project_dir=Path(env.get("OPSPULSE_DBT_PROJECT_DIR", root / "dbt_project")).resolve(),
        smtp_conn_id=env.get("OPSPULSE_SMTP_CONN_ID", "opspulse_smtp"),
        duckdb_memory_limit=env.get("OPSPULSE_DUCKDB_MEMORY_LIMIT", "4GB"),
        duckdb_threads=int(env.get("OPSPULSE_DUCKDB_THREADS", "2")),
        shipping_sla_hours=int(env.get("OPSPULSE_SHIPPING_SLA_HOURS", "48")),
        lookback_days=int(env.get("OPSPULSE_LOOKBACK_DAYS", "3")),
        reject_threshold=float(env.get("OPSPULSE_REJECT_THRESHOLD", "0.01")),
    )
