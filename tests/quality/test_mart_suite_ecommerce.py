"""The payment mix suite: a clean day passes, planted defects fail."""

from __future__ import annotations

import pytest

from opspulse.quality import audit

BETWEEN = "expect_column_values_to_be_between"
ROWS = "unexpected_rows_expectation"
MIX = "marts.rpt_ecommerce__payment_mix"
MART = "rpt_ecommerce__payment_mix"

AMOUNTS = {"card": 600.0, "paypal": 300.0, "gift_card": 100.0}


@pytest.fixture
def payment_mix(marts_db, ds):
    def make(*defects: str):
        total = sum(AMOUNTS.values())
        rows = ", ".join(
            f"(date '{ds}', '{method}', {amount}, {amount / total})"
            for method, amount in AMOUNTS.items()
        )
        sql = [
            f"create table {MIX} (report_date date, payment_method varchar, "
            "payment_amount decimal(18, 2), pct_payment_value double)",
            f"insert into {MIX} values {rows}",
            *defects,
        ]
        return marts_db(sql=sql)

    return make


def _failed(report) -> dict[tuple[str, str | None], int | None]:
    return {(f.expectation, f.column): f.unexpected_count for f in report.failures}


def test_clean_day_passes(payment_mix, ds) -> None:
    report = audit("marts", db_path=payment_mix(), ds=ds, run_id="clean", tables=[MART])
    assert report.passed, report.summary()


def test_shares_that_do_not_add_up_fail(payment_mix, ds) -> None:
    path = payment_mix(f"update {MIX} set pct_payment_value = 0.9 where payment_method = 'card'")
    report = audit("marts", db_path=path, ds=ds, run_id="bad", tables=[MART])
    assert _failed(report) == {(ROWS, "pct_payment_value"): 1}, report.summary()


def test_negative_amount_fails(payment_mix, ds) -> None:
    path = payment_mix(f"update {MIX} set payment_amount = -1 where payment_method = 'paypal'")
    report = audit("marts", db_path=path, ds=ds, run_id="bad", tables=[MART])
    assert _failed(report) == {(BETWEEN, "payment_amount"): 1}, report.summary()


DAILY = "rpt_ecommerce__daily"


def test_clean_daily_row_passes(marts_db, ds) -> None:
    report = audit("marts", db_path=marts_db(), ds=ds, run_id="clean", tables=[DAILY])
    assert report.failures == [], report.summary()


@pytest.mark.parametrize(
    "defect",
    [
        # 12 placed, 10 valid, 1 cancelled and 1 unavailable: the old count left out the latter
        "cancelled_orders = 1, pct_cancelled = 1 / 12",
        "pct_cancelled = 0.5",
        "pct_cancelled = null",
    ],
)
def test_cancellations_that_do_not_add_up_to_placed_orders_fail(marts_db, ds, defect) -> None:
    path = marts_db(sql=[f"update marts.{DAILY} set {defect} where report_date = date '{ds}'"])
    report = audit("marts", db_path=path, ds=ds, run_id="bad", tables=[DAILY])
    assert not report.passed
    assert (ROWS, "cancelled_orders") in {
        (f.expectation, f.column) for f in report.critical_failures
    }, report.summary()


def test_a_day_without_payments_has_an_empty_mix_and_warns(payment_mix, ds) -> None:
    report = audit(
        "marts", db_path=payment_mix(f"delete from {MIX}"), ds=ds, run_id="odd", tables=[MART]
    )
    assert report.passed, report.summary()
    assert _failed(report) == {("expect_table_row_count_to_be_between", None): None}
