from decimal import Decimal

import pytest

from opspulse.reports.formatting import format_attainment, format_change, format_value


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
