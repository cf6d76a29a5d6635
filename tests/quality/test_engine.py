"""Regression tests for GX on DuckDB (PITFALLS.md, "Great Expectations 1.24 on DuckDB").

Stock duckdb-engine loses every result ("list index out of range"); these tests fail if the
read-only dialect stops doing its job, or if validation keeps the database file open.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import great_expectations.expectations as gxe
import pytest
import sqlalchemy as sa
from great_expectations.core import ExpectationSuite

from opspulse.quality import audit, engine


@pytest.fixture
def values_db(tmp_path: Path) -> Path:
    path = tmp_path / "values.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "create table t as select i as id, case when i = 3 then null else i end as v "
            "from range(10) as r(i)"
        )
    return path


def _by_type(validation, expectation_type: str):
    (found,) = [r for r in validation.results if r.expectation_config.type == expectation_type]
    return found


def test_not_null_and_aggregates_are_evaluated_in_duckdb(values_db: Path) -> None:
    suite = ExpectationSuite(
        name="regression",
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(column="v"),
            gxe.ExpectColumnMeanToBeBetween(column="v", min_value=0, max_value=100),
        ],
    )
    with engine.duckdb_datasource(values_db) as datasource:
        clean = engine.validate_query(
            datasource, asset_name="clean", query="select * from t where id <> 3", suite=suite
        )
        dirty = engine.validate_query(
            datasource, asset_name="dirty", query="select * from t", suite=suite
        )

    assert clean.success
    assert _by_type(clean, "expect_column_values_to_not_be_null").result["unexpected_count"] == 0

    not_null = _by_type(dirty, "expect_column_values_to_not_be_null")
    assert not not_null.success
    assert not_null.result["unexpected_count"] == 1
    assert not_null.result["element_count"] == 10

    for validation in (clean, dirty):
        mean = _by_type(validation, "expect_column_mean_to_be_between")
        assert mean.success
        assert mean.result["observed_value"] == pytest.approx(42 / 9)


def test_validation_connection_is_read_only(values_db: Path) -> None:
    with engine.duckdb_datasource(values_db) as datasource:
        with pytest.raises(sa.exc.DBAPIError, match="read-only"):
            with datasource.get_engine().connect() as connection:
                connection.execute(sa.text("create table written_by_gx (i integer)"))


def test_database_is_released_after_audit(build_db, ds) -> None:
    path = build_db(["orders"])
    audit("raw", db_path=path, ds=ds, run_id="release", tables=["orders"])

    # same process: a plain read-write connection works and can write
    with duckdb.connect(str(path)) as connection:
        connection.execute("create table after_audit as select 1 as i")
        assert connection.execute("select count(*) from quality.results").fetchone()[0] > 0

    # another process can take the write lock
    code = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
        "c.execute('create table other_process as select 1 as i'); c.close()"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=120)


def test_missing_database_file_is_an_error(tmp_path: Path, ds) -> None:
    with pytest.raises(FileNotFoundError):
        audit("raw", db_path=tmp_path / "absent.duckdb", ds=ds, run_id="r")
    assert not (tmp_path / "absent.duckdb").exists()
