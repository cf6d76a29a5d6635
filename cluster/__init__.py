"""A real Airflow cluster on one machine (see local_cluster.py)."""

import os
import socket


def worker_name() -> str:
    """Airflow's ``hostname_callable`` on a local Celery worker: its name, so that task
    instances say which of the workers on this one machine ran them. Here, not in
    local_cluster, so that every task process imports nothing more for it."""
    return os.environ.get("OPSPULSE_WORKER_NAME") or socket.getfqdn()
