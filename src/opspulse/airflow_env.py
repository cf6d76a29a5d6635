"""The environment Airflow runs opspulse with on one machine.

Everything Airflow needs is set through ``AIRFLOW__*`` variables so that the repository's
``dags/`` and ``plugins/`` are used, the metadata database (SQLite) and logs live under
``<OPSPULSE_HOME>/airflow``, example DAGs stay out, and the API server binds 127.0.0.1.
Values already present in the caller's environment win, so a cluster deployment (see
``docker-compose.yml``) or a real SMTP connection is configured the usual Airflow way.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from opspulse import settings as settings_mod
from opspulse.settings import REPO_ROOT


def smtp_connection_uri(host: str = "127.0.0.1", port: int = 8025) -> str:
    """An Airflow connection (JSON form) for the local SMTP sink: no TLS, no password."""
    return json.dumps(
        {
            "conn_type": "smtp",
            "host": host,
            "port": port,
            "extra": {
                "disable_ssl": True,
                "disable_tls": True,
                "from_email": "opspulse@example.com",
                "timeout": 10,
                "retry_limit": 2,
            },
        }
    )


def airflow_env(
    cfg: settings_mod.Settings | None = None,
    *,
    smtp_port: int | None = None,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    cfg = cfg or settings_mod.load()
    env = dict(os.environ if base is None else base)
    home = cfg.airflow_home
    defaults = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": cfg.timezone,
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.1",
        "AIRFLOW__EMAIL__DEFAULT_EMAIL_ON_RETRY": "False",
        "AIRFLOW__EMAIL__DEFAULT_EMAIL_ON_FAILURE": "False",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": "8080",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "OPSPULSE_HOME": str(cfg.home),
        "GX_ANALYTICS_ENABLED": "False",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
    for key, value in defaults.items():
        env.setdefault(key, value)
    conn_var = f"AIRFLOW_CONN_{cfg.smtp_conn_id.upper()}"
    if smtp_port is not None:
        env[conn_var] = smtp_connection_uri(port=smtp_port)
    else:
        env.setdefault(conn_var, smtp_connection_uri())
    # `airflow standalone` starts its parts as subprocesses named `airflow`.
    venv_bin = str(Path(sys.executable).parent)
    if venv_bin not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    return env


def airflow_executable() -> str:
    candidate = Path(sys.executable).with_name("airflow")
    return str(candidate) if candidate.exists() else "airflow"
