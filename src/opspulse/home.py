"""A company's home (``OPSPULSE_HOME``): ``opspulse init`` sets it up, ``opspulse run``
checks it is set up.

:func:`init` is idempotent: it creates the folders, Airflow's metadata database, the
``opspulse_duckdb`` pool and the SMTP connection (:mod:`opspulse.airflow_setup`), and writes
the company's files into its config directory only where they do not exist yet, so a second
run changes nothing and never overwrites a file the company edited:

* ``company.toml``: ``[company]`` from the options, ``[sources]`` from the landing folders
  present (or a commented template when there are none yet);
* ``recipients.toml``: the data team and one entry per role, ``example.invalid`` addresses
  to replace;
* ``targets.csv``: the header of the company's KPI targets, no target.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from opspulse import catalogue, hash_salt, targets
from opspulse import settings as settings_mod
from opspulse.sources import contracts

SettingsError = settings_mod.SettingsError

HOME_DIRS = ("landing", "config", "airflow", "warehouse", "quarantine", "outbox", "reports")


class HomeNotReady(RuntimeError):
    """The home was not set up (or not completely); the message says what to run."""


@dataclass(frozen=True)
class Company:
    """The ``[company]`` table of ``company.toml``."""

    name: str = "My company"
    timezone: str = "UTC"
    currency: str = "USD"
    locale: str = "en_US"
    start_date: date | None = None
    """None: the first day with a landing folder, else 2000-01-01."""


def check_timezone(timezone: object, origin: str) -> str:
    """An IANA timezone name, else a :class:`SettingsError` naming ``origin``."""
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"{origin}: timezone {timezone!r} is not a timezone name like Europe/Lisbon"
        ) from None
    return str(timezone)


def validated(company: Company) -> Company:
    """``company`` with its currency and locale in the form settings reads (EUR, pt_BR), or
    a :class:`SettingsError` naming the option that is not a timezone, an ISO 4217 code or a
    locale (the same checks :func:`opspulse.settings.load` makes of the company file)."""
    from dataclasses import replace

    return replace(
        company,
        timezone=check_timezone(company.timezone, "opspulse init --timezone"),
        currency=settings_mod._currency(company.currency, "opspulse init --currency"),
        locale=settings_mod._locale(company.locale, "opspulse init --locale"),
    )


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def landing_sources(landing_dir: Path) -> list[str]:
    """The contract's sources with a folder in ``landing_dir``, in contract order."""
    return [s.name for s in contracts.SOURCES if (landing_dir / s.name).is_dir()]


def first_landing_day(landing_dir: Path) -> date | None:
    days = []
    for source in landing_sources(landing_dir):
        for child in (landing_dir / source).iterdir():
            try:
                days.append(date.fromisoformat(child.name))
            except ValueError:
                continue
    return min(days, default=None)


def company_toml(company: Company, landing_dir: Path) -> str:
    start = company.start_date or first_landing_day(landing_dir) or date(2000, 1, 1)
    present = landing_sources(landing_dir)
    lines = [
        "# This company's opspulse settings, written by `opspulse init` and read by",
        "# opspulse.settings; edit them here. Environment variables (OPSPULSE_TIMEZONE,",
        "# OPSPULSE_CURRENCY, OPSPULSE_LOCALE, OPSPULSE_START_DATE) win over this file.",
        "",
        "[company]",
        f"name = {_toml_str(company.name)}",
        "# The company's day: a run for 2018-03-05 processes 2018-03-05 in this timezone.",
        f"timezone = {_toml_str(company.timezone)}",
        "# ISO 4217 code and locale of every amount and number in the emails.",
        f"currency = {_toml_str(company.currency)}",
        f"locale = {_toml_str(company.locale)}",
        "# The first day `opspulse run` (the nightly DAG's start_date) may process.",
        f'start_date = "{start.isoformat()}"',
        "",
        "# [sources]: the sources the company delivers and how often:",
        '#   "daily"      a file every day (an empty file on a day with no events)',
        '#   "on_change"  a file only on days something changed (products, suppliers, ...)',
        '#   "absent"     not delivered: the roles that need it are not built, audited or emailed',
        "# Without this table every source with a landing folder is delivered (docs/sources.md).",
    ]
    if present:
        lines += ["# Filled in from the landing folders present when `opspulse init` ran.", ""]
        lines += ["[sources]"] + [f'{s} = "{contracts.get(s).cadence}"' for s in present]
        others = [s.name for s in contracts.SOURCES if s.name not in present]
        if others:
            lines.append("# Not delivered (no landing folder): " + ", ".join(others))
    else:
        lines += ["", "# [sources]", '# orders = "daily"', '# products = "on_change"']
    lines += [
        "",
        "# [thresholds] sets the business thresholds of the quality checks (see",
        '# docs/bring-your-own-data.md, "Thresholds").',
        "",
    ]
    return "\n".join(lines)


def recipients_toml() -> str:
    lines = [
        "# Who receives which opspulse email (read by opspulse.reports.recipients).",
        "#",
        "# REPLACE EVERY example.invalid ADDRESS with your own before the first run:",
        "# example.invalid never delivers. Every role the company gets needs at least one",
        "# address; a role it does not get (its sources are absent) may keep its entry.",
        "#",
        "# sender:      the From address of every email",
        '# [data_team]: receives the "reports withheld" alert when quality checks fail',
        "# [roles.X]:   receives role X's morning summary (roles as in the README)",
        "",
        'sender = "opspulse reports <reports@example.invalid>"',
        "",
        "[data_team]",
        'to = ["data-team@example.invalid"]',
    ]
    for role in catalogue.ROLES:
        lines += ["", f"# {role.title}", f"[roles.{role.name}]"]
        lines.append(f'to = ["{role.name.replace("_", "-")}@example.invalid"]')
    return "\n".join(lines) + "\n"


@dataclass
class InitReport:
    home: Path
    config_dir: Path
    files: dict[Path, str] = field(default_factory=dict)
    """Each config file and ``written`` or ``kept`` (it existed: not touched)."""
    database: str = ""
    pool: str = ""
    connection: str = ""
    connection_source: str = ""
    ignored_options: tuple[str, ...] = ()

    def describe(self) -> list[str]:
        cfg_files = [f"  {path}  ({what})" for path, what in self.files.items()]
        lines = [
            f"home: {self.home}",
            "  landing/   drop the company's files here: landing/<source>/<YYYY-MM-DD>/<file>",
            *cfg_files,
        ]
        if self.ignored_options:
            lines.append(
                f"  company.toml exists, so {', '.join(self.ignored_options)} changed nothing: "
                "edit the file instead"
            )
        lines += [
            f"Airflow metadata database {self.database}: {self.home / 'airflow' / 'airflow.db'}",
            f"pool opspulse_duckdb (1 slot): {self.pool}",
        ]
        if self.connection == "absent":
            lines.append(
                f"SMTP connection: NOT SET ({self.connection_source}); set OPSPULSE_SMTP_HOST "
                "(and _PORT, _USER, _PASSWORD, _STARTTLS) or AIRFLOW_CONN_OPSPULSE_SMTP and "
                "run opspulse init again"
            )
        elif self.connection == "kept":
            lines.append("SMTP connection: kept the one stored in Airflow's metadata database")
        else:
            lines.append(
                f"SMTP connection {self.connection} in Airflow's metadata database, "
                f"from {self.connection_source}"
            )
        lines += [
            "next:",
            f"  1. replace the example.invalid addresses in {self.config_dir / 'recipients.toml'}",
            f"  2. drop the company's files in {self.home / 'landing'}/<source>/<YYYY-MM-DD>/",
            f"  3. opspulse sources check {self.home / 'landing'}",
            "  4. opspulse run --ds <a day>   (or --start D1 --end D2; default yesterday)",
        ]
        return lines


def _write_once(path: Path, text: str, report: InitReport) -> None:
    if path.exists():
        report.files[path] = "kept"
        return
    path.write_text(text, encoding="utf-8")
    report.files[path] = "written"


def init(
    company: Company,
    *,
    given: tuple[str, ...] = (),
    env: Mapping[str, str] | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> InitReport:
    """Set up (or check again) the home of ``OPSPULSE_HOME`` for ``company``; ``given`` names
    the options the caller set (reported as ignored when company.toml exists)."""
    from opspulse import airflow_setup
    from opspulse.airflow_env import airflow_env, smtp_connection_from_env
    from opspulse.nightly import DUCKDB_POOL

    company = validated(company)
    env = dict(os.environ if env is None else env)
    if not env.get("OPSPULSE_HOME"):
        raise SettingsError(
            "set OPSPULSE_HOME to the company's own folder first (without it "
            "the home is the repository's var/, the demo company's)"
        )
    home = settings_mod.load(env).home
    for name in HOME_DIRS:
        (home / name).mkdir(parents=True, exist_ok=True)
    cfg = settings_mod.load(env)  # the config dir is now <home>/config, or OPSPULSE_CONFIG_DIR
    cfg.config_dir.mkdir(parents=True, exist_ok=True)
    report = InitReport(home=cfg.home, config_dir=cfg.config_dir)

    if cfg.company_file.exists():
        report.files[cfg.company_file] = "kept"
        report.ignored_options = given
    else:
        _write_once(cfg.company_file, company_toml(company, cfg.landing_dir), report)
    _write_once(cfg.recipients_file, recipients_toml(), report)
    _write_once(cfg.targets_file, ",".join(targets.HEADER) + "\n", report)
    cfg = settings_mod.load(env)
    check_company(cfg, env)
    if not env.get(hash_salt.SETTING):  # the home's own secret salt, 0600, never printed
        existed = cfg.hash_salt_file.exists()
        hash_salt.ensure(cfg, env)
        report.files[cfg.hash_salt_file] = "kept" if existed else "written"

    connection, report.connection_source = smtp_connection_from_env(cfg, env)
    progress("setting up Airflow's metadata database, the pool and the SMTP connection")
    done = airflow_setup.ensure(
        cfg, airflow_env(cfg, base=env), pool=DUCKDB_POOL, connection=connection
    )
    report.database, report.pool, report.connection = done.database, done.pool, done.connection
    return report


def check_company(cfg: settings_mod.Settings, env: Mapping[str, str] | None = None) -> None:
    """The company's timezone exists (:func:`opspulse.settings.load` has checked its currency,
    locale and start date); the error names the variable or the file and the setting."""
    env = os.environ if env is None else env
    origin = (
        "OPSPULSE_TIMEZONE"
        if env.get("OPSPULSE_TIMEZONE")
        else f"{cfg.company_file} [company] timezone"
    )
    check_timezone(cfg.timezone, origin)


def _airflow_db(cfg: settings_mod.Settings, env: Mapping[str, str]) -> Path | None:
    """The home's SQLite metadata database, or None when Airflow is pointed elsewhere."""
    url = env.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")
    default = cfg.airflow_home / "airflow.db"
    if url is None or url == f"sqlite:///{default}":
        return default
    return None


def check_ready(cfg: settings_mod.Settings, env: Mapping[str, str] | None = None) -> list[str]:
    """Raise :class:`HomeNotReady` unless ``opspulse init`` (or the demo) set this home up;
    return warnings that do not stop a run."""
    from opspulse.nightly import DUCKDB_POOL

    env = os.environ if env is None else env
    first = f"run opspulse init first (OPSPULSE_HOME={cfg.home})"
    db = _airflow_db(cfg, env)
    if db is not None:
        if not db.is_file():
            raise HomeNotReady(f"{cfg.home} is not set up: no Airflow metadata database; {first}")
        con = sqlite3.connect(f"file:{quote(str(db))}?mode=ro", uri=True)  # ? # % in a path
        try:
            pool = con.execute("select slots from slot_pool where pool = ?", [DUCKDB_POOL])
            slots = pool.fetchone()
            stored = con.execute(
                "select count(*) from connection where conn_id = ?", [cfg.smtp_conn_id]
            ).fetchone()[0]
        except sqlite3.Error as exc:
            raise HomeNotReady(f"{db} is not a usable Airflow database ({exc}); {first}") from None
        finally:
            con.close()
        if not slots or slots[0] < 1:
            raise HomeNotReady(f"{cfg.home}: Airflow has no pool {DUCKDB_POOL}; {first}")
        conn_var = f"AIRFLOW_CONN_{cfg.smtp_conn_id.upper()}"
        if not stored and not env.get(conn_var):
            raise HomeNotReady(
                f"{cfg.home}: no SMTP connection {cfg.smtp_conn_id!r}: set OPSPULSE_SMTP_HOST "
                f"(and _PORT, _USER, _PASSWORD, _STARTTLS) or {conn_var}, then run opspulse init"
            )
    if not cfg.company_file.is_file():
        raise HomeNotReady(f"no company settings ({cfg.company_file}); {first}")
    check_company(cfg, env)
    warnings = []
    if cfg.recipients_file.is_file() and "example.invalid" in cfg.recipients_file.read_text():
        warnings.append(
            f"{cfg.recipients_file} still has example.invalid addresses: those emails cannot "
            "be delivered"
        )
    return warnings
