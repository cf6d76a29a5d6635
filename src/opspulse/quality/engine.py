"""Great Expectations 1.x evaluated inside DuckDB, on the build database opened read-only.

Why this module exists: GX's ``SqlAlchemyExecutionEngine.execute_query`` returns the
result of a query *after* its ``with engine.connect()`` block has closed. duckdb-engine
begins an explicit DuckDB transaction on every SQLAlchemy connection, so closing the block
rolls that transaction back on the very DuckDB connection that holds the pending result,
and the result is discarded: every expectation "fails" with ``MetricResolutionError: list
index out of range`` (upstream #10738, #11579; pool settings do not help).

The fix: :class:`ReadOnlyDuckDBDialect`, a duckdb-engine dialect whose connections never
begin, commit or roll back a transaction. Every statement runs in DuckDB's autocommit mode
and a pending result survives until GX fetches it. That is harmless here because the
database is opened with ``read_only=True``: validation cannot write. The dialect is
registered with SQLAlchemy under ``duckdb+opspulse_readonly://`` and chosen through the
connection string, so GX builds every engine it needs (the data source's and the execution
engine's) with it, for every code path, without patching GX.

The file is released when :func:`duckdb_datasource` exits: both engines are disposed and
the data source is removed from the context. Inside one process ``duckdb.connect(path)``
reuses an open instance only when its configuration matches, so a read-write connection
opened after an audit works, and a caller must not hold the file open while auditing
(another process cannot either, see PITFALLS.md).
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb_engine
import sqlalchemy as sa
from sqlalchemy.dialects import registry

from opspulse import settings

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuite, ExpectationSuiteValidationResult
    from great_expectations.data_context import EphemeralDataContext
    from great_expectations.datasource.fluent import SQLDatasource

DRIVER = "opspulse_readonly"
"""SQLAlchemy driver name of :class:`ReadOnlyDuckDBDialect` (``duckdb+opspulse_readonly``)."""


class DatabaseUnavailable(RuntimeError):
    """The build database is locked by a writer or open with another configuration."""


class ReadOnlyDuckDBDialect(duckdb_engine.Dialect):
    """duckdb-engine without transactions: for read-only validation queries only."""

    driver = DRIVER
    supports_statement_cache = False

    def do_begin(self, dbapi_connection: Any) -> None:
        """Leave DuckDB in autocommit mode (duckdb-engine would ``BEGIN`` here)."""

    def do_rollback(self, dbapi_connection: Any) -> None:
        """Nothing to roll back; rolling back would discard GX's pending result."""

    def do_commit(self, dbapi_connection: Any) -> None:
        """Nothing to commit on a read-only connection."""


def register_dialect() -> None:
    """Make ``duckdb+opspulse_readonly://`` resolvable by ``sqlalchemy.create_engine``."""
    registry.register(f"duckdb.{DRIVER}", __name__, ReadOnlyDuckDBDialect.__name__)


def connection_url(db_path: Path) -> str:
    """The SQLAlchemy URL of ``db_path`` with the read-only dialect."""
    url = sa.URL.create(f"duckdb+{DRIVER}", database=str(Path(db_path).resolve()))
    return url.render_as_string(hide_password=False)


def duckdb_config() -> dict[str, Any]:
    """DuckDB settings for a validation connection (memory and threads from settings)."""
    s = settings.load()
    return {"memory_limit": s.duckdb_memory_limit, "threads": s.duckdb_threads}


@functools.cache
def gx_context() -> EphemeralDataContext:
    """One ephemeral GX context per process: nothing on disk, no analytics, no progress bars."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


@contextmanager
def duckdb_datasource(db_path: Path) -> Iterator[SQLDatasource]:
    """A GX SQL data source on ``db_path`` opened read-only; the file is released on exit."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise FileNotFoundError(f"DuckDB database not found: {db_path}")
    register_dialect()
    context = gx_context()
    name = f"opspulse_{uuid.uuid4().hex[:12]}"
    try:
        datasource = context.data_sources.add_sql(
            name=name,
            connection_string=connection_url(db_path),
            kwargs={"connect_args": {"read_only": True, "config": duckdb_config()}},
        )
    except ConnectionError as e:  # GX's TestConnectionError: locked, or open with other config
        raise DatabaseUnavailable(
            f"cannot open {db_path} read-only for validation; close every other connection "
            f"to it first, in this process too ({e.__cause__ or e})"
        ) from e
    try:
        yield datasource
    finally:
        try:
            datasource.get_execution_engine().engine.dispose()
            datasource.get_engine().dispose()
        finally:
            context.data_sources.delete(name)


def existing_tables(datasource: SQLDatasource) -> set[str]:
    """``schema.table`` names of every table and view in the database."""
    query = sa.text("select table_schema || '.' || table_name from information_schema.tables")
    with datasource.get_engine().connect() as connection:
        return {name for (name,) in connection.execute(query).fetchall()}


def validate_query(
    datasource: SQLDatasource,
    *,
    asset_name: str,
    query: str,
    suite: ExpectationSuite,
    parameters: Mapping[str, Any] | None = None,
    result_format: str = "SUMMARY",
) -> ExpectationSuiteValidationResult:
    """Validate ``suite`` against the rows of ``query``, computed by DuckDB (no pandas)."""
    asset = datasource.add_query_asset(name=asset_name, query=query)
    batch = asset.add_batch_definition_whole_table(name="batch").get_batch()
    return batch.validate(
        suite, result_format=result_format, expectation_parameters=dict(parameters or {})
    )


def sample_rows(datasource: SQLDatasource, query: str, limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` rows of ``query`` as dicts (a failed check's evidence)."""
    sql = f"select * from ({query}) as unexpected limit {int(limit)}"
    with datasource.get_engine().connect() as connection:
        result = connection.exec_driver_sql(sql)
        return [dict(row._mapping) for row in result.fetchall()]
