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
