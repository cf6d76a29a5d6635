"""The suites are derived from the contracts and every expectation says why it matters."""

from __future__ import annotations

import pytest

from opspulse.quality import suites, thresholds
from opspulse.sources import contracts


def _all_specs():
    return [*suites.suite_specs("raw").values(), *suites.suite_specs("marts").values()]


def _kwargs_of(suite, expectation_type: str) -> list[dict]:
    return [
        e.configuration.kwargs for e in suite.expectations if e.expectation_type == expectation_type
    ]


def test_one_suite_per_source_and_report_mart() -> None:
    assert set(suites.suite_specs("raw")) == {s.name for s in contracts.SOURCES}
    marts = set(suites.suite_specs("marts"))
    assert {"rpt_ecommerce__daily", "rpt_users__daily"} <= marts
    assert all(name.startswith("rpt_") for name in marts)


def test_suites_are_built_once() -> None:
    assert suites.suite_specs("raw") is suites.suite_specs("raw")


@pytest.mark.parametrize("spec", _all_specs(), ids=lambda s: s.name)
def test_every_expectation_has_a_severity_and_a_rule(spec) -> None:
    for expectation in spec.suite.expectations:
        meta = expectation.meta or {}
        assert meta.get("severity") in ("critical", "warning"), expectation
        assert meta.get("rule"), expectation


@pytest.mark.parametrize("source", contracts.SOURCES, ids=lambda s: s.name)
def test_raw_suite_follows_the_contract(source: contracts.Source) -> None:
    suite = suites.suite_specs("raw")[source.name].suite

    (columns,) = [
        e for e in suite.expectations if e.expectation_type == "expect_table_columns_to_match_set"
    ]
    assert set(columns.column_set) == {*source.column_names, "_ds", "_file", "_loaded_at"}
    assert columns.exact_match is True

    not_null = {k["column"] for k in _kwargs_of(suite, "expect_column_values_to_not_be_null")}
    assert not_null == set(source.required_columns)

    in_set = {
        k["column"]: tuple(k["value_set"])
        for k in _kwargs_of(suite, "expect_column_values_to_be_in_set")
    }
    assert in_set == {c.name: c.accepted_values for c in source.columns if c.accepted_values}

    timestamps = {c.name for c in source.columns if c.type == "TIMESTAMP"}
    future = {
        k["column"]
        for k in _kwargs_of(suite, "expect_column_values_to_be_between")
        if k.get("max_value") == {"$PARAMETER": "latest_allowed_timestamp"}
    }
    assert future == timestamps


OPEN_COLUMNS = {
    "products": ("category",),
    "shipments": ("carrier",),
    "returns": ("reason",),
    "web_sessions": ("device", "traffic_channel"),
    "payments": ("payment_method",),
    "orders": ("sales_channel",),
    "customers": ("signup_channel",),
    "support_tickets": ("category",),
    "sales_reps": ("region",),
    "partners": ("region", "partner_type"),
}
CLOSED_COLUMNS = {
    "orders": ("status",),
    "payments": ("payment_type",),
    "support_tickets": ("priority", "status"),
    "shipments": ("status",),
    "web_events": ("event_type",),
}
OPTIONAL_COLUMNS = {
    "products": ("sku", "product_name", "unit_cost", "category", "brand", "supplier_id"),
    "reviews": ("product_id",),
    "shipments": ("carrier",),
    "partners": ("sales_rep_id",),
    "support_tickets": ("customer_id", "category", "priority"),
}


def test_open_vocabularies_are_examples_and_closed_ones_are_checked() -> None:
    raw = suites.suite_specs("raw")
    for source, columns in OPEN_COLUMNS.items():
        checked = {
            k["column"] for k in _kwargs_of(raw[source].suite, "expect_column_values_to_be_in_set")
        }
        for column in columns:
            spec = contracts.get(source).column(column)
            assert spec.example_values and not spec.accepted_values, (source, column)
            assert column not in checked, (source, column)
    for source, columns in CLOSED_COLUMNS.items():
        in_set = {
            k["column"]: tuple(k["value_set"])
            for k in _kwargs_of(raw[source].suite, "expect_column_values_to_be_in_set")
        }
        for column in columns:
            assert in_set[column] == contracts.get(source).column(column).accepted_values
    assert contracts.get("orders").column("status").accepted_values == (
        "placed",
        "shipped",
        "delivered",
        "cancelled",
        "unavailable",
        "returned",
    )


def test_only_keys_and_defining_values_are_required() -> None:
    for source, columns in OPTIONAL_COLUMNS.items():
        not_null = {
            k["column"]
            for k in _kwargs_of(
                suites.suite_specs("raw")[source].suite, "expect_column_values_to_not_be_null"
            )
        }
        assert not_null.isdisjoint(columns), source
    assert {"order_id", "customer_id", "rating", "reviewed_at"} <= set(
        contracts.get("reviews").required_columns
    )


def test_money_is_an_exact_decimal_wide_enough_for_sub_cent_prices() -> None:
    money = {
        (s.name, c.name): c.type
        for s in contracts.SOURCES
        for c in s.columns
        if "DECIMAL" in c.type
    }
    assert money[("order_items", "unit_price")] == "DECIMAL(18,4)"
    assert set(money.values()) == {"DECIMAL(18,4)"}


def test_a_column_is_open_or_closed_not_both() -> None:
    with pytest.raises(ValueError, match="not both"):
        contracts.Column("x", "VARCHAR", "x", accepted_values=("a",), example_values=("b",))


@pytest.mark.parametrize("source", contracts.SOURCES, ids=lambda s: s.name)
def test_key_is_unique_per_export_day_for_change_records(source: contracts.Source) -> None:
    suite = suites.suite_specs("raw")[source.name].suite
    compound = _kwargs_of(suite, "expect_compound_columns_to_be_unique")
    single = _kwargs_of(suite, "expect_column_values_to_be_unique")
    if source.updated_at:
        assert compound == [{"column_list": [*source.key, "_ds"]}]
    else:
        assert single == [{"column": source.key[0]}]


def test_a_new_source_gets_a_suite_from_its_contract() -> None:
    source = contracts.Source(
        name="returns",
        area="commerce",
        format="csv",
        description="test",
        key=("return_id",),
        columns=(
            contracts.Column("return_id", "VARCHAR", "id", nullable=False),
            contracts.Column("reason", "VARCHAR", "why", accepted_values=("damaged", "other")),
            contracts.Column("returned_at", "TIMESTAMP", "when", nullable=False),
        ),
    )
    suite = suites.build_raw_suite(source)
    types = sorted(e.expectation_type for e in suite.expectations)
    assert types == sorted(
        [
            "expect_table_row_count_to_be_between",
            "expect_table_columns_to_match_set",
            "expect_column_values_to_not_be_null",
            "expect_column_values_to_not_be_null",
            "expect_column_values_to_be_unique",
            "expect_column_values_to_be_in_set",
            "expect_column_values_to_be_between",
            "unexpected_rows_expectation",
        ]
    )


@pytest.mark.parametrize("source", contracts.SOURCES, ids=lambda s: s.name)
def test_every_date_and_timestamp_has_a_critical_floor(source: contracts.Source) -> None:
    from opspulse.sources.model import EARLIEST_DATE

    suite = suites.suite_specs("raw")[source.name].suite
    temporal = [c.name for c in source.columns if c.type in ("TIMESTAMP", "DATE")]
    floors = [e for e in suite.expectations if f"before {EARLIEST_DATE}" in e.meta["rule"]]
    if not temporal:
        assert floors == []
        return
    (floor,) = floors
    assert floor.meta["severity"] == "critical"
    assert floor.meta["column"].split(",") == temporal
    for column in temporal:
        assert f"{column} < date '1970-01-01'" in floor.unexpected_rows_query


def test_promise_windows_are_critical_limits_named_in_thresholds() -> None:
    for name, windows in suites.RAW_WINDOWS.items():
        columns = contracts.get(name).column_names
        for w in windows:
            assert {w.later, w.earlier} <= set(columns), name
            assert w.limit in thresholds.NAMES
            assert (
                "critical"
                in thresholds.Thresholds.__dataclass_fields__[w.limit].metadata["description"]
            )
    orders = suites.suite_specs("raw")["orders"].suite
    (window,) = [
        e for e in orders.expectations if e.meta.get("threshold") == "max_promised_delivery_days"
    ]
    assert window.meta["severity"] == "critical"
    assert "+ 366" in window.unexpected_rows_query


def test_mart_suites_cover_trend_and_attainment_columns() -> None:
    ecommerce = suites.suite_specs("marts")["rpt_ecommerce__daily"].suite
    users = suites.suite_specs("marts")["rpt_users__daily"].suite
    ratio_columns = {
        k["column"]
        for suite in (ecommerce, users)
        for k in _kwargs_of(suite, "expect_column_values_to_be_between")
        if k.get("max_value") == 1
    }
    assert {
        "pct_cancelled",
        "pct_cart_abandonment",
        "pct_cart_abandonment_prev_day",
        "pct_cart_abandonment_7d_avg",
        "pct_cart_abandonment_target",
        "pct_refund_30d",
        "pct_repeat_purchase",
        "pct_repeat_purchase_7d_avg",
        "pct_churn",
    } <= ratio_columns
    assert not {c for c in ratio_columns if c.endswith("_of_target")}

    checked = {
        k.get("column")
        for suite in (ecommerce, users)
        for k in _kwargs_of(suite, "expect_column_values_to_be_between")
    }
    assert "pct_repeat_purchase_of_target" in checked
    assert "pct_net_sales_of_target" in checked
    assert "pct_cart_abandonment_of_target" not in checked


def test_mart_anomaly_checks_are_warnings_on_headline_kpis() -> None:
    for name, mart in suites.mart_specs().items():
        suite = suites.suite_specs("marts")[name].suite
        anomalies = [
            e.meta["column"]
            for e in suite.expectations
            if e.expectation_type == "unexpected_rows_expectation"
            and "standard deviations of its trailing" in e.meta["rule"]
        ]
        assert anomalies == list(mart.headline)
        assert all(
            e.meta["severity"] == "warning"
            for e in suite.expectations
            if "standard deviations of its trailing" in e.meta["rule"]
        )


def test_per_source_extras_name_contract_columns() -> None:
    for name, ranges in suites.RAW_RANGES.items():
        columns = contracts.get(name).column_names
        assert {r.column for r in ranges} <= set(columns), name
    for name, pairs in suites.RAW_ORDERED_PAIRS.items():
        columns = contracts.get(name).column_names
        assert {c for p in pairs for c in (p.later, p.earlier)} <= set(columns), name


def test_every_mart_an_email_reads_has_a_suite() -> None:
    from opspulse.reports.roles import ROLES

    specs = suites.mart_specs()
    missing = [m for role in ROLES.values() for m in role.marts if m.split(".", 1)[1] not in specs]
    assert not missing, f"marts read by an email without a quality suite: {missing}"


DEFINITIONAL_BOUNDS = {None, -1, 0, 1, 5, 10, 20}
"""Bounds a value cannot cross by definition: fractions, 1-5 ratings and scores, top-10 and
top-20 ranks, a difference of two rates; anything else is a company threshold."""


@pytest.mark.parametrize("spec", _all_specs(), ids=lambda s: s.name)
def test_critical_ranges_hold_only_impossible_values(spec) -> None:
    """An unusual value is a warning with a threshold; a critical range is a definition."""
    for e in spec.suite.expectations:
        if e.expectation_type != "expect_column_values_to_be_between":
            continue
        kwargs = e.configuration.kwargs
        # a run-time parameter (the raw "not in the future" check) is not a business bound
        bounds = {
            b for b in (kwargs.get("min_value"), kwargs.get("max_value")) if not isinstance(b, dict)
        }
        if e.meta["severity"] == "critical":
            assert bounds <= DEFINITIONAL_BOUNDS, (kwargs, e.meta["rule"])
        else:
            assert e.meta.get("threshold") in thresholds.NAMES, e.meta
