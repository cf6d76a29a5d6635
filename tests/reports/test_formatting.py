import re
from decimal import Decimal

import pytest

from opspulse import settings
from opspulse.reports.formatting import (
    EN_US_USD,
    Change,
    NumberFormat,
    format_attainment,
    format_change,
    format_value,
    needs_source,
    plain,
)


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (12345.675, "money", "$12,345.68"),
        (Decimal("12345.6700"), "money", "$12,345.67"),
        (-1234.5, "money", "-$1,234.50"),
        (0, "money", "$0.00"),
        (1234, "count", "1,234"),
        (99.75, "count", "99.8"),
        (0.1234, "pct", "12.3%"),
        (1, "pct", "100.0%"),
        (4.266667, "decimal", "4.27"),
        (36.54, "hours", "36.5 h"),
        ("card", "text", "card"),
        (None, "money", "n/a"),
        (None, "pct", "n/a"),
        (float("nan"), "count", "n/a"),
    ],
)
def test_format_value(value, kind, expected):
    assert format_value(value, kind) == expected


def test_change_is_relative_for_amounts_and_points_for_rates():
    assert format_change(103, 100, "money", up_is_good=True).text == "▲ 3.0%"
    assert format_change(0.31, 0.30, "pct", up_is_good=True).text == "▲ 1.0 pp"


def test_change_colour_follows_whether_up_is_good():
    assert format_change(103, 100, "count", up_is_good=True).tone == "good"
    assert format_change(103, 100, "count", up_is_good=False).tone == "bad"
    assert format_change(97, 100, "count", up_is_good=False).tone == "good"


def test_change_that_rounds_to_zero_is_flat():
    change = format_change(100.01, 100, "money", up_is_good=True)
    assert (change.text, change.tone) == ("= 0.0%", "neutral")


@pytest.mark.parametrize(("current", "reference"), [(None, 1), (1, None), (5, 0)])
def test_change_without_a_defined_reference_is_na(current, reference):
    assert format_change(current, reference, "count", up_is_good=True).text == "n/a"


def test_attainment():
    assert format_attainment(0.979815, up_is_good=True).text == "98%"
    assert format_attainment(0.979815, up_is_good=True).tone == "bad"
    assert format_attainment(0.95, up_is_good=False).tone == "good"
    assert format_attainment(None, up_is_good=True).text == "n/a"


NBSP = "\u00a0"

EUR_DE = NumberFormat("EUR", "de_DE")
BRL_BR = NumberFormat("BRL", "pt_BR")
JPY_JP = NumberFormat("JPY", "ja_JP")


@pytest.mark.parametrize(
    ("numbers", "value", "kind", "expected"),
    [
        (EUR_DE, 1234.56, "money", f"1.234,56{NBSP}€"),
        (EUR_DE, -1234.5, "money", f"-1.234,50{NBSP}€"),
        (EUR_DE, 12345.675, "money", f"12.345,68{NBSP}€"),
        (EUR_DE, 1234, "count", "1.234"),
        (EUR_DE, 99.75, "count", "99,8"),
        (EUR_DE, 0.1234, "pct", f"12,3{NBSP}%"),
        (EUR_DE, 4.266667, "decimal", "4,27"),
        (EUR_DE, 1236.54, "hours", "1.236,5 h"),
        (BRL_BR, 1234.56, "money", f"R${NBSP}1.234,56"),
        (BRL_BR, Decimal("-0.004"), "money", f"R${NBSP}0,00"),
        (BRL_BR, 0.1234, "pct", "12,3%"),
        (BRL_BR, 1234567, "count", "1.234.567"),
        (JPY_JP, 1234.56, "money", "￥1,235"),
        (JPY_JP, 1234.5, "money", "￥1,235"),
        (JPY_JP, 0, "money", "￥0"),
        (NumberFormat("JPY", "en_US"), 1234.49, "money", "¥1,234"),
        (EUR_DE, None, "money", "n/a"),
        (EUR_DE, "Köln", "text", "Köln"),
    ],
)
def test_format_value_in_the_company_currency_and_locale(numbers, value, kind, expected):
    assert numbers.value(value, kind) == expected


def test_usd_en_us_is_the_format_of_before():
    numbers = NumberFormat("USD", "en_US")
    assert numbers == EN_US_USD
    assert [numbers.value(v, k) for v, k in [(12345.675, "money"), (0.1234, "pct")]] == [
        "$12,345.68",
        "12.3%",
    ]


def test_changes_and_attainment_follow_the_locale():
    assert EUR_DE.change(103, 100, "money", up_is_good=True).text == f"▲ 3,0{NBSP}%"
    assert EUR_DE.change(0.31, 0.30, "pct", up_is_good=True).text == "▲ 1,0 pp"
    assert EUR_DE.change(100.01, 100, "money", up_is_good=True).text == f"= 0,0{NBSP}%"
    assert EUR_DE.change(1, None, "count", up_is_good=True).text == "n/a"
    assert EUR_DE.attainment(0.979815, up_is_good=True).text == f"98{NBSP}%"
    assert BRL_BR.attainment(1.005, up_is_good=True) == Change("101%", "good")


def test_plain_turns_no_break_spaces_into_spaces():
    assert plain(NumberFormat("EUR", "fr_FR").value(1234.5, "money")) == "1 234,50 €"
    assert plain(EUR_DE.value(1234.56, "money")) == "1.234,56 €"


def test_a_kpi_without_its_source_says_which():
    assert needs_source("web_sessions") == "n/a: needs web_sessions"


@pytest.mark.parametrize(("currency", "locale"), [("EURO", "de_DE"), ("EUR", "xx_YY")])
def test_number_format_refuses_unknown_currency_or_locale(currency, locale):
    with pytest.raises(ValueError, match="unknown (currency 'EURO'|locale 'xx_YY')"):
        NumberFormat(currency, locale)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"OPSPULSE_CURRENCY": "EURO"}, "OPSPULSE_CURRENCY: currency 'EURO'"),
        ({"OPSPULSE_LOCALE": "german"}, "OPSPULSE_LOCALE: locale 'german'"),
    ],
)
def test_unknown_currency_or_locale_fails_at_start_naming_the_variable(tmp_path, env, named):
    with pytest.raises(settings.SettingsError, match=re.escape(named)):
        settings.load({"OPSPULSE_HOME": str(tmp_path), **env})


def test_unknown_currency_in_the_company_file_names_the_file(tmp_path):
    (tmp_path / "company.toml").write_text('[company]\ncurrency = "Euro"\nlocale = "de_DE"\n')
    with pytest.raises(settings.SettingsError, match=r"company\.toml \[company\] currency"):
        settings.load({"OPSPULSE_HOME": str(tmp_path), "OPSPULSE_CONFIG_DIR": str(tmp_path)})


def test_settings_normalise_currency_and_locale(tmp_path):
    (tmp_path / "company.toml").write_text('[company]\ncurrency = "brl"\nlocale = "pt-BR"\n')
    cfg = settings.load({"OPSPULSE_HOME": str(tmp_path), "OPSPULSE_CONFIG_DIR": str(tmp_path)})
    assert (cfg.currency, cfg.locale) == ("BRL", "pt_BR")
    assert NumberFormat.of(cfg) == BRL_BR
