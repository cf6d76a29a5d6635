"""Airflow's side of an opspulse home: its metadata database, the DuckDB pool and the SMTP
connection. Used by ``opspulse init`` and by the demo (one set-up path).

:func:`ensure` runs ``airflow db migrate`` (a no-op on an up-to-date database), then this
module as a child process (``python -m opspulse.airflow_setup``) with Airflow's environment,
which creates the pool and the connection through Airflow's own models, or leaves them as they
are when they already hold the same values. A child process because Airflow reads its
configuration once, at import, from the environment of the home it serves.

The connection (with its password) reaches the child in its environment, never on a command
line that every user of the machine can read in ``ps``, and is stored in the metadata database,
which encrypts passwords with the home's Fernet key (``<home>/airflow/airflow.cfg``). Nothing
here prints or logs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from opspulse import settings as settings_mod
from opspulse.airflow_env import protect_secrets, run_airflow

POOL_SLOTS = 1
POOL_DESCRIPTION = "one DuckDB writer at a time"
_CONNECTION_VAR = "_OPSPULSE_SETUP_CONNECTION"
_RESULT_PREFIX = "opspulse-setup-result: "


class AirflowSetupFailed(RuntimeError):
    """A set-up step failed; the message says which and where its log is."""


@dataclass(frozen=True)
class AirflowSetup:
    database: str
    """``created``, or ``up to date`` (it existed: ``airflow db migrate`` upgraded it if needed)."""
    pool: str
    """``created``, ``updated`` or ``unchanged``."""
    connection: str
    """``created``, ``updated``, ``unchanged``, ``kept`` (none asked for, one stored) or
    ``absent`` (none asked for, none stored)."""


def ensure(
    cfg: settings_mod.Settings,
    env: Mapping[str, str],
    *,
    pool: str,
    connection: str | None,
    upgrade: bool = True,
) -> AirflowSetup:
    """Make Airflow's metadata database, the pool and (when ``connection``, an Airflow
    connection in JSON or URI form, is given) the SMTP connection exist and be current.
    ``upgrade=False`` skips ``airflow db migrate`` (4 s) on a database that exists (the demo,
    night after night)."""
    logs = cfg.airflow_home / "logs"
    cfg.airflow_home.mkdir(parents=True, exist_ok=True)
    exists = (cfg.airflow_home / "airflow.db").exists()
    database = "up to date" if exists else "created"
    if (upgrade or not exists) and run_airflow(["db", "migrate"], env, logs / "db-migrate.log"):
        raise AirflowSetupFailed(f"airflow db migrate failed; see {logs / 'db-migrate.log'}")
    protect_secrets(env)  # airflow.cfg now exists: its Fernet key is the owner's only
    child_env = dict(env)
    if connection is not None:
        child_env[_CONNECTION_VAR] = connection
    log_file = logs / "opspulse-setup.log"
    done = subprocess.run(
        [sys.executable, "-m", "opspulse.airflow_setup", pool, cfg.smtp_conn_id],
        env=child_env,
        capture_output=True,
        text=True,
    )
    log_file.write_text(done.stdout + done.stderr)
    results = [
        line.removeprefix(_RESULT_PREFIX)
        for line in done.stdout.splitlines()
        if line.startswith(_RESULT_PREFIX)
    ]
    if done.returncode or not results:
        raise AirflowSetupFailed(
            f"creating the pool {pool!r} and the connection {cfg.smtp_conn_id!r} failed; "
            f"see {log_file}"
        )
    result = json.loads(results[-1])
    return AirflowSetup(database=database, pool=result["pool"], connection=result["connection"])


def _same_connection(old, new) -> bool:
    fields = ("conn_type", "host", "port", "login", "password", "schema")
    return all(getattr(old, f) == getattr(new, f) for f in fields) and (
        old.extra_dejson == new.extra_dejson
    )


def _apply(pool: str, conn_id: str, connection: str | None) -> dict[str, str]:
    """In the child: create or update the pool and the connection; say what changed."""
    from airflow.models.connection import Connection  # the ORM model: the metadata DB
    from airflow.models.pool import Pool
    from airflow.utils.session import create_session
    from sqlalchemy import select

    out = {}
    with create_session() as session:
        current = session.scalar(select(Pool).where(Pool.pool == pool))
        if current is None:
            session.add(
                Pool(
                    pool=pool,
                    slots=POOL_SLOTS,
                    description=POOL_DESCRIPTION,
                    include_deferred=False,
                )
            )
            out["pool"] = "created"
        elif current.slots != POOL_SLOTS:
            current.slots = POOL_SLOTS
            out["pool"] = "updated"
        else:
            out["pool"] = "unchanged"

        stored = session.scalar(select(Connection).where(Connection.conn_id == conn_id))
        if connection is None:
            out["connection"] = "kept" if stored is not None else "absent"
        else:
            new = (
                Connection.from_json(connection, conn_id=conn_id)
                if connection.lstrip().startswith("{")
                else Connection(conn_id=conn_id, uri=connection)
            )
            if stored is None:
                session.add(new)
                out["connection"] = "created"
            elif _same_connection(stored, new):
                out["connection"] = "unchanged"
            else:
                for name in ("conn_type", "host", "port", "login", "password", "schema"):
                    setattr(stored, name, getattr(new, name))
                stored.set_extra(new.get_extra())
                out["connection"] = "updated"
    return out


def main(argv: list[str]) -> int:
    pool, conn_id = argv
    try:
        result = _apply(pool, conn_id, os.environ.get(_CONNECTION_VAR))
    except Exception as exc:  # the connection's value may be in the message: name the type only
        print(f"set-up failed: {type(exc).__name__}", file=sys.stderr)
        return 1
    print(_RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
