"""Settings: the company file and the environment, read in one place."""

from __future__ import annotations

from datetime import date

import pytest

from opspulse import settings


def _home_with(tmp_path, text: str) -> dict[str, str]:
    (tmp_path / "config").mkdir(parents=True, exist_ok=True)
    (tmp_path / "config" / "company.toml").write_text(text, encoding="utf-8")
    return {"OPSPULSE_HOME": str(tmp_path)}


def test_the_company_file_in_the_home_is_read(tmp_path):
    env = _home_with(
        tmp_path,
        '[company]\nname = "Nordhav"\ntimezone = "Europe/Oslo"\ncurrency = "NOK"\n'
        'locale = "nb_NO"\nstart_date = 2018-01-01\n\n[sources]\norders = "daily"\n'
        'products = "on_change"\n\n[thresholds]\nmax_delivery_days = 400\n',
    )
    cfg = settings.load(env)
    assert cfg.config_dir == (tmp_path / "config").resolve()
    assert (cfg.company_name, cfg.timezone, cfg.currency, cfg.locale) == (
        "Nordhav",
        "Europe/Oslo",
        "NOK",
        "nb_NO",
    )
    assert cfg.start_date == date(2018, 1, 1)
    assert dict(cfg.source_cadence) == {"orders": "daily", "products": "on_change"}
    assert dict(cfg.thresholds) == {"max_delivery_days": 400.0}
    assert cfg.targets_file == cfg.config_dir / "targets.csv"


def test_environment_wins_over_the_company_file(tmp_path):
    env = _home_with(tmp_path, '[company]\ntimezone = "Europe/Oslo"\ncurrency = "NOK"\n')
    env |= {"OPSPULSE_TIMEZONE": "Asia/Tokyo", "OPSPULSE_START_DATE": "2019-05-01"}
    cfg = settings.load(env)
    assert (cfg.timezone, cfg.currency, cfg.start_date) == ("Asia/Tokyo", "NOK", date(2019, 5, 1))


def test_without_a_company_file_the_defaults_hold(tmp_path):
    cfg = settings.load({"OPSPULSE_HOME": str(tmp_path), "OPSPULSE_CONFIG_DIR": str(tmp_path)})
    assert (cfg.timezone, cfg.currency, cfg.locale) == ("UTC", "USD", "en_US")
    assert cfg.source_cadence == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[company\n", "not valid TOML"),
        ('[sources]\norders = "hourly"\n', "orders = 'hourly'"),
        ('[thresholds]\nmax_delivery_days = "a lot"\n', "is not a number"),
        ('[company]\nstart_date = "soon"\n', "is not a date"),
    ],
)
def test_a_broken_company_file_names_what_to_fix(tmp_path, text, message):
    with pytest.raises(settings.SettingsError, match=message):
        settings.load(_home_with(tmp_path, text))
