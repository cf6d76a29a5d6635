import pytest

from opspulse.reports.roles import ROLES, UnknownRole, get_role


def test_trend_column_names_follow_the_convention():
    tiles = {t.column: t for t in get_role("ecommerce").tiles}
    assert tiles["net_sales"].prev_day_column == "net_sales_prev_day"
    assert tiles["net_sales"].avg_7d_column == "net_sales_7d_avg"
    assert tiles["net_sales"].target_column == "net_sales_target"
    assert tiles["net_sales"].attainment_column == "pct_net_sales_of_target"
    assert tiles["pct_cart_abandonment"].attainment_column == "pct_cart_abandonment_of_target"


def test_headline_tiles_follow_kpis_md_order():
    assert [t.column for t in ROLES["ecommerce"].tiles] == [
        "net_sales",
        "valid_orders",
        "avg_order_value",
        "pct_cart_abandonment",
    ]
    assert [t.column for t in ROLES["users"].tiles] == [
        "new_customers",
        "active_customers",
        "pct_repeat_purchase",
        "avg_csat_score",
    ]


def test_every_role_names_its_marts():
    assert ROLES["ecommerce"].marts == (
        "marts.rpt_ecommerce__daily",
        "marts.rpt_ecommerce__payment_mix",
    )
    for role in ROLES.values():
        assert role.tiles and role.marts[0] == f"marts.{role.mart}"


def test_unknown_role_is_named():
    with pytest.raises(UnknownRole, match="'finanse'"):
        get_role("finanse")
