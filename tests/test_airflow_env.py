"""The SMTP connection opspulse init stores, from the environment."""

from __future__ import annotations

import json

import pytest

from opspulse import settings
from opspulse.airflow_env import smtp_connection_from_env


def test_opspulse_smtp_settings_make_a_starttls_connection_and_hide_the_password():
    env = {
        "OPSPULSE_SMTP_HOST": "smtp.acme.example",
        "OPSPULSE_SMTP_USER": "reports",
        "OPSPULSE_SMTP_PASSWORD": "hunter2-secret",
    }
    value, source = smtp_connection_from_env(settings.load(env), env)
    conn = json.loads(value)
    assert (conn["host"], conn["port"], conn["login"]) == ("smtp.acme.example", 587, "reports")
    assert conn["extra"]["disable_ssl"] and not conn["extra"]["disable_tls"]  # STARTTLS
    assert "hunter2" not in source and "hunter2" not in repr(settings.smtp(env))


def test_a_relay_without_tls_defaults_to_port_25_and_airflow_conn_wins():
    env = {"OPSPULSE_SMTP_HOST": "relay", "OPSPULSE_SMTP_STARTTLS": "false"}
    conn = json.loads(smtp_connection_from_env(settings.load(env), env)[0])
    assert conn["port"] == 25 and conn["extra"]["disable_tls"]
    env["AIRFLOW_CONN_OPSPULSE_SMTP"] = "smtp://mail.example:2525"
    assert smtp_connection_from_env(settings.load(env), env) == (
        "smtp://mail.example:2525",
        "AIRFLOW_CONN_OPSPULSE_SMTP",
    )


@pytest.mark.parametrize(
    ("name", "value"), [("OPSPULSE_SMTP_PORT", "smtp"), ("OPSPULSE_SMTP_STARTTLS", "maybe")]
)
def test_a_bad_smtp_setting_is_named(name, value):
    with pytest.raises(settings.SettingsError, match=name):
        settings.smtp({"OPSPULSE_SMTP_HOST": "relay", name: value})


def test_airflow_passwords_file_is_created_0600_and_stays_so(tmp_path, monkeypatch):
    """SimpleAuthManager writes plain-text passwords into the file it finds, keeping its
    mode: opspulse creates it 0600 before any Airflow process starts."""
    import os
    import stat
    import subprocess
    import sys

    from opspulse.airflow_env import airflow_env, protect_secrets

    monkeypatch.setenv("OPSPULSE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("AIRFLOW_HOME", raising=False)
    monkeypatch.delenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE", raising=False)
    old_umask = os.umask(0o022)  # the usual umask: a file Airflow creates would be 0644
    try:
        env = airflow_env(settings.load())
        protect_secrets(env)
        passwords = tmp_path / "home" / "airflow" / "passwords.json"
        assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
        assert stat.S_IMODE(passwords.parent.stat().st_mode) == 0o700
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "from airflow.api_fastapi.auth.managers.simple.simple_auth_manager import "
                "SimpleAuthManager; SimpleAuthManager().init()",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.umask(old_umask)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "admin" in json.loads(passwords.read_text())  # Airflow wrote its password there
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600

    passwords.chmod(0o644)  # an older home: the next start makes it private again
    (passwords.parent / "airflow.cfg").write_text("[core]\nfernet_key = x\n")
    protect_secrets(env)
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    assert stat.S_IMODE((passwords.parent / "airflow.cfg").stat().st_mode) == 0o600
