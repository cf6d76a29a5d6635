"""The user operations breakdown marts' suites: a clean day passes, planted defects fail."""

from __future__ import annotations

import pytest

from opspulse.quality import audit

BETWEEN = "expect_column_values_to_be_between"
PAIR = "expect_column_pair_values_a_to_be_greater_than_b"
ROWS = "unexpected_rows_expectation"
ROW_COUNT = "expect_table_row_count_to_be_between"

COHORTS = "marts.rpt_users__cohort_retention"
RFM = "marts.rpt_users__rfm_segments"

# the audited day's cohorts: (month, customers, retained in months 1, 2, 3, 6)
COHORT_ROWS = (
    ("2026-08-01", 400, 120, 130, 110, None),
    ("2026-09-01", 900, 240, 210, None, None),
    ("2026-10-01", 800, 150, None, None, None),
    ("2026-11-01", 600, None, None, None, None),
)
# segment: (rank, customers, revenue); customers sum to rpt_users__daily.customers_with_order
RFM_ROWS = {
    "champions": (1, 170, 39000.0),
    "loyal": (2, 70, 14000.0),
    "new": (3, 210, 16000.0),
    "potential loyalists": (4, 140, 11000.0),
    "at risk": (5, 60, 10500.0),
    "hibernating": (6, 190, 14000.0),
    "others": (7, 160, 12000.0),
}


def _cohort_sql(ds) -> list[str]:
    months = (1, 2, 3, 6)
    columns = ", ".join(
        f"month_{m}_customers bigint, pct_retained_month_{m} double" for m in months
    )
    statements = [
        f"create table {COHORTS} (report_date date, cohort_month date, cohort_label varchar, "
        f"cohort_customers bigint, {columns})"
    ]
    for month, size, *retained in COHORT_ROWS:
        values = ", ".join(f"{n or 0}, {'null' if n is None else n / size}" for n in retained)
        statements.append(
            f"insert into {COHORTS} values "
            f"(date '{ds}', date '{month}', '{month[:7]}', {size}, {values})"
        )
    return statements


def _rfm_sql(ds) -> list[str]:
    total = sum(customers for _, customers, _ in RFM_ROWS.values())
    statements = [
        f"create table {RFM} (report_date date, segment varchar, segment_rank integer, "
        "customers bigint, pct_customers double, revenue decimal(18, 2), "
        "avg_recency_days double, avg_frequency double, avg_monetary double, "
        "avg_recency_score double, avg_frequency_score double, avg_monetary_score double)"
    ]
    for segment, (rank, customers, revenue) in RFM_ROWS.items():
        statements.append(
            f"insert into {RFM} values (date '{ds}', '{segment}', {rank}, {customers}, "
            f"{customers / total}, {revenue}, {rank * 10.0}, 1.5, {revenue / customers}, "
            f"{5 - rank / 2}, 3.0, 2.5)"
        )
    return statements


def _failed(report) -> dict[tuple[str, str | None], int | None]:
    return {(f.expectation, f.column): f.unexpected_count for f in report.failures}


@pytest.fixture
def users_marts(marts_db, ds):
    def make(*defects: str):
        sql = _cohort_sql(ds) + _rfm_sql(ds) + [d.format(ds=ds) for d in defects]
        return marts_db(sql=sql)

    return make


@pytest.mark.parametrize("mart", ["rpt_users__cohort_retention", "rpt_users__rfm_segments"])
def test_clean_day_passes(users_marts, ds, mart: str) -> None:
    report = audit("marts", db_path=users_marts(), ds=ds, run_id="clean", tables=[mart])
    assert report.passed, report.summary()
    assert report.evaluated > 10


BAD_DAYS = {
    "more retained than the cohort": (
        "rpt_users__cohort_retention",
        [
            f"update {COHORTS} set month_1_customers = 1000, pct_retained_month_1 = 2.5 "
            "where cohort_month = date '2026-08-01'"
        ],
        {(PAIR, "cohort_customers,month_1_customers"): 1, (BETWEEN, "pct_retained_month_1"): 1},
    ),
    "negative cohort": (
        "rpt_users__cohort_retention",
        [f"update {COHORTS} set cohort_customers = -1 where cohort_month = date '2026-11-01'"],
        {
            (BETWEEN, "cohort_customers"): 1,
            # nobody retained yet (0) is more than -1 customers
            **{(PAIR, f"cohort_customers,month_{m}_customers"): 1 for m in (1, 2, 3, 6)},
        },
    ),
    "segment lost": (
        "rpt_users__rfm_segments",
        [f"delete from {RFM} where segment = 'others'"],
        # six rows instead of seven, and 160 customers missing from the reconciliation
        {(ROW_COUNT, None): None, (ROWS, "customers"): 1},
    ),
    "score out of range and negative revenue": (
        "rpt_users__rfm_segments",
        [
            f"update {RFM} set avg_recency_score = 6 where segment = 'loyal'",
            f"update {RFM} set revenue = -5, avg_monetary = -5 / 160 where segment = 'others'",
        ],
        {
            (BETWEEN, "avg_recency_score"): 1,
            (BETWEEN, "revenue"): 1,
            (BETWEEN, "avg_monetary"): 1,
        },
    ),
    "customers double counted": (
        "rpt_users__rfm_segments",
        [f"update {RFM} set customers = customers * 2 where segment = 'new'"],
        {(ROWS, "customers"): 1},
    ),
}


@pytest.mark.parametrize("case", list(BAD_DAYS))
def test_bad_day_fails_exactly(users_marts, ds, case: str) -> None:
    mart, defects, expected = BAD_DAYS[case]
    report = audit("marts", db_path=users_marts(*defects), ds=ds, run_id="bad", tables=[mart])
    assert _failed(report) == expected, report.summary()
    assert not report.passed


def test_no_cohort_in_the_window_is_a_warning(users_marts, ds) -> None:
    """A company whose newest customer cohort is older than the mart's 12 months has no
    cohort rows: unusual, not wrong."""
    db_path = users_marts(f"delete from {COHORTS}")
    report = audit(
        "marts", db_path=db_path, ds=ds, run_id="odd", tables=["rpt_users__cohort_retention"]
    )
    assert report.passed, report.summary()
    assert _failed(report) == {(ROW_COUNT, None): None}
    assert [f.severity for f in report.failures] == ["warning"]
