import pytest

from opspulse.reports.roles import ROLES, DetailsSection, UnknownRole, get_role


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


def _needs(role):
    items = list(role.tiles)
    for section in role.sections:
        if isinstance(section, DetailsSection):
            items += section.fields
        else:
            items += [section.label, *section.columns]
    return {item.column: item.needs for item in items if item.needs}


def test_a_kpi_needs_only_an_optional_source_of_its_role():
    from opspulse import catalogue

    assert set(ROLES) == set(catalogue.ROLES_BY_NAME)
    for name, role in ROLES.items():
        for column, source in _needs(role).items():
            assert source in catalogue.get(name).optional, (name, column, source)


def test_the_kpis_of_optional_sources_name_them():
    assert _needs(ROLES["ecommerce"]) == {"pct_cart_abandonment": "web_sessions"}
    assert _needs(ROLES["users"]) == {"avg_csat_score": "support_tickets"}
    assert _needs(ROLES["product"])["pct_returned"] == "returns"
    assert _needs(ROLES["product"])["avg_rating"] == "reviews"
    assert _needs(ROLES["sales"])["pct_attainment"] == "sales_targets"
