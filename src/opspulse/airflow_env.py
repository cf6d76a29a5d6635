"""The environment Airflow runs opspulse with on one machine.

Everything Airflow needs is set through ``AIRFLOW__*`` variables so that the repository's
``dags/`` and ``plugins/`` are used, the metadata database (SQLite) and logs live under
``<OPSPULSE_HOME>/airflow``, example DAGs stay out, and the API server binds 127.0.0.1.
Values already present in the caller's environment win, so a cluster deployment (see
``docker-compose.yml``) or a real SMTP connection is configured the usual Airflow way.

The SMTP connection lives in Airflow's metadata database, put there by ``opspulse init``
(:mod:`opspulse.airflow_setup`) from :func:`smtp_connection_from_env`; only the demo, which
starts its own sink on a free port, sets it in the environment (``smtp_port``).
"""

from __future__ import annotations

import json
import os
import subprocess
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


def smtp_connection_json(smtp: settings_mod.SmtpSettings) -> str:
    """An Airflow connection (JSON form) for a mail server of ``OPSPULSE_SMTP_*``."""
    conn: dict = {
        "conn_type": "smtp",
        "host": smtp.host,
        "port": smtp.port,
        "extra": {
            "disable_ssl": True,  # SMTP, upgraded with STARTTLS or not; not SMTP over SSL
            "disable_tls": not smtp.starttls,
            "timeout": 30,
            "retry_limit": 2,
        },
    }
    if smtp.user:
        conn["login"] = smtp.user
    if smtp.password:
        conn["password"] = smtp.password
    return json.dumps(conn)


def smtp_connection_from_env(
    cfg: settings_mod.Settings, env: Mapping[str, str] | None = None
) -> tuple[str | None, str]:
    """The SMTP connection the environment asks for and where it came from, in words that
    never include the password: ``AIRFLOW_CONN_<ID>`` as is, else ``OPSPULSE_SMTP_*``, else
    ``(None, why)``."""
    env = os.environ if env is None else env
    conn_var = f"AIRFLOW_CONN_{cfg.smtp_conn_id.upper()}"
    if env.get(conn_var, "").strip():
        return env[conn_var].strip(), conn_var
    smtp = settings_mod.smtp(env)
    if smtp is None:
        return None, f"neither {conn_var} nor OPSPULSE_SMTP_HOST is set"
    login = f", login {smtp.user}" if smtp.user else ""
    tls = "STARTTLS" if smtp.starttls else "no TLS"
    return smtp_connection_json(smtp), f"OPSPULSE_SMTP_HOST {smtp.host}:{smtp.port} ({tls}{login})"


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
    # where task processes reach the API server: its own address, whatever port it is given
    # (Airflow's default names localhost:8080 even when the server listens elsewhere)
    env.setdefault(
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
        f"http://{env['AIRFLOW__API__HOST']}:{env['AIRFLOW__API__PORT']}/execution/",
    )
    conn_var = f"AIRFLOW_CONN_{cfg.smtp_conn_id.upper()}"
    if smtp_port is not None:
        env[conn_var] = smtp_connection_uri(port=smtp_port)
    # `airflow standalone` starts its parts as subprocesses named `airflow`.
    venv_bin = str(Path(sys.executable).parent)
    if venv_bin not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    return env


def protect_secrets(env: Mapping[str, str]) -> None:
    """Before Airflow starts: its home is 0700, SimpleAuthManager's passwords file exists with
    mode 0600 (Airflow opens it for appending and keeps the mode it finds; left to itself it
    creates it world-readable) and ``airflow.cfg`` (the Fernet key), once written, is 0600."""
    from opspulse.private_files import make_private, private_file, private_folder

    home = Path(env["AIRFLOW_HOME"]) if env.get("AIRFLOW_HOME") else None
    if home is not None:
        private_folder(home)
        make_private(home / "airflow.cfg")
    passwords = env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE")
    if passwords:
        private_file(Path(passwords))


def airflow_executable() -> str:
    candidate = Path(sys.executable).with_name("airflow")
    return str(candidate) if candidate.exists() else "airflow"


def run_airflow(
    args: list[str],
    env: Mapping[str, str],
    log_file: Path | None = None,
    on_line=None,
) -> int:
    """Run an ``airflow`` CLI command; keep its output in ``log_file`` and hand each line to
    ``on_line`` as it comes."""
    command = [airflow_executable(), *args]
    protect_secrets(env)
    if log_file is None:
        return subprocess.run(
            command, env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        ).returncode
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("w") as out:
        proc = subprocess.Popen(
            command, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(line)
            if on_line is not None:
                on_line(line)
        return proc.wait()
