"""The gate: clean batches pass, known-bad batches fail exactly where they should."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from opspulse.quality import QualityGateFailed, audit, enforce, suites
from opspulse.sources import contracts

NOT_NULL = "expect_column_values_to_not_be_null"
IN_SET = "expect_column_values_to_be_in_set"
BETWEEN = "expect_column_values_to_be_between"
UNIQUE = "expect_column_values_to_be_unique"
COMPOUND_UNIQUE = "expect_compound_columns_to_be_unique"
PAIR = "expect_column_pair_values_a_to_be_greater_than_b"
ROWS = "unexpected_rows_expectation"

# source: (SQL that breaks a clean batch, {(expectation, column): unexpected count})
RAW_BAD_BATCHES = {
    "customers": (
        [
            "update raw.customers set country = null where customer_id = 'customer_id-3'",
            "update raw.customers set signup_channel = 'pigeon' where customer_id = 'customer_id-4'",
            "update raw.customers set created_at = null where customer_id = 'customer_id-5'",
            "update raw.customers set customer_id = 'customer_id-1' "
            "where customer_id = 'customer_id-2'",
        ],
        {  # country is optional and signup_channel an open list: neither fails
            (NOT_NULL, "created_at"): 1,
            (COMPOUND_UNIQUE, "customer_id,_ds"): 2,
        },
    ),
    "products": (
        [
            "update raw.products set category = 'weapons' where product_id = 'product_id-1'",
            "update raw.products set list_price = -1 where product_id = 'product_id-2'",
            "update raw.products set updated_at = timestamp '{ds}' + interval 3 day "
            "where product_id = 'product_id-3'",
            "update raw.products set unit_cost = -0.0001 where product_id = 'product_id-4'",
            "update raw.products set unit_cost = null, sku = null, product_name = null "
            "where product_id = 'product_id-5'",
        ],
        {(BETWEEN, "list_price"): 1, (BETWEEN, "updated_at"): 1, (BETWEEN, "unit_cost"): 1},
    ),
    "orders": (
        [
            "update raw.orders set customer_id = null where order_id = 'order_id-1'",
            "update raw.orders set status = 'lost' where order_id = 'order_id-2'",
        ],
        {(NOT_NULL, "customer_id"): 1, (IN_SET, "status"): 1},
    ),
    "order_items": (
        [
            "update raw.order_items set quantity = 0 where order_item_id = 'order_item_id-1'",
            "update raw.order_items set order_item_id = 'order_item_id-2' "
            "where order_item_id = 'order_item_id-3'",
        ],
        {(BETWEEN, "quantity"): 1, (UNIQUE, "order_item_id"): 2},
    ),
    "payments": (
        [
            "update raw.payments set amount = -5 where payment_id = 'payment_id-1'",
            "update raw.payments set payment_type = 'chargeback' where payment_id = 'payment_id-2'",
        ],
        {(BETWEEN, "amount"): 1, (IN_SET, "payment_type"): 1},
    ),
    "web_sessions": (
        [
            "update raw.web_sessions set page_views = 0 where session_id = 'session_id-1'",
            "update raw.web_sessions set device = 'fridge' where session_id = 'session_id-2'",
            "update raw.web_sessions set ended_at = started_at - interval 1 minute "
            "where session_id = 'session_id-3'",
        ],
        {(BETWEEN, "page_views"): 1, (PAIR, "ended_at,started_at"): 1},
    ),
    "support_tickets": (
        [
            "update raw.support_tickets set csat_score = 6 where ticket_id = 'ticket_id-1'",
            "update raw.support_tickets set status = null where ticket_id = 'ticket_id-2'",
            "update raw.support_tickets set resolved_at = opened_at - interval 1 hour "
            "where ticket_id = 'ticket_id-3'",
        ],
        {
            (BETWEEN, "csat_score"): 1,
            (NOT_NULL, "status"): 1,
            (PAIR, "resolved_at,opened_at"): 1,
        },
    ),
}

RPT_ECOMMERCE = "marts.rpt_ecommerce__daily"
RPT_USERS = "marts.rpt_users__daily"
# case: (mart, SQL that breaks a clean day, {(expectation, column): unexpected count})
MART_BAD_DAYS = {
    "ratio above one": (
        "rpt_ecommerce__daily",
        [f"update {RPT_ECOMMERCE} set pct_cancelled = 1.2 where report_date = '{{ds}}'"],
        # and no longer cancelled_orders / placed_orders
        {(BETWEEN, "pct_cancelled"): 1, (ROWS, "cancelled_orders"): 1},
    ),
    "reconciliation off by 10": (
        "rpt_ecommerce__daily",
        [f"update {RPT_ECOMMERCE} set net_sales = net_sales + 10 where report_date = '{{ds}}'"],
        {(ROWS, "net_sales"): 1},
    ),
    "more valid than placed orders": (
        "rpt_ecommerce__daily",
        [f"update {RPT_ECOMMERCE} set valid_orders = 13 where report_date = '{{ds}}'"],
        # valid_orders was 10 on every earlier day: also an anomaly (a warning); and valid +
        # cancelled orders no longer add up to placed orders
        {
            (PAIR, "placed_orders,valid_orders"): 1,
            (ROWS, "valid_orders"): 1,
            (ROWS, "cancelled_orders"): 1,
        },
    ),
    "two rows for the day": (
        "rpt_ecommerce__daily",
        [f"insert into {RPT_ECOMMERCE} select * from {RPT_ECOMMERCE} where report_date = '{{ds}}'"],
        {("expect_table_row_count_to_equal", None): None},
    ),
    "no row for the day": (
        "rpt_users__daily",
        [f"delete from {RPT_USERS} where report_date = '{{ds}}'"],
        {("expect_table_row_count_to_equal", None): None},
    ),
    "repeat rate above one": (
        "rpt_users__daily",
        [f"update {RPT_USERS} set pct_repeat_purchase = 1.5 where report_date = '{{ds}}'"],
        {(BETWEEN, "pct_repeat_purchase"): 1, (ROWS, "pct_repeat_purchase"): 1},
    ),
    "csat above five": (
        "rpt_users__daily",
        [f"update {RPT_USERS} set avg_csat_score = 6 where report_date = '{{ds}}'"],
        {(BETWEEN, "avg_csat_score"): 1, (ROWS, "avg_csat_score"): 1},
    ),
    "fct_orders missing": (
        "rpt_ecommerce__daily",
        ["drop table marts.fct_orders"],
        {(ROWS, "net_sales"): None},
    ),
}


def _failed(report) -> dict[tuple[str, str | None], int | None]:
    return {(f.expectation, f.column): f.unexpected_count for f in report.failures}


@pytest.mark.parametrize("source", [s.name for s in contracts.SOURCES])
def test_clean_raw_batch_passes(build_db, ds, source: str) -> None:
    path = build_db([source])
    report = audit("raw", db_path=path, ds=ds, run_id="clean", tables=[source])
    assert report.passed, report.summary()
    assert report.failures == []
    assert report.evaluated == report.passed_count > 5


GROWTH_BAD_BATCHES = {
    "campaigns": (
        [
            "update raw.campaigns set channel = 'billboard' where campaign_id = 'campaign_id-1'",
            "update raw.campaigns set budget = null where campaign_id = 'campaign_id-2'",
            "update raw.campaigns set status = 'paused' where campaign_id = 'campaign_id-3'",
        ],
        {(NOT_NULL, "budget"): 1, (IN_SET, "status"): 1},
    ),
    "ad_spend": (
        [
            "update raw.ad_spend set clicks = null where ad_spend_id = 'ad_spend_id-1'",
            "update raw.ad_spend set ad_spend_id = 'ad_spend_id-2' "
            "where ad_spend_id = 'ad_spend_id-3'",
        ],
        {(NOT_NULL, "clicks"): 1, (UNIQUE, "ad_spend_id"): 2},
    ),
    "social_posts": (
        [
            "update raw.social_posts set platform = 'myspace' where post_id = 'post_id-1'",
            "update raw.social_posts set likes = null where post_id = 'post_id-2'",
        ],
        {(NOT_NULL, "likes"): 1},
    ),
    "social_followers": (
        ["update raw.social_followers set followers = null where snapshot_id = 'snapshot_id-1'"],
        {(NOT_NULL, "followers"): 1},
    ),
    "livestreams": (
        [
            "update raw.livestreams set featured_category = 'weapons' "
            "where livestream_id = 'livestream_id-1'",
            "update raw.livestreams set ended_at = timestamp '{ds}' + interval 3 day "
            "where livestream_id = 'livestream_id-2'",
        ],
        {(BETWEEN, "ended_at"): 1},
    ),
    "sales_reps": (
        [
            "update raw.sales_reps set region = 'mars' where sales_rep_id = 'sales_rep_id-1'",
            "update raw.sales_reps set hired_date = null where sales_rep_id = 'sales_rep_id-2'",
        ],
        {(NOT_NULL, "hired_date"): 1},
    ),
    "partners": (
        ["update raw.partners set partner_id = 'partner_id-1' where partner_id = 'partner_id-2'"],
        {(COMPOUND_UNIQUE, "partner_id,_ds"): 2},
    ),
    "sales_targets": (
        [
            "update raw.sales_targets set target_level = 'galaxy' where target_id = 'target_id-1'",
            "update raw.sales_targets set net_sales_target = null where target_id = 'target_id-2'",
        ],
        {(IN_SET, "target_level"): 1, (NOT_NULL, "net_sales_target"): 1},
    ),
    "web_events": (
        [
            "update raw.web_events set event_type = 'teleport' where event_id = 'event_id-1'",
            "update raw.web_events set session_id = null where event_id = 'event_id-2'",
        ],
        {(IN_SET, "event_type"): 1, (NOT_NULL, "session_id"): 1},
    ),
    "content_items": (
        [
            "update raw.content_items set topic = 'weapons' where content_id = 'content_id-1'",
            "update raw.content_items set published_at = null where content_id = 'content_id-2'",
        ],
        {(NOT_NULL, "published_at"): 1},
    ),
    "content_views": (
        ["update raw.content_views set view_id = 'view_id-1' where view_id = 'view_id-2'"],
        {(UNIQUE, "view_id"): 2},
    ),
    "experiments": (
        ["update raw.experiments set status = 'abandoned' where experiment_id = 'experiment_id-1'"],
        {(IN_SET, "status"): 1},
    ),
    "gl_entries": (
        [
            "update raw.gl_entries set account = 'opex:travel' where entry_id = 'entry_id-1'",
            "update raw.gl_entries set account = 'salaries' where entry_id = 'entry_id-2'",
            "update raw.gl_entries set department = null where entry_id = 'entry_id-3'",
            "update raw.gl_entries set amount = null where entry_id = 'entry_id-4'",
        ],
        {(ROWS, "account"): 1, (NOT_NULL, "amount"): 1},  # any opex:<category> is fine
    ),
    "experiment_assignments": (
        [
            "update raw.experiment_assignments set variant = 'treatment_b' "
            "where assignment_id = 'assignment_id-1'"
        ],
        {(IN_SET, "variant"): 1},
    ),
}


def generic_bad_batch(source: contracts.Source) -> tuple[list[str], dict]:
    """A known-bad batch derived from the contract: a NULL in a required column, a value
    outside the accepted values and a repeated key, each caught with its exact count."""
    key = source.key[0]
    statements, expected = [], {}
    required = [
        c.name
        for c in source.columns
        if not c.nullable and c.name not in source.key and c.name != source.updated_at
    ]
    if required:
        statements.append(
            f"update raw.{source.name} set {required[0]} = null where {key} = '{key}-1'"
        )
        expected[(NOT_NULL, required[0])] = 1
    enums = [c.name for c in source.columns if c.accepted_values and c.name not in source.key]
    if enums:
        statements.append(
            f"update raw.{source.name} set {enums[0]} = 'not-a-valid-value' where {key} = '{key}-2'"
        )
        expected[(IN_SET, enums[0])] = 1
    statements.append(f"update raw.{source.name} set {key} = '{key}-4' where {key} = '{key}-5'")
    unique = (COMPOUND_UNIQUE, f"{key},_ds") if source.updated_at else (UNIQUE, key)
    expected[unique] = 2
    return statements, expected


RAW_BAD_BATCHES.update(GROWTH_BAD_BATCHES)
RAW_BAD_BATCHES.update(
    {s.name: generic_bad_batch(s) for s in contracts.SOURCES if s.name not in RAW_BAD_BATCHES}
)


@pytest.mark.parametrize("source", list(RAW_BAD_BATCHES))
def test_bad_raw_batch_fails_exactly(build_db, ds, source: str) -> None:
    statements, expected = RAW_BAD_BATCHES[source]
    path = build_db([source], sql=[s.format(ds=ds) for s in statements])
    report = audit("raw", db_path=path, ds=ds, run_id="bad", tables=[source])
    assert _failed(report) == expected, report.summary()
    assert not report.passed
    assert all(f.severity == "critical" for f in report.failures)


OPEN_OR_OPTIONAL = {
    "products": [
        "update raw.products set category = 'garden furniture', unit_cost = null, sku = null, "
        "product_name = null, brand = null, supplier_id = null"
    ],
    "shipments": [
        "update raw.shipments set carrier = 'la_poste' where shipment_id = 'shipment_id-1'",
        "update raw.shipments set carrier = null where shipment_id <> 'shipment_id-1'",
    ],
    "reviews": ["update raw.reviews set product_id = null"],
    "partners": [
        "update raw.partners set sales_rep_id = null, region = 'mena', partner_type = 'platform'"
    ],
    "returns": ["update raw.returns set reason = 'arrived_late_and_broken'"],
    "web_sessions": [
        "update raw.web_sessions set device = 'smart_tv', traffic_channel = 'affiliate', "
        "landing_page = null"
    ],
    "payments": ["update raw.payments set payment_method = 'klarna'"],
    "orders": ["update raw.orders set sales_channel = 'wholesale'"],
    "support_tickets": [
        "update raw.support_tickets set category = 'warranty', priority = null, customer_id = null"
    ],
}
"""A company's own vocabulary, and optional columns it leaves empty, per source."""


@pytest.mark.parametrize("source", sorted(OPEN_OR_OPTIONAL))
def test_open_values_and_empty_optional_columns_pass(build_db, ds, source: str) -> None:
    path = build_db([source], sql=OPEN_OR_OPTIONAL[source])
    report = audit("raw", db_path=path, ds=ds, run_id="open", tables=[source])
    assert report.failures == [], report.summary()
    assert report.passed


def test_every_raw_suite_has_a_bad_batch() -> None:
    assert set(RAW_BAD_BATCHES) == {s.name for s in contracts.SOURCES}


def test_schema_drift_fails(build_db, ds) -> None:
    path = build_db(["payments"], sql=["alter table raw.payments add column surprise integer"])
    report = audit("raw", db_path=path, ds=ds, run_id="drift", tables=["payments"])
    assert _failed(report) == {("expect_table_columns_to_match_set", None): None}
    (failure,) = report.failures
    assert "surprise" in failure.observed


def test_change_records_may_repeat_a_key_across_days(build_db, ds) -> None:
    days = [ds - timedelta(days=1), ds]
    path = build_db(["orders", "payments"], days=days)
    report = audit("raw", db_path=path, ds=ds, run_id="multi", days=days)
    # orders are change records: the same order_id on two export days is fine
    assert not [f for f in report.failures if f.table_name == "raw.orders"]
    # payments are append-only: the same payment_id in two partitions is a duplicate
    payments = _failed(report)
    assert payments[(UNIQUE, "payment_id")] == 40


def test_only_the_audited_partitions_are_checked(build_db, ds) -> None:
    yesterday = ds - timedelta(days=1)
    path = build_db(
        ["orders"],
        days=[yesterday, ds],
        sql=[f"update raw.orders set status = 'lost' where _ds = '{yesterday}'"],
    )
    assert audit("raw", db_path=path, ds=ds, run_id="today", tables=["orders"]).passed
    assert not audit(
        "raw", db_path=path, ds=ds, run_id="both", tables=["orders"], days=[yesterday, ds]
    ).passed


def test_warnings_do_not_fail_the_gate(build_db, ds) -> None:
    path = build_db(["orders"])  # no raw.web_sessions etc.; nothing loaded for tomorrow
    report = audit("raw", db_path=path, ds=ds, run_id="warn", days=[ds + timedelta(days=1)])
    assert report.passed, report.summary()
    assert report.failures
    assert {f.severity for f in report.failures} == {"warning"}
    assert ("expect_table_row_count_to_be_between", None) in _failed(report)
    missing = {f.table_name for f in report.failures if f.expectation == "expect_table_to_exist"}
    assert missing == {f"raw.{s.name}" for s in contracts.SOURCES} - {"raw.orders"}
    assert enforce(report) is report


@pytest.mark.parametrize("mart", ["rpt_ecommerce__daily", "rpt_users__daily"])
def test_clean_mart_day_passes(marts_db, ds, mart: str) -> None:
    report = audit("marts", db_path=marts_db(), ds=ds, run_id="clean", tables=[mart])
    assert report.passed, report.summary()
    assert report.failures == []


@pytest.mark.parametrize("case", list(MART_BAD_DAYS))
def test_bad_mart_day_fails_exactly(marts_db, ds, case: str) -> None:
    mart, statements, expected = MART_BAD_DAYS[case]
    path = marts_db(sql=[s.format(ds=ds) for s in statements])
    report = audit("marts", db_path=path, ds=ds, run_id="bad", tables=[mart])
    assert _failed(report) == expected, report.summary()
    assert not report.passed


def test_reconciliation_reports_both_sides(marts_db, ds) -> None:
    path = marts_db(
        sql=[f"update {RPT_ECOMMERCE} set net_sales = net_sales + 10 where report_date = '{ds}'"]
    )
    report = audit("marts", db_path=path, ds=ds, run_id="r", tables=["rpt_ecommerce__daily"])
    (failure,) = report.failures
    assert "1070" in failure.observed and "1060" in failure.observed


def test_kpi_spike_is_a_warning_only(marts_db, ds) -> None:
    path = marts_db(
        sql=[
            f"update {RPT_ECOMMERCE} set net_sales = 5000, gmv = 5200, avg_order_value = 500 "
            f"where report_date = '{ds}'",
            "update marts.fct_orders set net_sales = 500 where is_valid",
        ]
    )
    report = audit("marts", db_path=path, ds=ds, run_id="spike", tables=["rpt_ecommerce__daily"])
    assert _failed(report) == {(ROWS, "net_sales"): 1, (ROWS, "avg_order_value"): 1}
    assert report.passed
    assert {f.severity for f in report.failures} == {"warning"}


def test_no_anomaly_verdict_without_enough_history(marts_db, ds) -> None:
    path = marts_db(
        history_days=5,
        sql=[
            f"update {RPT_ECOMMERCE} set net_sales = 5000, gmv = 5200, avg_order_value = 500 "
            f"where report_date = '{ds}'",
            "update marts.fct_orders set net_sales = 500 where is_valid",
        ],
    )
    report = audit("marts", db_path=path, ds=ds, run_id="young", tables=["rpt_ecommerce__daily"])
    assert report.failures == []


def test_missing_mart_is_critical(build_db, ds) -> None:
    path = build_db(["orders"])
    report = audit("marts", db_path=path, ds=ds, run_id="nomarts")
    assert not report.passed
    assert {(f.table_name, f.expectation, f.severity) for f in report.failures} == {
        (spec.table, "expect_table_to_exist", "critical")
        for spec in suites.suite_specs("marts").values()
    }
    assert (RPT_ECOMMERCE, "expect_table_to_exist", "critical") in {
        (f.table_name, f.expectation, f.severity) for f in report.failures
    }


def _stored(path: Path, where: str = "true") -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(
            "select run_id, ds, layer, suite, table_name, expectation_type, column_name, "
            "severity, rule, success, unexpected_count, evaluated_at "
            f"from quality.results where {where} order by all"
        ).fetchall()


def test_every_result_is_stored(build_db, ds) -> None:
    statements, _ = RAW_BAD_BATCHES["orders"]
    path = build_db(sql=statements)
    report = audit("raw", db_path=path, ds=ds, run_id="run-1")

    rows = _stored(path)
    assert len(rows) == report.evaluated
    assert sum(not r[9] for r in rows) == len(report.failures) == 2
    assert {r[2] for r in rows} == {"raw"}
    assert {r[3] for r in rows} == {f"raw.{s.name}" for s in contracts.SOURCES}
    assert all(r[0] == "run-1" and r[1] == ds and r[7] and r[8] for r in rows)
    (null_row,) = _stored(
        path,
        f"suite = 'raw.orders' and expectation_type = '{NOT_NULL}' and column_name = 'customer_id'",
    )
    assert null_row[9] is False and null_row[10] == 1


def test_reaudit_replaces_the_suites_rows(build_db, ds) -> None:
    path = build_db()
    first = audit("raw", db_path=path, ds=ds, run_id="run-1")
    audit("raw", db_path=path, ds=ds, run_id="run-1", tables=["orders"])
    rows = _stored(path)
    assert len(rows) == first.evaluated
    stamps = {r[11] for r in rows if r[3] == "raw.orders"} - {
        r[11] for r in rows if r[3] != "raw.orders"
    }
    assert stamps, "the orders suite's rows were rewritten"

    audit("raw", db_path=path, ds=ds, run_id="run-2", tables=["orders"])
    assert len(_stored(path)) > first.evaluated
    audit("marts", db_path=path, ds=ds, run_id="run-1")  # another layer, same run
    assert len(_stored(path, "run_id = 'run-1' and layer = 'raw'")) == first.evaluated


def test_enforce_raises_with_a_summary_naming_the_failed_checks(build_db, ds) -> None:
    statements, _ = RAW_BAD_BATCHES["payments"]
    path = build_db(["payments"], sql=statements)
    report = audit("raw", db_path=path, ds=ds, run_id="run-x", tables=["payments"])

    with pytest.raises(QualityGateFailed) as raised:
        enforce(report)
    assert raised.value.report is report
    message = str(raised.value)
    assert "FAILED" in message and "run-x" in message
    assert "raw.payments.amount" in message and "payment amounts are positive" in message
    assert "raw.payments.payment_type" in message and '"chargeback"' in message
    assert len(report.summary().splitlines()) == 1 + len(report.failures)


def test_unknown_table_is_refused(build_db, ds) -> None:
    path = build_db(["orders"])
    with pytest.raises(ValueError, match="no suite"):
        audit("raw", db_path=path, ds=ds, run_id="r", tables=["orders; drop table raw.orders"])


def test_days_are_calendar_days(build_db, ds) -> None:
    path = build_db(["orders"])
    midnight = datetime(ds.year, ds.month, ds.day, tzinfo=UTC)
    report = audit("raw", db_path=path, ds=midnight, run_id="r", tables=["orders"])
    assert report.passed and report.ds == ds
    with pytest.raises(ValueError):
        audit("raw", db_path=path, ds=ds, run_id="r", days=["2026-11-27'; drop table x; --"])


IMPOSSIBLE_DATES = {
    "ordered at 0001-01-01": (
        "orders",
        "update raw.orders set ordered_at = timestamp '0001-01-01' where order_id = 'order_id-3'",
        "no date or timestamp before 1970-01-01",
        ['"order_id": "order_id-3"', '"ordered_at": "0001-01-01'],
    ),
    "promised 2999-01-01": (
        "orders",
        "update raw.orders set promised_delivery_date = date '2999-01-01' "
        "where order_id = 'order_id-4'",
        "a delivery is promised within a year of the order",
        ['"order_id": "order_id-4"', '"promised_delivery_date": "2999-01-01"'],
    ),
    "shipment promised in 3000": (
        "shipments",
        "update raw.shipments set promised_delivery_date = date '3000-01-01' "
        "where shipment_id = 'shipment_id-5'",
        "a delivery is promised within a year of the shipment",
        ['"shipment_id": "shipment_id-5"', '"promised_delivery_date": "3000-01-01"'],
    ),
    "a date in year 1": (
        "sales_reps",
        "update raw.sales_reps set hired_date = date '0001-01-01' "
        "where sales_rep_id = 'sales_rep_id-6'",
        "no date or timestamp before 1970-01-01",
        ['"sales_rep_id": "sales_rep_id-6"', '"hired_date": "0001-01-01"'],
    ),
}


@pytest.mark.parametrize("case", list(IMPOSSIBLE_DATES))
def test_impossible_dates_fail_the_raw_gate_with_the_row_shown(build_db, ds, case: str) -> None:
    source, statement, rule, shown = IMPOSSIBLE_DATES[case]
    path = build_db([source], sql=[statement])
    report = audit("raw", db_path=path, ds=ds, run_id="dates", tables=[source])

    # an order placed in year 1 also breaks its promise window: every failure is critical
    assert {f.severity for f in report.failures} == {"critical"}, report.summary()
    (failure,) = [f for f in report.failures if rule in f.rule]
    assert failure.expectation == ROWS
    assert failure.unexpected_count == 1
    assert rule in failure.rule
    assert all(text in failure.observed for text in shown), failure.observed
    with pytest.raises(QualityGateFailed, match=rule):
        enforce(report)


def test_a_promise_within_the_limit_passes_and_the_limit_is_the_companys(
    build_db, ds, tmp_path, monkeypatch
) -> None:
    promise = "update raw.orders set promised_delivery_date = (ordered_at + interval 366 day)::date"
    path = build_db(["orders"], sql=[promise])
    assert audit("raw", db_path=path, ds=ds, run_id="p", tables=["orders"]).passed

    config = tmp_path / "config"
    config.mkdir()
    (config / "company.toml").write_text("[thresholds]\nmax_promised_delivery_days = 30\n")
    monkeypatch.setenv("OPSPULSE_CONFIG_DIR", str(config))
    report = audit("raw", db_path=path, ds=ds, run_id="p30", tables=["orders"])
    assert _failed(report) == {(ROWS, "promised_delivery_date,ordered_at"): 20}
    assert "30 days" in report.failures[0].rule
