"""opspulse's Airflow plugin: registration only, found through the ``airflow.plugins`` entry
point of ``pyproject.toml`` wherever opspulse is installed.

- ``deadline_references``: :class:`opspulse.lateness.ReportDeadline`, the report deadline of
  a nightly run's day in the company's timezone, which the scheduler evaluates for the DAG's
  deadline alert (Airflow accepts a custom deadline reference only from a plugin).
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from opspulse.lateness import ReportDeadline


class OpspulsePlugin(AirflowPlugin):
    name = "opspulse"
    deadline_references = [ReportDeadline]
