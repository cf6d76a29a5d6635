"""The quality gate: Great Expectations suites in code, evaluated inside DuckDB.

- :mod:`.suites`: one suite per raw source (derived from the source contract) and one per
  report mart, each expectation tagged with a severity and a human rule.
- :mod:`.engine`: a GX SQL data source on the build database that works with DuckDB.
- :mod:`.results`: every result, pass or fail, stored in ``quality.results``.
- :mod:`.gate`: :func:`audit`, :func:`enforce` and the :class:`AuditReport`.
- :mod:`.ingest_checks`: the loader's quarantined files, rejected rows and extra columns as
  checks of the raw gate.

Importing this package is cheap: GX and DuckDB load when an audit runs.
"""

from opspulse.quality.gate import AuditReport, QualityGateFailed, audit, enforce
from opspulse.quality.results import CheckResult

__all__ = ["AuditReport", "CheckResult", "QualityGateFailed", "audit", "enforce"]
