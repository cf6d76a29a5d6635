"""One `dbt build` of the real project over a small hand-made world, shared by the session.

The world is a build database whose ``raw.<source>`` tables are created from the source
contracts (contract columns plus the loader's ``_ds``, ``_file`` and ``_loaded_at``), filled
with five days of a tiny shop in the ``Europe/Berlin`` timezone (UTC+1 in November), so that
events shortly before midnight UTC land on the next company day. Expected values in the tests
are worked out by hand from the rows below.

dbt costs seconds to start, so it runs once per session: ``dbt seed`` + models + data tests +
unit tests in one ``dbt build``, then ``dbt docs generate --no-compile`` (the build compiled
everything already). Target and log paths live in the
session's temporary directory, never inside ``dbt_project/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from opspulse.sources import contracts

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DEMO_TARGETS_FILE = REPO_ROOT / "config" / "targets.csv"
TIMEZONE = "Europe/Berlin"
YEAR = 2026

EMAILS = ("alice@example.com", "bob@example.com", "carol@example.com")
SESSION_SALT = "session-salt-0123456789abcdef"
"""The email hash salt of the session's build (a home's comes from opspulse.hash_salt)."""
PHONES = ("+49 30 1234567", "+49 40 7654321")
SUBJECT = "Where is my parcel? Call me on +49 30 1234567 or alice@example.com"


def table(columns: str, *rows: tuple) -> list[dict]:
    """Rows of one source: the columns that matter (the rest are NULL), ``_ds`` last."""
    names = columns.split()
    return [dict(zip(names, row, strict=True)) for row in rows]


# Timestamps are "MM-DD HH:MM" (UTC) and dates "MM-DD", all in 2026; `_ds` is the landing day.
# fmt: off
WORLD: dict[str, list[dict]] = {
    "customers": table(
        "customer_id email     phone     country region signup_channel marketing_consent created_at    updated_at    _ds",
        # c1 moves region in the second export: staging keeps the latest version (north)
        ("c1",       EMAILS[0], PHONES[0], "DE",   "south", "organic",     True,             "10-20 08:00", "11-01 08:00", "11-01"),
        ("c1",       EMAILS[0], PHONES[0], "DE",   "north", "organic",     True,             "10-20 08:00", "11-02 09:00", "11-02"),
        ("c2",       EMAILS[1], PHONES[1], "AT",   "west",  "paid_search", False,            "11-01 11:00", "11-01 11:00", "11-01"),
        ("c3",       EMAILS[2], None,      "DE",   "east",  "social",      None,             "11-03 08:00", "11-03 08:00", "11-03"),
    ),
    "products": table(
        "product_id sku     product_name category  brand  supplier_id unit_cost list_price is_active launched_at   updated_at    _ds",
        # p1: repriced 10 -> 12 on 11-02 (a price change), delisted on 11-03 (not one)
        ("p1",      "SKU-1", "Mug",       "kitchen", "Acme", "s1",       "4.00",   "10.00",   True,     "10-01 09:00", "11-01 09:00", "11-01"),
        ("p1",      "SKU-1", "Mug",       "kitchen", "Acme", "s1",       "4.00",   "12.00",   True,     "10-01 09:00", "11-02 10:00", "11-02"),
        ("p1",      "SKU-1", "Mug",       "kitchen", "Acme", "s1",       "4.00",   "12.00",   False,    "10-01 09:00", "11-03 10:00", "11-03"),
        # p2: one version, re-delivered in the next export
        ("p2",      "SKU-2", "Lamp",      "home",    "Lux",  "s2",       "9.00",   "20.00",   True,     "10-01 09:00", "11-01 09:00", "11-01"),
        ("p2",      "SKU-2", "Lamp",      "home",    "Lux",  "s2",       "9.00",   "20.00",   True,     "10-01 09:00", "11-01 09:00", "11-02"),
        # p3: launched on 11-02 at 5 and repriced to 6 the same day (a price change)
        ("p3",      "SKU-3", "Book",      "books",   None,   "s1",       "2.00",   "5.00",    True,     "11-02 11:00", "11-02 11:00", "11-02"),
        ("p3",      "SKU-3", "Book",      "books",   None,   "s1",       "2.00",   "6.00",    True,     "11-02 11:00", "11-02 15:00", "11-02"),
    ),
    "orders": table(
        "order_id customer_id status      sales_channel session_id discount_amount promised_delivery_date ordered_at    shipped_at    delivered_at  cancelled_at  updated_at    _ds",
        # o1: three versions, delivered at 19:00 local on its promised day (on time)
        ("o1",    "c1",       "placed",    "web",         "s1",      "5.00",         "11-03",               "11-01 10:00", None,          None,          None,          "11-01 10:00", "11-01"),
        ("o1",    "c1",       "shipped",   "web",         "s1",      "5.00",         "11-03",               "11-01 10:00", "11-02 08:00", None,          None,          "11-02 08:00", "11-02"),
        ("o1",    "c1",       "delivered", "web",         "s1",      "5.00",         "11-03",               "11-01 10:00", "11-02 08:00", "11-03 18:00", None,          "11-03 18:00", "11-03"),
        # o2: cancelled the same day
        ("o2",    "c2",       "placed",    "app",         "s2",      "0.00",         None,                  "11-01 12:00", None,          None,          None,          "11-01 12:00", "11-01"),
        ("o2",    "c2",       "cancelled", "app",         "s2",      "0.00",         None,                  "11-01 12:00", None,          None,          "11-01 13:00", "11-01 13:00", "11-01"),
        # o3: placed 23:30 UTC on 11-02, i.e. 00:30 on 11-03 in Berlin
        ("o3",    "c1",       "placed",    "marketplace", None,      "2.00",         None,                  "11-02 23:30", None,          None,          None,          "11-02 23:30", "11-03"),
        # o4: unavailable: not valid, so it counts as cancelled (KPIS.md conventions)
        ("o4",    "c3",       "unavailable", "web",       "s4",      "0.00",         None,                  "11-03 09:00", None,          None,          None,          "11-03 09:30", "11-03"),
        # 11-04 has no orders at all
        ("o5",    "c3",       "placed",    "web",         "s5",      "1.00",         None,                  "11-05 10:00", None,          None,          None,          "11-05 10:00", "11-05"),
        ("o6",    "c2",       "placed",    "partner",     None,      "0.00",         None,                  "11-05 11:00", None,          None,          None,          "11-05 11:00", "11-05"),
    ),
    "order_items": table(
        "order_item_id order_id product_id quantity unit_price _ds",
        ("o1-1",       "o1",    "p1",      2,       "10.00",   "11-01"),
        ("o1-2",       "o1",    "p2",      1,       "20.00",   "11-01"),
        ("o1-2",       "o1",    "p2",      1,       "20.00",   "11-02"),  # re-delivered
        ("o2-1",       "o2",    "p2",      1,       "20.00",   "11-01"),
        ("o3-1",       "o3",    "p3",      3,       "6.00",    "11-03"),
        ("o4-1",       "o4",    "p2",      2,       "20.00",   "11-03"),
        ("o5-1",       "o5",    "p2",      1,       "19.50",   "11-05"),
        ("o6-1",       "o6",    "p1",      1,       "12.00",   "11-05"),
    ),
    "payments": table(
        "payment_id order_id payment_type payment_method amount  paid_at       _ds",
        ("pay1",    "o1",    "charge",    "card",        "35.00", "11-01 10:01", "11-01"),
        ("pay1",    "o1",    "charge",    "card",        "35.00", "11-01 10:01", "11-02"),  # re-delivered
        ("pay2",    "o2",    "charge",    "paypal",      "20.00", "11-01 12:01", "11-01"),
        ("pay3",    "o2",    "refund",    "paypal",      "20.00", "11-01 23:30", "11-02"),  # 11-02 local
        ("pay4",    "o3",    "charge",    "card",        "16.00", "11-02 23:31", "11-03"),  # 11-03 local
        ("pay5",    "o1",    "refund",    "card",        "10.00", "11-04 09:00", "11-04"),
        ("pay6",    "o5",    "charge",    "gift_card",   "18.50", "11-05 10:01", "11-05"),
        ("pay7",    "o6",    "charge",    "card",        "12.00", "11-05 11:01", "11-05"),
    ),
    "web_sessions": table(
        "session_id visitor_id customer_id device    traffic_channel landing_page page_views add_to_cart_events started_at    ended_at      _ds",
        ("s1",      "v1",      "c1",       "desktop", "organic",     "/",          5,         2,                 "11-01 09:50", "11-01 10:05", "11-01"),
        ("s2",      "v2",      "c2",       "mobile",  "paid_search", "/lamps",     3,         1,                 "11-01 11:50", "11-01 12:05", "11-01"),
        ("s3",      "v3",      None,       "mobile",  "social",      "/",          1,         0,                 "11-01 15:00", "11-01 15:01", "11-01"),
        ("s3",      "v3",      None,       "mobile",  "social",      "/",          1,         0,                 "11-01 15:00", "11-01 15:01", "11-02"),
        # 11-02 has no sessions at all
        ("s4",      "v4",      "c3",       "tablet",  "email",       "/lamps",     4,         1,                 "11-03 08:50", "11-03 09:01", "11-03"),
        ("s6",      "v6",      None,       "desktop", "direct",      "/mugs",      2,         1,                 "11-04 10:00", "11-04 10:10", "11-04"),
        ("s5",      "v4",      "c3",       "tablet",  "email",       "/lamps",     6,         1,                 "11-05 09:50", "11-05 10:02", "11-05"),
        ("s7",      "v7",      None,       "mobile",  "referral",    "/books",     2,         3,                 "11-05 14:00", "11-05 14:20", "11-05"),
    ),
    "support_tickets": table(
        "ticket_id customer_id order_id category  priority status     subject                           csat_score reopen_count opened_at     first_response_at resolved_at   updated_at    _ds",
        ("t1",     "c1",       "o1",    "delivery", "normal", "open",     SUBJECT,                          None,      0,           "11-02 10:00", None,             None,          "11-02 10:00", "11-02"),
        ("t1",     "c1",       "o1",    "delivery", "normal", "resolved", SUBJECT,                          4,         0,           "11-02 10:00", "11-02 10:30",    "11-03 09:00", "11-03 10:00", "11-03"),
        # t2: resolved 23:30 UTC on 11-02, i.e. on 11-03 local
        ("t2",     "c2",       "o2",    "refund",   "high",   "resolved", "Refund please, bob@example.com", 5,         1,           "11-01 13:00", "11-01 14:00",    "11-02 23:30", "11-02 23:30", "11-03"),
        ("t3",     "c3",       None,    "account",  "low",    "open",     "Cannot log in",                  None,      0,           "11-04 08:00", None,             None,          "11-04 08:00", "11-04"),
    ),
}
# fmt: on

LOADER_COLUMNS = (("_ds", "DATE"), ("_file", "VARCHAR"), ("_loaded_at", "TIMESTAMP"))


def _typed(value: object, type_: str) -> object:
    """A compact world value as the contract type (strings only; other values pass through)."""
    if not isinstance(value, str):
        return value
    if type_ == "TIMESTAMP":
        return datetime.fromisoformat(f"{YEAR}-{value}:00")
    if type_ == "DATE":
        return date.fromisoformat(f"{YEAR}-{value}")
    if type_.startswith("DECIMAL"):
        return Decimal(value)
    return value


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """``raw.<source>`` for every contract, as the loader lands it."""
    con.execute("create schema if not exists raw")
    for source in contracts.SOURCES:
        columns = [(c.name, c.type) for c in source.columns] + list(LOADER_COLUMNS)
        ddl = ", ".join(f'"{name}" {type_}' for name, type_ in columns)
        con.execute(f'create or replace table raw."{source.name}" ({ddl})')


def insert_world(con: duckdb.DuckDBPyConnection, world: dict[str, list[dict]]) -> None:
    for source_name, rows in world.items():
        source = contracts.get(source_name)
        types = {c.name: c.type for c in source.columns} | dict(LOADER_COLUMNS)
        unknown = {key for row in rows for key in row} - set(types)
        assert not unknown, f"{source_name}: columns not in the contract: {unknown}"
        placeholders = ", ".join("?" for _ in types)
        values = []
        for row in rows:
            landed = {"_file": f"{row['_ds']}/export", "_loaded_at": f"{row['_ds']} 23:55"}
            row = landed | row
            values.append([_typed(row.get(name), type_) for name, type_ in types.items()])
        con.executemany(f'insert into raw."{source_name}" values ({placeholders})', values)


@dataclass
class DbtRun:
    build_db: Path
    target_path: Path
    build_success: bool
    build_failures: list[str]
    docs_success: bool
    _con: duckdb.DuckDBPyConnection | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = duckdb.connect(str(self.build_db), read_only=True)
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def rows_by_date(self, relation: str) -> dict[date, dict]:
        cursor = self.con.execute(f"select * from {relation} order by report_date")
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def _invoke(args: list[str]):
    from dbt.cli.main import dbtRunner

    return dbtRunner().invoke(args)


def _release_build_db() -> None:
    """Close the DuckDB instance dbt-duckdb keeps open in this process after a run.

    Until it is closed, opening the same file with another configuration (read-only, here)
    fails with "Can't open a connection to same database file with a different configuration".
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
        DuckDBConnectionManager.close_all_connections()


def _failures(result) -> list[str]:
    if result.exception is not None:
        return [repr(result.exception)]
    return [
        f"{r.node.unique_id}: {r.status}: {r.message}"
        for r in (result.result or [])
        if str(r.status) in {"error", "fail", "runtime error"}
    ]


@pytest.fixture(scope="session")
def dbt_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DbtRun]:
    work = tmp_path_factory.mktemp("dbt")
    build_db = work / "build.duckdb"
    with duckdb.connect(str(build_db)) as con:
        create_raw_tables(con)
        insert_world(con, WORLD)

    common = [
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    env = {
        "OPSPULSE_BUILD_DB": str(build_db),
        "OPSPULSE_TIMEZONE": TIMEZONE,
        "OPSPULSE_DUCKDB_MEMORY_LIMIT": "1GB",
        "OPSPULSE_TARGETS_FILE": str(DEMO_TARGETS_FILE),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_ENV_SECRET_OPSPULSE_HASH_SALT": SESSION_SALT,
    }
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        build = _invoke(["build", *common, "--quiet"])
        docs = _invoke(["docs", "generate", "--no-compile", *common, "--quiet"])
        _release_build_db()

    run = DbtRun(
        build_db=build_db,
        target_path=work / "target",
        build_success=build.success,
        build_failures=_failures(build),
        docs_success=docs.success,
    )
    yield run
    run.close()


@pytest.fixture(scope="session")
def personal_data() -> list[str]:
    """Every personal value in the world; none may appear past staging."""
    return [*EMAILS, *PHONES, SUBJECT]


@pytest.fixture(scope="session")
def built(dbt_run: DbtRun) -> DbtRun:
    """The session's dbt run, failing fast with dbt's own messages when the build failed."""
    if not dbt_run.build_success:
        pytest.fail("dbt build failed:\n" + "\n".join(dbt_run.build_failures), pytrace=False)
    return dbt_run


@pytest.fixture(scope="session")
def build_kpi_targets(tmp_path_factory: pytest.TempPathFactory):
    """``dbt run --select kpi_targets`` into a database of its own, with ``targets_file``
    (OPSPULSE_TARGETS_FILE) set as given; returns the model's rows and column types."""

    def build(targets_file: str) -> tuple[list[tuple], list[tuple[str, str]]]:
        work = tmp_path_factory.mktemp("kpi_targets")
        build_db = work / "build.duckdb"
        env = {
            "OPSPULSE_BUILD_DB": str(build_db),
            "OPSPULSE_TARGETS_FILE": targets_file,
            "OPSPULSE_DUCKDB_MEMORY_LIMIT": "1GB",
            "DO_NOT_TRACK": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        args = ["run", "--select", "kpi_targets", "--quiet", "--project-dir", str(DBT_PROJECT_DIR)]
        args += ["--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(work / "target")]
        args += ["--log-path", str(work / "logs")]
        with pytest.MonkeyPatch.context() as mp:
            for key, value in env.items():
                mp.setenv(key, value)
            result = _invoke(args)
            _release_build_db()
        assert result.success, _failures(result)
        with duckdb.connect(str(build_db), read_only=True) as con:
            rows = con.execute("select * from company.kpi_targets order by all").fetchall()
            types = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'company' and table_name = 'kpi_targets' "
                "order by ordinal_position"
            ).fetchall()
        return rows, types

    return build


@pytest.fixture(scope="session")
def session_salt() -> str:
    return SESSION_SALT


@pytest.fixture(scope="session")
def emails() -> tuple[str, ...]:
    return EMAILS


@pytest.fixture(scope="session")
def build_customers(tmp_path_factory: pytest.TempPathFactory):
    """``dbt run --select stg_shop__customers`` over the world's customers into a database of
    its own, with the email hash salt given (None: unset); returns (success, rows, work dir)."""

    def build(salt: str | None):
        work = tmp_path_factory.mktemp("customers")
        build_db = work / "build.duckdb"
        with duckdb.connect(str(build_db)) as con:
            create_raw_tables(con)
            insert_world(con, {"customers": WORLD["customers"]})
        args = ["run", "--select", "stg_shop__customers", "--project-dir", str(DBT_PROJECT_DIR)]
        args += ["--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(work / "target")]
        args += ["--log-path", str(work / "logs")]
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("OPSPULSE_BUILD_DB", str(build_db))
            mp.setenv("OPSPULSE_DUCKDB_MEMORY_LIMIT", "1GB")
            mp.setenv("DO_NOT_TRACK", "1")
            if salt is None:
                mp.delenv("DBT_ENV_SECRET_OPSPULSE_HASH_SALT", raising=False)
            else:
                mp.setenv("DBT_ENV_SECRET_OPSPULSE_HASH_SALT", salt)
            result = _invoke(args)
            _release_build_db()
        rows = []
        if result.success:
            with duckdb.connect(str(build_db), read_only=True) as con:
                rows = con.execute(
                    "select customer_id, email_hash from staging.stg_shop__customers order by 1"
                ).fetchall()
        return result.success, rows, work

    return build
