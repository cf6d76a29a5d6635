"""Settings: the company file and the environment, read in one place."""

from __future__ import annotations

from datetime import date, time

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


def test_the_report_deadline_defaults_to_seven_and_reads_the_file_then_the_environment(tmp_path):
    assert settings.load({"OPSPULSE_HOME": str(tmp_path)}).report_deadline == time(7, 0)
    env = _home_with(tmp_path, '[delivery]\nreport_deadline = "06:30"\n')
    assert settings.load(env).report_deadline == time(6, 30)
    env |= {"OPSPULSE_REPORT_DEADLINE": "9:05"}
    assert settings.load(env).report_deadline == time(9, 5)
    toml_time = _home_with(tmp_path, "[delivery]\nreport_deadline = 08:15:00\n")
    assert settings.load(toml_time).report_deadline == time(8, 15)
    seconds = {"OPSPULSE_HOME": str(tmp_path), "OPSPULSE_REPORT_DEADLINE": "07:00:30"}
    assert settings.load(seconds).report_deadline == time(7, 0, 30)


@pytest.mark.parametrize(
    "value", ["7am", "24:00", "07:60", "0700", "07:00 CET", "", "-1:30", "07:00:60", "07:00:5"]
)
def test_a_bad_report_deadline_names_the_variable_and_the_form(tmp_path, value):
    env = {"OPSPULSE_HOME": str(tmp_path), "OPSPULSE_REPORT_DEADLINE": value}
    if not value:  # an empty variable falls back to the file, then the default
        assert settings.load(env).report_deadline == time(7, 0)
        return
    with pytest.raises(settings.SettingsError, match=r"OPSPULSE_REPORT_DEADLINE: .*like 07:00"):
        settings.load(env)


def test_a_bad_report_deadline_in_the_company_file_names_the_file(tmp_path):
    env = _home_with(tmp_path, '[delivery]\nreport_deadline = "noon"\n')
    with pytest.raises(settings.SettingsError, match=r"company.toml \[delivery\] report_deadline"):
        settings.load(env)
