"""Shared fixtures: every test gets its own data directory; nothing touches ./var."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")


@pytest.fixture
def opspulse_home(tmp_path, monkeypatch):
    """A fresh OPSPULSE_HOME for one test, returned as loaded settings."""
    from opspulse import settings

    home = tmp_path / "home"
    monkeypatch.setenv("OPSPULSE_HOME", str(home))
    return settings.load()


@pytest.fixture(scope="session")
def init_company():
    """``init_company(home, smtp_port, *options)``: a new company's home set up by the
    README's ``opspulse init`` in a child process, with the SMTP server of
    ``OPSPULSE_SMTP_*`` on 127.0.0.1:``smtp_port``; returns the environment it ran with
    (no ``OPSPULSE_*`` or ``AIRFLOW*`` of the caller's)."""
    import subprocess
    import sys

    def init(home, smtp_port: int, *options: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPSPULSE_", "AIRFLOW"))}
        env |= {
            "OPSPULSE_HOME": str(home),
            "OPSPULSE_SMTP_HOST": "127.0.0.1",
            "OPSPULSE_SMTP_PORT": str(smtp_port),
            "OPSPULSE_SMTP_STARTTLS": "false",
        }
        done = subprocess.run(
            [sys.executable, "-m", "opspulse.cli", "init", *options],
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return env

    return init
