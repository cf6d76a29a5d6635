"""An independent oracle: each role's headline KPIs recomputed from the landing files.

Nothing here uses DuckDB, dbt or the package's loader: files are read with the standard
library (pyarrow for parquet) and KPIs are computed in plain Python, following KPIS.md, so
that a mistake in the SQL is not repeated in the check. One module per role
(``<role>.py``) defines ``headline(world: Landing, day: date) -> dict[str, value]`` with
the values the role's ``rpt_<role>__daily`` row must hold for ``day``.
"""
