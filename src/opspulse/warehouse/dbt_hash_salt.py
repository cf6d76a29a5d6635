"""A dbt-duckdb plugin (``profiles.yml``) that gives every dbt connection the home's email
hash salt as the DuckDB variable ``opspulse_hash_salt`` (see :mod:`opspulse.hash_salt`).

A session variable, set with a bound parameter, so the salt is in no SQL text dbt compiles,
runs or logs; the macro ``email_hash`` reads it with ``getvariable``. Imported by dbt only.
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from opspulse.hash_salt import DUCKDB_VARIABLE


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self._salt = str(plugin_config.get("salt") or "")

    def configure_connection(self, conn) -> None:
        self._set(conn)

    def configure_cursor(self, cursor) -> None:
        self._set(cursor)

    def _set(self, connection) -> None:
        if self._salt:
            connection.execute(f"set variable {DUCKDB_VARIABLE} = ?", [self._salt])
