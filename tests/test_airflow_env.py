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
