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
| ``OPSPULSE_ALERT_CONN_ID``     | the SMTP connection         | Airflow connection of the failure alerts |
| ``OPSPULSE_SMTP_ATTEMPTS``     | ``3``                       | tries per email on a temporary SMTP error (4xx, server down) |
| ``OPSPULSE_SMTP_BACKOFF_SECONDS`` | ``2``                    | wait before the 2nd try, doubled for each next one |
| ``OPSPULSE_DUCKDB_MEMORY_LIMIT`` | ``4GB``                   | DuckDB ``memory_limit`` per process      |
| ``OPSPULSE_DUCKDB_THREADS``    | ``2``                       | DuckDB ``threads``                       |
| ``OPSPULSE_SHIPPING_SLA_HOURS``| ``48``                      | process role's shipping SLA              |
| ``OPSPULSE_LOOKBACK_DAYS``     | ``3``                       | days re-derived for late-arriving data   |
| ``OPSPULSE_REJECT_THRESHOLD``  | ``0.01``                    | share of rejected rows that quarantines a file |
| ``OPSPULSE_CURRENCY``          | ``USD``                     | ISO 4217 code of every displayed amount  |
| ``OPSPULSE_LOCALE``            | ``en_US``                   | how numbers and amounts are written      |
| ``OPSPULSE_START_DATE``        | ``2000-01-01``              | first day the nightly DAG may process    |
| ``OPSPULSE_SMTP_HOST``         | (none)                      | mail server ``opspulse init`` stores as the SMTP connection |
| ``OPSPULSE_SMTP_PORT``         | ``587``, or ``25`` without STARTTLS | its port                         |
| ``OPSPULSE_SMTP_USER``         | (none)                      | login, when the server needs one         |
| ``OPSPULSE_SMTP_PASSWORD``     | (none)                      | its password: environment only, never in a file or a log |
| ``OPSPULSE_SMTP_STARTTLS``     | ``true``                    | upgrade the connection with STARTTLS     |
| ``OPSPULSE_REPORT_DEADLINE``   | ``07:00``                   | HH:MM (company timezone) the morning after a day by which its report is due; later, each role is told it is delayed |
| ``OPSPULSE_HASH_SALT``         | ``<home>/secrets/email_hash_salt`` | secret salt of customer email hashes (``opspulse.hash_salt``) |

The ``OPSPULSE_SMTP_*`` variables are read by :func:`smtp` only: ``opspulse init`` turns them
into the Airflow connection ``OPSPULSE_SMTP_CONN_ID`` in Airflow's metadata database (an
``AIRFLOW_CONN_OPSPULSE_SMTP`` in the environment wins over them, and at run time over the
stored connection, as Airflow's own precedence has it).

**The company file.** What differs between companies lives in ``<config>/company.toml``
(written by ``opspulse init``), read here and nowhere else; an environment variable above
wins over the file. Its tables::

    [company]            name, timezone, currency, locale, start_date
    [sources]            <source> = "daily" | "on_change" | "absent": the sources the
                         company delivers and how often (default: every source with a
                         landing folder, at its contract's cadence)
    [thresholds]         business thresholds of the quality checks (see
                         ``opspulse.quality.thresholds``)
    [delivery]           report_deadline = "07:00": when the morning emails are due (see
                         ``opspulse.lateness``)

The config directory is ``OPSPULSE_CONFIG_DIR``, else ``<OPSPULSE_HOME>/config`` when it
exists, else the repository's ``config/`` (the demo company's files).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from types import MappingProxyType

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
    company_name: str = "opspulse"
    currency: str = "USD"
    locale: str = "en_US"
    start_date: date = date(2000, 1, 1)
    source_cadence: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Cadence per source from ``[sources]`` of the company file (empty: not configured)."""
    thresholds: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    """Overrides from ``[thresholds]`` of the company file."""
    alert_conn_id: str = "opspulse_smtp"
    smtp_attempts: int = 3
    smtp_backoff_seconds: float = 2.0
    report_deadline: time = time(7, 0)
    """When the report of a day is due: this time of the next day, in ``timezone``."""

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
    def hash_salt_file(self) -> Path:
        """The home's secret email hash salt (0600; see :mod:`opspulse.hash_salt`)."""
        return self.home / "secrets" / "email_hash_salt"

    @property
    def recipients_file(self) -> Path:
        return self.config_dir / "recipients.toml"

    @property
    def company_file(self) -> Path:
        return self.config_dir / "company.toml"

    @property
    def targets_file(self) -> Path:
        """The company's KPI targets (role, kpi, period, target); absent means no targets."""
        return self.config_dir / "targets.csv"


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the file or variable to fix."""


CADENCES = ("daily", "on_change", "absent")


def _company_file(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc}); fix the file and re-run") from None


def _start_date(value: object, origin: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise SettingsError(
            f"{origin}: start_date {value!r} is not a date like 2018-01-01"
        ) from None


def _report_deadline(value: object, origin: str) -> time:
    """``07:00`` (HH:MM on a 24-hour clock; seconds allowed, ``07:00:30``), else a
    :class:`SettingsError` naming ``origin``."""
    if isinstance(value, time) and value.tzinfo is None:
        return value.replace(microsecond=0)
    parts = str(value).strip().split(":")
    if (
        len(parts) in (2, 3)
        and len(parts[0]) in (1, 2)
        and all(len(p) == 2 for p in parts[1:])
        and all(p.isdigit() for p in parts)
        and int(parts[0]) < 24
        and all(int(p) < 60 for p in parts[1:])
    ):
        return time(*map(int, parts))
    raise SettingsError(
        f"{origin}: report_deadline {value!r} is not a time like 07:00 "
        "(HH:MM on a 24-hour clock, in the company's timezone)"
    )


def _currency(value: object, origin: str) -> str:
    """An ISO 4217 code babel knows (``EUR``), else a :class:`SettingsError` naming ``origin``."""
    from babel.numbers import UnknownCurrencyError, validate_currency

    code = str(value).strip().upper()
    try:
        validate_currency(code)
    except UnknownCurrencyError:
        raise SettingsError(
            f"{origin}: currency {value!r} is not an ISO 4217 code like EUR, USD or BRL"
        ) from None
    return code


def _locale(value: object, origin: str) -> str:
    """A locale babel knows (``de_DE``, ``pt_BR``), else a :class:`SettingsError`."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(str(value).strip().replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        raise SettingsError(
            f"{origin}: locale {value!r} is not a locale like en_US, de_DE or pt_BR"
        ) from None


def _cadences(table: Mapping[str, object], origin: Path) -> Mapping[str, str]:
    out = {}
    for source, cadence in table.items():
        if cadence not in CADENCES:
            raise SettingsError(
                f"{origin} [sources]: {source} = {cadence!r}; expected one of {', '.join(CADENCES)}"
            )
        out[str(source)] = str(cadence)
    return MappingProxyType(out)


def _thresholds(table: Mapping[str, object], origin: Path) -> Mapping[str, float]:
    out = {}
    for name, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingsError(f"{origin} [thresholds]: {name} = {value!r} is not a number")
        out[str(name)] = float(value)
    return MappingProxyType(out)


def _config_dir(env: Mapping[str, str], home: Path, root: Path) -> Path:
    if "OPSPULSE_CONFIG_DIR" in env:
        return Path(env["OPSPULSE_CONFIG_DIR"]).resolve()
    if (home / "config").is_dir():
        return (home / "config").resolve()
    return (root / "config").resolve()


def _origin(env: Mapping[str, str], variable: str, company_path: Path, key: str) -> str:
    """Where a company setting came from, to name it in an error."""
    return variable if env.get(variable) else f"{company_path} [company] {key}"


UNUSABLE_PATH_CHARACTERS = ("?", "\\")
"""Characters DuckDB misreads in a database path: ``?`` starts connection options (its WAL
goes to ``a.wal?b``), ``\\`` is a folder separator. Quotes are fine (every path reaching SQL
is quoted, see ``opspulse.warehouse.connection.sql_literal``)."""


def _home(value: str | Path) -> Path:
    home = Path(value).resolve()
    bad = [c for c in UNUSABLE_PATH_CHARACTERS if c in str(home)]
    if bad:
        raise SettingsError(
            f"OPSPULSE_HOME={str(home)!r} holds {' and '.join(map(repr, bad))}, which DuckDB "
            "misreads in a database path; choose a folder without them"
        )
    return home


def load(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    root = _repo_or_cwd()
    home = _home(env.get("OPSPULSE_HOME", root / "var"))
    config_dir = _config_dir(env, home, root)
    company_path = config_dir / "company.toml"
    company_toml = _company_file(company_path)
    company = company_toml.get("company", {})
    start = env.get("OPSPULSE_START_DATE") or company.get("start_date") or "2000-01-01"
    return Settings(
        home=home,
        timezone=env.get("OPSPULSE_TIMEZONE") or company.get("timezone", "UTC"),
        config_dir=config_dir,
        dbt_project_dir=Path(env.get("OPSPULSE_DBT_PROJECT_DIR", root / "dbt_project")).resolve(),
        smtp_conn_id=env.get("OPSPULSE_SMTP_CONN_ID", "opspulse_smtp"),
        duckdb_memory_limit=env.get("OPSPULSE_DUCKDB_MEMORY_LIMIT", "4GB"),
        duckdb_threads=int(env.get("OPSPULSE_DUCKDB_THREADS", "2")),
        shipping_sla_hours=int(env.get("OPSPULSE_SHIPPING_SLA_HOURS", "48")),
        lookback_days=int(env.get("OPSPULSE_LOOKBACK_DAYS", "3")),
        reject_threshold=float(env.get("OPSPULSE_REJECT_THRESHOLD", "0.01")),
        company_name=str(company.get("name", "opspulse")),
        currency=_currency(
            env.get("OPSPULSE_CURRENCY") or company.get("currency", "USD"),
            _origin(env, "OPSPULSE_CURRENCY", company_path, "currency"),
        ),
        locale=_locale(
            env.get("OPSPULSE_LOCALE") or company.get("locale", "en_US"),
            _origin(env, "OPSPULSE_LOCALE", company_path, "locale"),
        ),
        start_date=_start_date(start, "OPSPULSE_START_DATE or company.toml"),
        source_cadence=_cadences(company_toml.get("sources", {}), company_path),
        thresholds=_thresholds(company_toml.get("thresholds", {}), company_path),
        alert_conn_id=env.get("OPSPULSE_ALERT_CONN_ID")
        or env.get("OPSPULSE_SMTP_CONN_ID", "opspulse_smtp"),
        smtp_attempts=_positive_int(env, "OPSPULSE_SMTP_ATTEMPTS", "3"),
        smtp_backoff_seconds=float(env.get("OPSPULSE_SMTP_BACKOFF_SECONDS", "2")),
        report_deadline=_report_deadline(
            env.get("OPSPULSE_REPORT_DEADLINE")
            or company_toml.get("delivery", {}).get("report_deadline", "07:00"),
            "OPSPULSE_REPORT_DEADLINE"
            if env.get("OPSPULSE_REPORT_DEADLINE")
            else f"{company_path} [delivery] report_deadline",
        ),
    )


def _positive_int(env: Mapping[str, str], variable: str, default: str) -> int:
    value = env.get(variable, default).strip()
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(f"{variable}={value!r}: expected a whole number of 1 or more")
    return int(value)


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server of ``OPSPULSE_SMTP_*``; the password is never part of its repr."""

    host: str
    port: int
    user: str | None
    password: str | None = field(repr=False)
    starttls: bool


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def smtp(env: Mapping[str, str] | None = None) -> SmtpSettings | None:
    """``OPSPULSE_SMTP_*`` as one mail server, or None when ``OPSPULSE_SMTP_HOST`` is unset."""
    env = os.environ if env is None else env
    host = env.get("OPSPULSE_SMTP_HOST", "").strip()
    if not host:
        return None
    flag = env.get("OPSPULSE_SMTP_STARTTLS", "true").strip().lower()
    if flag not in _TRUE + _FALSE:
        raise SettingsError(f"OPSPULSE_SMTP_STARTTLS={flag!r}: expected true or false")
    starttls = flag in _TRUE
    port = env.get("OPSPULSE_SMTP_PORT", "").strip() or ("587" if starttls else "25")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(f"OPSPULSE_SMTP_PORT={port!r}: expected a port number like 587")
    return SmtpSettings(
        host=host,
        port=int(port),
        user=env.get("OPSPULSE_SMTP_USER") or None,
        password=env.get("OPSPULSE_SMTP_PASSWORD") or None,
        starttls=starttls,
    )
