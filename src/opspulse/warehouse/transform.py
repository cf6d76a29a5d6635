"""Run dbt over the build database, in its own process.

dbt runs as a subprocess so that it has exited, and released the DuckDB file, before the
quality suites open it; its target and log directories live under the data directory,
never in the source tree.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from opspulse import settings as settings_mod
from opspulse import targets

log = logging.getLogger(__name__)


class DbtFailed(RuntimeError):
    def __init__(self, message: str, failures: list[dict]):
        super().__init__(message)
        self.failures = failures


@dataclass
class DbtResult:
    command: list[str]
    models: int = 0
    tests: int = 0
    unit_tests: int = 0
    seeds: int = 0
    passed: int = 0
    failures: list[dict] = field(default_factory=list)
    elapsed_seconds: float = 0.0


def dbt_env(cfg: settings_mod.Settings) -> dict[str, str]:
    """The environment dbt runs in; raises :class:`opspulse.targets.TargetsError` for a
    malformed targets file (no file: no targets)."""
    from opspulse import hash_salt

    env = dict(os.environ)
    env.pop(hash_salt.SETTING, None)  # dbt gets it as a secret (scrubbed from its logs) only
    env.update(
        OPSPULSE_BUILD_DB=str(cfg.build_db),
        OPSPULSE_TIMEZONE=cfg.timezone,
        OPSPULSE_DUCKDB_MEMORY_LIMIT=cfg.duckdb_memory_limit,
        OPSPULSE_SHIPPING_SLA_HOURS=str(cfg.shipping_sla_hours),
        OPSPULSE_LOOKBACK_DAYS=str(cfg.lookback_days),
        OPSPULSE_TARGETS_FILE=targets.dbt_path(cfg.targets_file, cfg.dbt_project_dir),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
    )
    env[hash_salt.DBT_ENV] = hash_salt.ensure(cfg)
    return env


def _dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def dbt_command(args: list[str], cfg: settings_mod.Settings) -> list[str]:
    """``dbt <args>`` on opspulse's project, profile, target and log paths."""
    cfg.dbt_target_dir.mkdir(parents=True, exist_ok=True)
    cfg.dbt_log_dir.mkdir(parents=True, exist_ok=True)
    return [
        _dbt_executable(),
        *args,
        "--project-dir",
        str(cfg.dbt_project_dir),
        "--profiles-dir",
        str(cfg.dbt_project_dir),
        "--target-path",
        str(cfg.dbt_target_dir),
        "--log-path",
        str(cfg.dbt_log_dir),
    ]


def run_dbt(
    args: list[str], *, settings: settings_mod.Settings | None = None, quiet: bool = False
) -> DbtResult:
    """Run ``dbt <args>`` against the build database and summarise run_results.json."""
    cfg = settings or settings_mod.load()
    command = dbt_command(args, cfg)
    log.info("running %s", " ".join(command))
    proc = subprocess.Popen(
        command,
        env=dbt_env(cfg),
        cwd=cfg.dbt_project_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    tail: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip()
        tail = (tail + [line])[-40:]
        if not quiet:
            log.info("dbt | %s", line)
    code = proc.wait()
    result = _summarise(cfg.dbt_target_dir / "run_results.json", command)
    if code != 0:
        names = ", ".join(f["unique_id"] for f in result.failures[:10]) or "see the log"
        raise DbtFailed(
            f"dbt {args[0]} failed (exit {code}): {names}\n" + "\n".join(tail[-15:]),
            result.failures,
        )
    return result


def _summarise(run_results: Path, command: list[str]) -> DbtResult:
    result = DbtResult(command=command)
    if not run_results.exists():
        return result
    data = json.loads(run_results.read_text())
    result.elapsed_seconds = float(data.get("elapsed_time") or 0.0)
    for item in data.get("results", []):
        kind = item["unique_id"].split(".")[0]
        if kind == "model":
            result.models += 1
        elif kind == "test":
            result.tests += 1
        elif kind == "unit_test":
            result.unit_tests += 1
        elif kind == "seed":
            result.seeds += 1
        if item["status"] in ("success", "pass"):
            result.passed += 1
        elif item["status"] in ("error", "fail", "runtime error"):
            result.failures.append(
                {
                    "unique_id": item["unique_id"],
                    "status": item["status"],
                    "message": (item.get("message") or "")[:500],
                }
            )
    return result
