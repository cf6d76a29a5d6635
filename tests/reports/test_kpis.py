import datetime as dt

import duckdb
import pytest

from opspulse.reports.kpis import MartNotReadable, MissingReportDay, read_kpis

from .conftest import DS, open_marts


def test_reads_headline_values_trends_and_sections(marts_db):
    snap = read_kpis("ecommerce", DS, marts_db)
    assert snap.ds == dt.date(2026, 11, 27)
    net_sales = snap.tiles[0]
    assert net_sales.tile.column == "net_sales"
    assert float(net_sales.value) == pytest.approx(12345.67)
    assert float(net_sales.prev_day) == pytest.approx(12650.10)
    assert net_sales.avg_7d == pytest.approx(12086.505)
    assert net_sales.pct_of_target == pytest.approx(0.979815)
    payment_mix = snap.sections[0]
    assert [row[0] for row in payment_mix.rows] == ["card", "paypal", "gift_card"]


def test_connection_is_closed_right_away(marts_db):
    read_kpis("users", DS, marts_db)
    con = duckdb.connect(str(marts_db))  # read-write with other settings: no handle is left
    con.execute("update marts.rpt_users__daily set new_customers = 1")
    con.close()


def test_missing_day_names_the_day_and_the_table(marts_db):
    with pytest.raises(MissingReportDay, match=r"2026-12-01.*marts\.rpt_ecommerce__daily"):
        read_kpis("ecommerce", "2026-12-01", marts_db)


def test_missing_database_or_column_is_clear(marts_db, tmp_path):
    with pytest.raises(MartNotReadable, match="does not exist"):
        read_kpis("ecommerce", DS, tmp_path / "nowhere.duckdb")
    con = open_marts(marts_db)
    con.execute("alter table rpt_users__daily drop column new_customers_7d_avg")
    con.close()
    with pytest.raises(MartNotReadable, match="new_customers_7d_avg"):
        read_kpis("users", DS, marts_db)


def test_content_hash_ignores_noise_below_display_precision(marts_db):
    before = read_kpis("ecommerce", DS, marts_db).content_hash
    con = open_marts(marts_db)
    con.execute(
        "update rpt_ecommerce__daily set avg_order_value = avg_order_value + 1e-9 "
        "where report_date = ?",
        [DS],
    )
    con.close()
    assert read_kpis("ecommerce", DS, marts_db).content_hash == before
    con = open_marts(marts_db)
    con.execute("update rpt_ecommerce__daily set net_sales = 13000 where report_date = ?", [DS])
    con.close()
    assert read_kpis("ecommerce", DS, marts_db).content_hash != before
