"""The home's email hash salt: generated once, 0600, the setting wins, dbt gets it secretly."""

from __future__ import annotations

import stat

import pytest

from opspulse import hash_salt, settings


def test_the_salt_is_generated_once_into_a_private_file(opspulse_home, monkeypatch):
    monkeypatch.delenv("OPSPULSE_HASH_SALT", raising=False)
    cfg = opspulse_home
    first = hash_salt.ensure(cfg)
    assert len(first) == 64
    assert stat.S_IMODE(cfg.hash_salt_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(cfg.hash_salt_file.parent.stat().st_mode) == 0o700
    assert hash_salt.ensure(cfg) == first  # kept, not regenerated
    assert cfg.hash_salt_file.is_relative_to(cfg.home)


def test_the_setting_wins_and_must_be_long(opspulse_home, monkeypatch):
    monkeypatch.setenv("OPSPULSE_HASH_SALT", "a-company-secret-of-enough-length")
    assert hash_salt.ensure(opspulse_home) == "a-company-secret-of-enough-length"
    assert not opspulse_home.hash_salt_file.exists()
    monkeypatch.setenv("OPSPULSE_HASH_SALT", "short")
    with pytest.raises(settings.SettingsError, match="OPSPULSE_HASH_SALT"):
        hash_salt.ensure(opspulse_home)


def test_dbt_gets_the_salt_as_a_secret_only(opspulse_home, monkeypatch):
    from opspulse.warehouse.transform import dbt_env

    monkeypatch.setenv("OPSPULSE_HASH_SALT", "a-company-secret-of-enough-length")
    env = dbt_env(opspulse_home)
    assert env["DBT_ENV_SECRET_OPSPULSE_HASH_SALT"] == "a-company-secret-of-enough-length"
    assert "OPSPULSE_HASH_SALT" not in env
    profile = (opspulse_home.dbt_project_dir / "profiles.yml").read_text()
    assert "env_var('DBT_ENV_SECRET_OPSPULSE_HASH_SALT'" in profile
