import datetime as dt
import re

from opspulse.reports.formatting import NumberFormat, format_value
from opspulse.reports.kpis import read_kpis
from opspulse.reports.render import (
    render_alert,
    render_delayed,
    render_report,
    restatement_view,
)

from .conftest import DS, open_marts
from .tile_lines import parse_tile_lines

FAILURES = [
    {
        "suite": "rpt_ecommerce__daily",
        "expectation": "expect_column_values_to_not_be_null",
        "column": "net_sales",
        "observed": None,
        "unexpected_count": 1,
    },
    {
        "suite": "raw_customers",
        "expectation": "expect_column_values_to_match_regex",
        "column": "email",
        "observed": ["jane.doe@customer.test", "x"],
        "unexpected_count": 1200,
    },
    {
        "suite": "rpt_users__daily",
        "expectation": "expect_column_mean_to_be_between",
        "column": None,
        "observed": 0.93,
        "unexpected_count": None,
    },
]


def test_subject_names_role_day_and_first_headline(marts_db):
    email = render_report(read_kpis("ecommerce", DS, marts_db))
    assert email.subject == "[opspulse] E-commerce · Fri 27 Nov 2026 · Net sales $12,345.67"


def test_text_and_html_show_the_same_numbers_in_kpis_order(marts_db):
    email = render_report(read_kpis("ecommerce", DS, marts_db))
    lines = parse_tile_lines(email.text)
    assert list(lines) == ["Net sales", "Valid orders", "Average order value", "Cart abandonment"]
    assert email.text.count("Net sales: $12,345.67 (▼ 2.4% vs yesterday;") == 1
    positions = [email.html.index(f">{line.value}</div>") for line in lines.values()]
    assert positions == sorted(positions)
    for line in lines.values():
        assert f">{line.vs_day}</span>" in email.html
    assert "max-width:600px" in email.html
    assert "<style" not in email.html  # inline CSS only


def test_no_target_means_no_attainment(marts_db):
    lines = parse_tile_lines(render_report(read_kpis("ecommerce", DS, marts_db)).text)
    assert lines["Cart abandonment"].attainment is None
    assert lines["Net sales"].attainment == "98%"


def test_null_values_render_na(marts_db):
    email = render_report(read_kpis("users", "2026-11-26", marts_db))
    csat = parse_tile_lines(email.text)["CSAT"]
    assert (csat.value, csat.vs_day, csat.vs_7d, csat.attainment) == ("n/a", "n/a", "n/a", "n/a")
    assert re.search(r'data-kpi="avg_csat_score"[^>]*>n/a</div>', email.html)
    assert "None" not in email.text and "None" not in email.html


def test_footer_names_the_day_quality_and_sources(marts_db):
    email = render_report(read_kpis("ecommerce", DS, marts_db))
    for part in (email.text, email.html):
        assert "Fri 27 Nov 2026" in part
        assert "quality checks passed" in part
        assert "marts.rpt_ecommerce__daily" in part
        assert "marts.rpt_ecommerce__payment_mix" in part


def test_payment_mix_breakdown_is_shown_largest_first(marts_db):
    text = render_report(read_kpis("ecommerce", DS, marts_db)).text
    block = text.split("Payment mix\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert block == [
        "  - card: Amount $7,407.40; Share 60.0%",
        "  - paypal: Amount $3,703.70; Share 30.0%",
        "  - gift_card: Amount $1,234.57; Share 10.0%",
    ]


def test_restatement_is_marked_and_names_what_changed(marts_db):
    snap = read_kpis("ecommerce", DS, marts_db)
    before = {k: dict(v) for k, v in snap.sent_values().items()}
    before["net_sales"]["value"] = "$12,000.00"
    view = restatement_view(before, snap.sent_values(), dt.datetime(2026, 11, 28, 6, 5))
    email = render_report(snap, restatement=view)
    assert email.subject.startswith("RESTATED: [opspulse] E-commerce")
    assert "RESTATED" in email.text and "RESTATED" in email.html
    assert "Net sales: was $12,000.00, now $12,345.67" in email.text
    assert "Sat 28 Nov 2026 06:05 UTC" in email.text
    assert [c.label for c in view.changes] == ["Net sales"]


def test_alert_names_every_failed_check_and_next_steps():
    email = render_alert(
        dt.date(2026, 11, 27),
        "3 of 120 critical checks failed",
        FAILURES,
        build_db="/data/warehouse/build.duckdb",
        airflow_run="opspulse_nightly / scheduled__2026-11-27T00:00:00+00:00",
    )
    assert email.subject == (
        "[opspulse] ALERT: Reports withheld for Fri 27 Nov 2026: 3 critical checks failed"
    )
    for part in (email.text, email.html):
        assert "Reports withheld for Fri 27 Nov 2026: 3 critical checks failed" in part
        for check in FAILURES:
            assert check["suite"] in part and check["expectation"] in part
        assert "quality.results" in part and "/data/warehouse/build.duckdb" in part
        assert "scheduled__2026-11-27" in part
        assert "1,200" in part
        assert "jane.doe@customer.test" not in part and "[redacted email]" in part


def test_alert_escapes_html():
    email = render_alert(
        dt.date(2026, 11, 27),
        "<script>x</script>",
        [{"suite": "s", "expectation": "<b>e</b>", "column": "c", "observed": 1}],
        build_db="b",
    )
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "1 critical check failed" in email.subject


def test_alert_without_failed_checks_says_the_run_failed():
    email = render_alert(dt.date(2026, 11, 27), "dbt build failed: model x", [], build_db="b")
    assert email.subject.endswith("the run failed before its quality checks passed")
    assert "No failed check was recorded" in email.text and "dbt build failed" in email.text


def test_text_values_never_carry_addresses():
    assert format_value("jane@customer.test", "text") == "[redacted email]"


EUR_DE = NumberFormat("EUR", "de_DE")


def test_amounts_and_numbers_follow_the_company_currency_and_locale(marts_db):
    email = render_report(read_kpis("ecommerce", DS, marts_db, numbers=EUR_DE))
    assert email.subject == "[opspulse] E-commerce · Fri 27 Nov 2026 · Net sales 12.345,67 €"
    assert "\u00a0" not in email.subject
    net_sales = "Net sales: 12.345,67\u00a0€ (▼ 2,4\u00a0% vs yesterday; ▲ 2,1\u00a0% vs 7-day avg;"
    assert email.text.count(net_sales) == 1
    assert ">12.345,67\u00a0€</div>" in email.html
    assert "  - card: Amount 7.407,40\u00a0€; Share 60,0\u00a0%" in email.text
    for part in (email.text, email.html):
        assert "$" not in part
        assert "98\u00a0%" in part  # attainment of net sales


def test_sent_values_are_the_displayed_strings(marts_db):
    snap = read_kpis("ecommerce", DS, marts_db, numbers=NumberFormat("BRL", "pt_BR"))
    assert snap.sent_values()["net_sales"]["value"] == "R$\u00a012.345,67"
    assert snap.content_hash != read_kpis("ecommerce", DS, marts_db).content_hash


def test_the_company_format_comes_from_the_settings_by_default(marts_db, monkeypatch):
    monkeypatch.setenv("OPSPULSE_CURRENCY", "JPY")
    monkeypatch.setenv("OPSPULSE_LOCALE", "ja_JP")
    assert render_report(read_kpis("ecommerce", DS, marts_db)).subject.endswith("￥12,346")


def test_a_company_without_targets_sees_no_attainment(marts_db):
    con = open_marts(marts_db)
    targets = [
        c
        for (c,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_name = 'rpt_ecommerce__daily' and column_name like '%target'"
        ).fetchall()
    ]
    con.execute(f"update rpt_ecommerce__daily set {', '.join(f'{c} = null' for c in targets)}")
    con.close()
    email = render_report(read_kpis("ecommerce", DS, marts_db))
    assert len(targets) == 8
    for part in (email.text, email.html):
        assert "of target" not in part
    assert parse_tile_lines(email.text)["Net sales"].attainment is None


def test_a_kpi_whose_source_is_not_delivered_says_so(marts_db):
    commerce = {"customers", "orders", "order_items", "products", "payments", "reviews"}
    email = render_report(read_kpis("users", "2026-11-26", marts_db, delivered=commerce))
    assert "CSAT: n/a: needs support_tickets\n" in email.text
    assert re.search(r'data-kpi="avg_csat_score"[^>]*>n/a: needs support_tickets</div>', email.html)
    tile = email.html.split('data-kpi="avg_csat_score"', 1)[1].split("</table>", 1)[0]
    assert "vs yesterday" not in tile and "of target" not in tile
    # a KPI that needs nothing optional stays a bare n/a; so does one whose source is delivered
    delivered = render_report(
        read_kpis("users", "2026-11-26", marts_db, delivered=commerce | {"support_tickets"})
    )
    assert parse_tile_lines(delivered.text)["CSAT"].value == "n/a"
    assert "needs" not in delivered.text


def test_a_value_present_without_its_optional_source_is_shown(marts_db):
    email = render_report(read_kpis("users", DS, marts_db, delivered={"customers", "orders"}))
    assert parse_tile_lines(email.text)["CSAT"].value == "4.40"


def test_a_section_can_list_only_the_rows_that_matter(marts_db):
    """The data email's Sources behind: only the late sources, or one line saying none is."""
    import dataclasses

    from opspulse.reports.roles import ROLES, Field, TableSection

    con = open_marts(marts_db)
    con.execute(
        "create table rpt_data__sources as select * from (values "
        f"(date '{DS}', 'orders', date '{DS}', 0.0, false), "
        f"(date '{DS}', 'payments', date '2026-11-25', 48.0, true), "
        f"(date '{DS}', 'reviews', null, null, true), "
        "(date '2026-11-26', 'orders', date '2026-11-24', 48.0, true)) "
        "t(report_date, source_name, newest_partition_date, freshness_lag_hours, is_late)"
    )
    con.close()
    behind = TableSection(
        title="Sources behind",
        mart="rpt_data__sources",
        label=Field("source_name", "Source", "text"),
        columns=(Field("freshness_lag_hours", "Behind", "hours"),),
        order_by="freshness_lag_hours",
        only_where="is_late",
        when_empty="Every daily source has a file for the day.",
    )
    role = dataclasses.replace(ROLES["ecommerce"], sections=(behind,))
    email = render_report(read_kpis(role, DS, marts_db))
    assert "payments: Behind 48.0 h" in email.text and "reviews: Behind n/a" in email.text
    assert "orders" not in email.text.split("Sources behind", 1)[1]
    con = open_marts(marts_db)
    con.execute("update rpt_data__sources set is_late = false")
    con.close()
    email = render_report(read_kpis(role, DS, marts_db))
    assert "Every daily source has a file for the day." in email.text
    assert "Every daily source has a file for the day." in email.html


def test_delayed_notice_says_why_that_the_team_knows_and_that_the_report_follows():
    day = dt.date(2026, 11, 27)
    for reason, why in [("withheld", "did not pass its quality checks"), ("late", "not published")]:
        email = render_delayed(day, "E-commerce", reason, company="Acme & Co")
        assert (
            email.subject == "[opspulse] Acme & Co E-commerce report for Fri 27 Nov 2026 is delayed"
        )
        for part in (email.text, email.html):
            assert why in part
            assert "data team has been told" in part
            assert "will follow as soon as the data is published" in part
        assert "Acme & Co" not in email.html  # escaped in the <title>
        digits = re.sub(
            r"Fri 27 Nov 2026|2026-11-27|600px|\d+px|#[0-9a-f]{6}|\d+\.\d+", "", email.html
        )
        assert not re.search(r">[^<]*\d[^<]*<", digits), "no number but the day in the notice"


def test_delayed_notice_escapes_html_and_omits_the_default_company_name():
    email = render_delayed(dt.date(2026, 11, 27), "Ops <b>team</b>", "late", company="opspulse")
    assert email.subject == "[opspulse] Ops <b>team</b> report for Fri 27 Nov 2026 is delayed"
    assert "Ops &lt;b&gt;team&lt;/b&gt;" in email.html
    assert "<b>team" not in email.html
