"""The cluster tests: Airflow's scheduler handing the nightly DAG to real executors.

They need PostgreSQL and Redis (``make cluster-deps``); without them they skip, saying so,
except under ``make test-cluster`` (``OPSPULSE_REQUIRE_CLUSTER=1``, as CI runs them), where
a missing part fails the run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


@pytest.fixture(scope="session")
def cluster_parts() -> None:
    from cluster.local_cluster import missing_parts

    missing = missing_parts()
    if missing and os.environ.get("OPSPULSE_REQUIRE_CLUSTER"):
        pytest.fail("; ".join(missing))
    if missing:
        pytest.skip("; ".join(missing))
