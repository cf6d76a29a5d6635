"""The dbt project built over the hand-made world of conftest.py.

Expected values are worked out by hand from conftest.WORLD (Europe/Berlin, UTC+1):
o3 is placed at 23:30 UTC on 11-02, so it belongs to 11-03; the o2 refund is paid at 23:30 UTC on
11-01, so it belongs to 11-02; 11-02 has no orders and no sessions, 11-04 no orders.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from opspulse.sources import contracts

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DEMO_TARGETS_FILE = DBT_PROJECT_DIR.parent / "config" / "targets.csv"
LOADER_COLUMNS = [("_ds", "date"), ("_file", "varchar"), ("_loaded_at", "timestamp")]

D = Decimal
NOV = {n: date(2026, 11, n) for n in range(1, 6)}

ECOMMERCE_COLUMNS = [
    "report_date",
    "gmv",
    "discount_amount",
    "net_sales",
    "placed_orders",
    "valid_orders",
    "cancelled_orders",
    "pct_cancelled",
    "avg_order_value",
    "items_per_order",
    "sessions_with_cart",
    "abandoned_cart_sessions",
    "pct_cart_abandonment",
    "refund_amount",
    "pct_refund_30d",
    "active_listings",
    "price_changes",
    "net_sales_prev_day",
    "net_sales_7d_avg",
    "net_sales_target",
    "pct_net_sales_of_target",
    "valid_orders_prev_day",
    "valid_orders_7d_avg",
    "valid_orders_target",
    "pct_valid_orders_of_target",
    "avg_order_value_prev_day",
    "avg_order_value_7d_avg",
    "avg_order_value_target",
    "pct_avg_order_value_of_target",
    "pct_cart_abandonment_prev_day",
    "pct_cart_abandonment_7d_avg",
    "pct_cart_abandonment_target",
    "pct_cart_abandonment_of_target",
]
USERS_COLUMNS = [
    "report_date",
    "new_customers",
    "active_customers",
    "customers_with_order",
    "repeat_customers",
    "pct_repeat_purchase",
    "churned_customers",
    "pct_churn",
    "avg_customer_lifetime_value",
    "tickets_opened",
    "tickets_resolved",
    "avg_csat_score",
    "new_customers_prev_day",
    "new_customers_7d_avg",
    "new_customers_target",
    "pct_new_customers_of_target",
    "active_customers_prev_day",
    "active_customers_7d_avg",
    "active_customers_target",
    "pct_active_customers_of_target",
    "pct_repeat_purchase_prev_day",
    "pct_repeat_purchase_7d_avg",
    "pct_repeat_purchase_target",
    "pct_repeat_purchase_of_target",
    "avg_csat_score_prev_day",
    "avg_csat_score_7d_avg",
    "avg_csat_score_target",
    "pct_avg_csat_score_of_target",
]
PAYMENT_MIX_COLUMNS = ["report_date", "payment_method", "payment_amount", "pct_payment_value"]


def _columns(run, relation: str) -> list[str]:
    schema, table = relation.split(".")
    rows = run.query(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    )
    return [name for (name,) in rows]


def _assert_row(actual: dict, expected: dict) -> None:
    for column, value in expected.items():
        got = actual[column]
        if isinstance(value, float):
            assert got == pytest.approx(value), f"{actual['report_date']} {column}"
        else:
            assert got == value, f"{actual['report_date']} {column}: {got!r} != {value!r}"


def test_dbt_build_succeeds(dbt_run):
    assert dbt_run.build_success, "\n".join(dbt_run.build_failures)


def test_dbt_docs_generate_succeeds(built):
    assert built.docs_success
    catalog = json.loads((built.target_path / "catalog.json").read_text())
    assert "model.opspulse.rpt_ecommerce__daily" in catalog["nodes"]


@pytest.mark.parametrize(
    ("relation", "columns"),
    [
        ("marts.rpt_ecommerce__daily", ECOMMERCE_COLUMNS),
        ("marts.rpt_users__daily", USERS_COLUMNS),
        ("marts.rpt_ecommerce__payment_mix", PAYMENT_MIX_COLUMNS),
    ],
)
def test_report_marts_have_the_agreed_columns(built, relation: str, columns: list[str]):
    assert _columns(built, relation) == columns


def _manifest(built) -> dict:
    return json.loads((built.target_path / "manifest.json").read_text())


def test_report_marts_are_contracted_with_every_column_described(built):
    reports = [n for n in _manifest(built)["nodes"].values() if n["name"].startswith("rpt_")]
    assert {"rpt_ecommerce__daily", "rpt_ecommerce__payment_mix", "rpt_users__daily"} <= {
        n["name"] for n in reports
    }
    for node in reports:
        assert node["config"]["materialized"] in ("table", "incremental"), node["name"]
        assert node["config"]["contract"]["enforced"] is True, node["name"]
        for column in node["columns"].values():
            assert column["data_type"], f"{node['name']}.{column['name']}"


def test_every_model_and_every_column_is_described(built):
    """Every model has a description, and so has every column it really has (catalog)."""
    manifest = _manifest(built)
    catalog = json.loads((built.target_path / "catalog.json").read_text())
    missing = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        if not node["description"].strip():
            missing.append(node["name"])
        described = {c for c, v in node["columns"].items() if v["description"].strip()}
        actual = {c.lower() for c in catalog["nodes"].get(unique_id, {}).get("columns", {})}
        missing += [f"{node['name']}.{c}" for c in sorted(actual - described)]
    assert not missing, f"{len(missing)} undescribed: {missing[:40]}"


def test_every_role_email_is_an_exposure_naming_the_marts_it_reads(built):
    from opspulse.reports.roles import ROLES

    exposures = {e["name"]: e for e in _manifest(built)["exposures"].values()}
    for role in ROLES.values():
        exposure = exposures.get(f"{role.name}_morning_email")
        assert exposure is not None, f"no exposure {role.name}_morning_email"
        reads = {n.rsplit(".", 1)[-1] for n in exposure["depends_on"]["nodes"]}
        wanted = {m.split(".", 1)[1] for m in role.marts}
        assert wanted <= reads, f"{role.name}: the exposure misses {wanted - reads}"
        assert exposure["owner"]["email"], role.name


def test_report_marts_have_one_row_per_day_of_the_spine(built):
    spine = [d for (d,) in built.query("select date_day from marts.dim_dates order by 1")]
    assert spine == list(NOV.values())
    for relation in ("marts.rpt_ecommerce__daily", "marts.rpt_users__daily"):
        assert list(built.rows_by_date(relation)) == spine


def test_ecommerce_daily_values(built):
    rows = built.rows_by_date("marts.rpt_ecommerce__daily")
    expected = {
        NOV[1]: dict(
            gmv=D("60.00"),
            discount_amount=D("5.00"),
            net_sales=D("35.00"),
            placed_orders=2,
            valid_orders=1,
            cancelled_orders=1,
            pct_cancelled=0.5,
            avg_order_value=35.0,
            items_per_order=3.0,
            sessions_with_cart=2,
            abandoned_cart_sessions=0,
            pct_cart_abandonment=0.0,
            refund_amount=D("0.00"),
            pct_refund_30d=0.0,
            active_listings=2,
            price_changes=0,
        ),
        NOV[2]: dict(
            gmv=D("0.00"),
            net_sales=D("0.00"),
            placed_orders=0,
            sessions_with_cart=0,
            refund_amount=D("20.00"),
            pct_refund_30d=20 / 35,
            active_listings=3,
            price_changes=2,
        ),
        NOV[3]: dict(
            gmv=D("58.00"),
            discount_amount=D("2.00"),
            net_sales=D("16.00"),
            placed_orders=2,
            valid_orders=1,
            # o4 is unavailable: valid + cancelled = placed
            cancelled_orders=1,
            pct_cancelled=0.5,
            avg_order_value=16.0,
            items_per_order=3.0,
            sessions_with_cart=1,
            abandoned_cart_sessions=0,
            pct_cart_abandonment=0.0,
            refund_amount=D("0.00"),
            pct_refund_30d=20 / 51,
            active_listings=2,
            price_changes=0,
        ),
        NOV[4]: dict(
            net_sales=D("0.00"),
            placed_orders=0,
            sessions_with_cart=1,
            abandoned_cart_sessions=1,
            pct_cart_abandonment=1.0,
            refund_amount=D("10.00"),
            pct_refund_30d=30 / 51,
            active_listings=2,
        ),
        NOV[5]: dict(
            gmv=D("31.50"),
            discount_amount=D("1.00"),
            net_sales=D("30.50"),
            placed_orders=2,
            valid_orders=2,
            cancelled_orders=0,
            avg_order_value=15.25,
            items_per_order=1.0,
            sessions_with_cart=2,
            abandoned_cart_sessions=1,
            pct_cart_abandonment=0.5,
            pct_refund_30d=30 / 81.5,
            active_listings=2,
        ),
    }
    for day, values in expected.items():
        _assert_row(rows[day], values)


@pytest.mark.parametrize("day", [NOV[2], NOV[4]])
def test_a_day_without_orders_has_zero_counts_and_null_ratios(built, day: date):
    row = built.rows_by_date("marts.rpt_ecommerce__daily")[day]
    assert (row["placed_orders"], row["valid_orders"], row["cancelled_orders"]) == (0, 0, 0)
    assert (row["gmv"], row["discount_amount"], row["net_sales"]) == (0, 0, 0)
    assert row["pct_cancelled"] is None
    assert row["avg_order_value"] is None
    assert row["items_per_order"] is None
    assert row["pct_avg_order_value_of_target"] is None


def test_ecommerce_trend_columns(built):
    rows = built.rows_by_date("marts.rpt_ecommerce__daily")
    assert rows[NOV[1]]["net_sales_prev_day"] is None
    assert [rows[d]["net_sales_prev_day"] for d in list(NOV.values())[1:]] == [
        D("35.00"),
        D("0.00"),
        D("16.00"),
        D("0.00"),
    ]
    assert rows[NOV[5]]["net_sales_7d_avg"] == pytest.approx(81.5 / 5)
    target = _demo_target("ecommerce", "net_sales")
    assert rows[NOV[5]]["net_sales_target"] == target
    assert rows[NOV[5]]["pct_net_sales_of_target"] == pytest.approx(30.5 / target)
    assert rows[NOV[2]]["pct_cart_abandonment"] is None
    assert rows[NOV[3]]["pct_cart_abandonment_prev_day"] is None
    assert rows[NOV[3]]["pct_cart_abandonment_7d_avg"] == pytest.approx(0.0)
    assert rows[NOV[5]]["pct_cart_abandonment_7d_avg"] == pytest.approx(1.5 / 4)


def test_payment_mix_is_charges_only(built):
    rows = built.query(
        "select report_date, payment_method, payment_amount, pct_payment_value "
        "from marts.rpt_ecommerce__payment_mix order by 1, 2"
    )
    by_key = {(d, m): (amount, pct) for d, m, amount, pct in rows}
    assert len(rows) == 5 * 3
    assert by_key[(NOV[1], "card")] == (D("35.00"), pytest.approx(35 / 55))
    assert by_key[(NOV[1], "paypal")] == (D("20.00"), pytest.approx(20 / 55))
    assert by_key[(NOV[2], "paypal")] == (D("0.00"), None)  # a refund day, no charges
    assert by_key[(NOV[3], "card")] == (D("16.00"), 1.0)  # 23:31 UTC on 11-02 is 11-03 local


def test_users_daily_values(built):
    rows = built.rows_by_date("marts.rpt_users__daily")
    expected = {
        NOV[1]: dict(
            new_customers=1,
            active_customers=1,
            customers_with_order=1,
            repeat_customers=0,
            pct_repeat_purchase=0.0,
            churned_customers=0,
            pct_churn=None,
            avg_customer_lifetime_value=35.0,
            tickets_opened=1,
            tickets_resolved=0,
            avg_csat_score=None,
        ),
        NOV[2]: dict(
            new_customers=0,
            active_customers=1,
            customers_with_order=1,
            repeat_customers=0,
            tickets_opened=1,
            tickets_resolved=0,
        ),
        NOV[3]: dict(
            new_customers=0,
            active_customers=1,
            customers_with_order=1,
            repeat_customers=1,
            pct_repeat_purchase=1.0,
            avg_customer_lifetime_value=51.0,
            tickets_opened=0,
            tickets_resolved=2,
            avg_csat_score=4.5,
        ),
        NOV[4]: dict(new_customers=0, tickets_opened=1, tickets_resolved=0, avg_csat_score=None),
        NOV[5]: dict(
            new_customers=2,
            active_customers=3,
            customers_with_order=3,
            repeat_customers=1,
            pct_repeat_purchase=1 / 3,
            churned_customers=0,
            pct_churn=None,
            avg_customer_lifetime_value=81.5 / 3,
        ),
    }
    for day, values in expected.items():
        _assert_row(rows[day], values)
    assert rows[NOV[5]]["new_customers_prev_day"] == 0
    assert rows[NOV[5]]["new_customers_7d_avg"] == pytest.approx(3 / 5)
    assert rows[NOV[5]]["pct_new_customers_of_target"] == pytest.approx(
        2 / _demo_target("users", "new_customers")
    )


def test_core_facts(built):
    orders = {
        r[0]: r[1:]
        for r in built.query(
            "select order_id, ordered_date, status, is_valid, is_cancelled, net_sales, "
            "is_delivered_on_time, refund_amount from marts.fct_orders"
        )
    }
    assert orders["o1"] == (NOV[1], "delivered", True, False, D("35.00"), True, D("10.00"))
    assert orders["o2"] == (NOV[1], "cancelled", False, True, D("0.00"), None, D("20.00"))
    assert orders["o3"][0] == NOV[3]
    assert orders["o4"][1:5] == ("unavailable", False, False, D("0.00"))
    customers = {
        r[0]: r[1:]
        for r in built.query(
            "select customer_id, region, has_marketing_consent, first_valid_order_date, "
            "lifetime_valid_orders from marts.dim_customers"
        )
    }
    assert customers == {
        "c1": ("north", True, NOV[1], 2),
        "c2": ("west", False, NOV[5], 1),
        "c3": ("east", False, NOV[5], 1),
    }


@pytest.mark.parametrize(
    ("relation", "rows"),
    [
        ("staging.stg_shop__customers", 3),
        ("staging.stg_shop__products", 3),
        ("staging.stg_shop__product_versions", 6),
        ("staging.stg_shop__orders", 6),
        ("staging.stg_shop__order_items", 7),
        ("staging.stg_shop__payments", 7),
        ("staging.stg_web__sessions", 7),
        ("staging.stg_service__support_tickets", 3),
    ],
)
def test_staging_keeps_one_row_per_key(built, relation: str, rows: int):
    assert built.query(f"select count(*) from {relation}") == [(rows,)]


def test_no_personal_data_past_staging(built, personal_data: list[str]):
    tables = built.query(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema not in ('raw', 'staging') and table_catalog = current_database()"
    )
    assert {schema for schema, _ in tables} >= {"intermediate", "marts"}
    secrets = personal_data
    for schema, table in tables:
        relation = f'"{schema}"."{table}"'
        columns = built.query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        )
        names = {name for name, _ in columns}
        assert not names & {"email", "email_hash", "phone", "subject"}, relation
        for name, data_type in columns:
            if data_type != "VARCHAR":
                continue
            leaks = built.query(
                f'select "{name}" from {relation} where "{name}" in ({", ".join("?" * len(secrets))}) '
                f"""or "{name}" like '%@%'""",
                secrets,
            )
            assert not leaks, f"{relation}.{name} holds personal data"


def test_staging_hashes_email_and_drops_phone_and_subject(built):
    assert "email" not in _columns(built, "staging.stg_shop__customers")
    assert "phone" not in _columns(built, "staging.stg_shop__customers")
    assert "subject" not in _columns(built, "staging.stg_service__support_tickets")
    hashes = built.query("select email_hash from staging.stg_shop__customers order by customer_id")
    assert all(len(h) == 64 and "@" not in h for (h,) in hashes)


def test_sources_yaml_matches_the_contracts():
    from opspulse.sources import dbt_sources

    assert (DBT_PROJECT_DIR / "models/staging/_sources.yml").read_text() == dbt_sources.render()
    spec = yaml.safe_load((DBT_PROJECT_DIR / "models/staging/_sources.yml").read_text())
    declared = {
        table["name"]: [(c["name"], c["data_type"]) for c in table["columns"]]
        for source in spec["sources"]
        for table in source["tables"]
    }
    expected = {
        s.name: [(c.name, c.type.lower()) for c in s.columns] + LOADER_COLUMNS
        for s in contracts.SOURCES
    }
    assert declared == expected
    for source in spec["sources"]:
        assert source["schema"] == "raw"
        assert source["config"]["loaded_at_field"] == "_loaded_at"


def _demo_target(role: str, kpi: str) -> float:
    """A daily target of the demo company's targets file, which the session's build reads."""
    import csv

    with DEMO_TARGETS_FILE.open() as fh:
        for row in csv.DictReader(fh):
            if (row["role"], row["kpi"]) == (role, kpi):
                return float(row["target"])
    raise KeyError((role, kpi))


TARGET_TYPES = [
    ("role", "VARCHAR"),
    ("kpi", "VARCHAR"),
    ("period", "VARCHAR"),
    ("target", "DOUBLE"),
]


def test_kpi_targets_are_the_company_file(built):
    import csv

    with DEMO_TARGETS_FILE.open() as fh:
        expected = sorted(
            (r["role"], r["kpi"], r["period"], float(r["target"])) for r in csv.DictReader(fh)
        )
    assert built.query("select * from company.kpi_targets order by all") == expected
    assert len(expected) == 55


def test_kpi_targets_path_is_quoted_and_no_file_means_no_targets(build_kpi_targets, tmp_path):
    folder = tmp_path / "o'brien's \\config"
    folder.mkdir()
    path = folder / "targets.csv"
    path.write_text("role,kpi,period,target\nsales,net_sales,daily,1250.5\n")
    assert build_kpi_targets(str(path)) == ([("sales", "net_sales", "daily", 1250.5)], TARGET_TYPES)
    assert build_kpi_targets("") == ([], TARGET_TYPES)


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def test_email_hashes_are_salted_per_home(build_customers, emails):
    salt_a, salt_b = "home-a-salt-0123456789", "home-b-salt-9876543210"
    ok, first, _ = build_customers(salt_a)
    assert ok
    ok, again, _ = build_customers(salt_a)
    ok_b, other, _ = build_customers(salt_b)
    assert ok_b
    assert first == again  # same salt, same hashes
    assert [h for _, h in first] != [h for _, h in other]  # another home, other hashes
    assert all(a != b for (_, a), (_, b) in zip(first, other, strict=True))
    by_id = dict(first)
    assert by_id["c1"] == _sha256(f"{salt_a}|{emails[0]}")
    assert {by_id["c1"], by_id["c2"]}.isdisjoint({_sha256(e) for e in emails})


def test_without_a_salt_the_build_fails_rather_than_hash_unsalted(build_customers):
    ok, rows, work = build_customers(None)
    assert not ok
    log = (work / "logs" / "dbt.log").read_text()
    assert "no email hash salt" in log


def test_the_build_holds_no_unsalted_hash_and_no_salt(built, emails, session_salt):
    unsalted = [
        digest
        for email in emails
        for variant in (email, email.upper(), f" {email} ")
        for digest in (_sha256(variant), _sha256(variant.strip().lower()))
    ]
    columns = built.query(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and table_catalog = current_database()"
    )
    assert ("staging", "stg_shop__customers", "email_hash") in columns
    for schema, table, column in columns:
        found = built.query(
            f'select count(*) from "{schema}"."{table}" '
            f'where "{column}" in ({", ".join("?" * len(unsalted))})',
            unsalted,
        )
        assert found == [(0,)], f"{schema}.{table}.{column} holds an unsalted email hash"
    definitions = built.query("select sql from duckdb_views() where not internal")
    assert not [sql for (sql,) in definitions if session_salt in (sql or "")]
    for path in built.target_path.rglob("*"):
        if path.is_file():
            assert session_salt not in path.read_text(errors="replace"), path
    for path in (built.target_path.parent / "logs").rglob("*"):
        if path.is_file():
            assert session_salt not in path.read_text(errors="replace"), path
