"""The growth areas of the demo company (marketing, sales, web, experiments) and the core world.

Every new source has a readable file per day, its ids are the ones the core world's orders
and sessions carry, its numbers are plausible and the A/B tests carry their designed truth.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from opspulse.demo import generate
from opspulse.demo.writer import landing_path
from opspulse.sources.contracts import SOURCES
from opspulse.sources.readers import typed_reader

START = date(2026, 6, 1)  # a Monday
END = date(2026, 6, 10)
DAYS = [START + timedelta(days=i) for i in range((END - START).days + 1)]
SCALE = 0.05
SEED = 11
AREAS = ("marketing", "sales", "web", "experiments")
CORE = ("orders", "web_sessions", "order_items", "products")
GROWTH = [s for s in SOURCES if s.area in AREAS and s.name != "web_sessions"]


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("growth")
    messages: list[str] = []
    generate(START, END, out, scale=SCALE, seed=SEED, progress=messages.append)
    assert any(m.startswith("marketing:") for m in messages)
    return out


@pytest.fixture(scope="module")
def db(landing) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for source in [*GROWTH, *(s for s in SOURCES if s.name in CORE)]:
        path = str(landing / source.name / "*" / f"{source.name}{source.extensions[0]}")
        con.execute(f"create view {source.name} as select * from {typed_reader(source, path)}")
    con.execute("""create view orders_latest as select * from orders
        qualify row_number() over (partition by order_id order by updated_at desc) = 1""")
    return con


def scalar(db, sql: str):
    return db.execute(sql).fetchone()[0]


def test_the_growth_sources_are_registered():
    assert {s.name for s in GROWTH} == {
        "campaigns", "ad_spend", "social_posts", "social_followers", "livestreams",
        "sales_reps", "partners", "sales_targets",
        "web_events", "content_items", "content_views",
        "experiments", "experiment_assignments",
    }  # fmt: skip


@pytest.mark.parametrize("source", GROWTH, ids=lambda s: s.name)
def test_a_file_per_day_that_loads_with_the_contract_types(landing, source):
    con = duckdb.connect()
    expected = [(c.name, c.type) for c in source.columns]
    for ds in DAYS:
        path = landing_path(landing, source, ds)
        assert sorted(path.parent.iterdir()) == [path]
        relation = con.sql(f"select * from {typed_reader(source, str(path))}")
        assert list(zip(relation.columns, map(str, relation.types), strict=True)) == expected
        relation.fetchall()


def test_ids_in_orders_and_sessions_exist_in_their_sources(db):
    orphans = {
        "campaign": "select count(*) from orders o anti join campaigns c using (campaign_id) "
        "where o.campaign_id is not null",
        "session campaign": "select count(*) from web_sessions s anti join campaigns c "
        "using (campaign_id) where s.campaign_id is not null",
        "livestream": "select count(*) from orders o anti join livestreams l "
        "using (livestream_id) where o.livestream_id is not null",
        "partner": "select count(*) from orders o anti join partners p using (partner_id) "
        "where o.partner_id is not null",
        "rep": "select count(*) from orders o anti join sales_reps r using (sales_rep_id) "
        "where o.sales_rep_id is not null",
        "partner rep": "select count(*) from partners p anti join sales_reps r using (sales_rep_id)",
        "event session": "select count(*) from web_events e anti join web_sessions s "
        "using (session_id)",
        "event product": "select count(*) from web_events e anti join products p "
        "using (product_id) where e.product_id is not null",
        "assigned visitor": "select count(*) from experiment_assignments a "
        "anti join web_sessions s using (visitor_id)",
        "view session": "select count(*) from content_views v anti join web_sessions s "
        "using (session_id)",
        "view item": "select count(*) from content_views v anti join content_items c "
        "using (content_id)",
        "ad campaign": "select count(*) from ad_spend a anti join campaigns c using (campaign_id)",
    }
    for what, sql in orphans.items():
        assert scalar(db, sql) == 0, what
    assert scalar(db, "select count(distinct partner_id) from partners") == 12
    assert scalar(db, "select count(distinct sales_rep_id) from sales_reps") == 8


def test_partner_orders_are_credited_to_the_partners_rep(db):
    assert (
        scalar(
            db,
            """select count(*) from orders o join partners p using (partner_id)
            where o.sales_rep_id <> p.sales_rep_id""",
        )
        == 0
    )


def test_livestream_orders_fall_on_their_stream(db):
    bad = scalar(
        db,
        """select count(*) from orders o join livestreams l using (livestream_id)
        where o.ordered_at < l.started_at or o.ordered_at > l.ended_at + interval 30 minute
           or o.ordered_at::date <> l.started_at::date""",
    )
    assert bad == 0
    assert scalar(db, "select count(*) from livestreams") >= len(DAYS)
    minutes, watch, viewers, avg, peak = db.execute(
        """select sum(epoch(ended_at - started_at) / 60), sum(watch_minutes),
                  sum(unique_viewers), min(avg_concurrent_viewers),
                  min(peak_concurrent_viewers - avg_concurrent_viewers)
           from livestreams"""
    ).fetchone()
    assert watch <= viewers * minutes and 1 <= watch / viewers <= 60
    assert avg >= 1 and peak >= 0
    conversion = scalar(
        db,
        """select count(distinct o.order_id) / (select sum(unique_viewers) from livestreams)
        from orders o where livestream_id is not null""",
    )
    assert 0.01 < conversion < 0.05


def test_ad_spend_matches_the_paid_sessions(db):
    rows = db.execute("""
        with sessions as (
            select campaign_id, started_at::date as spend_date, count(*) as sessions
            from web_sessions where campaign_id is not null group by all
        )
        select a.clicks, a.impressions, a.spend, coalesce(s.sessions, 0)
        from ad_spend a left join sessions s using (campaign_id, spend_date)""").fetchall()
    assert rows
    for clicks, impressions, spend, sessions in rows:
        assert 0 <= clicks <= impressions and spend >= 0
        assert sessions <= clicks <= sessions * 1.5 + 5
    assert (
        scalar(
            db,
            """select count(*) from ad_spend a join campaigns c using (campaign_id)
            where a.spend_date not between c.start_date and c.end_date""",
        )
        == 0
    )


def test_social_numbers_are_plausible(db):
    bad = scalar(
        db,
        """select count(*) from social_posts where clicks > impressions or reach > impressions
        or likes + comments + shares > impressions""",
    )
    assert bad == 0
    assert (
        scalar(
            db,
            """select count(*) from social_followers f join social_followers g
            on f.platform = g.platform and g.snapshot_date = f.snapshot_date + 1
            where g.followers <> f.followers + g.followers_gained - g.followers_lost""",
        )
        == 0
    )


def test_web_events_follow_their_session(db):
    counts = db.execute("""
        with e as (
            select session_id,
                   count(*) filter (event_type = 'page_view') as page_views,
                   count(*) filter (event_type = 'add_to_cart') as add_to_cart,
                   count(*) filter (event_type = 'purchase') as purchases,
                   min(occurred_at) as first_at, max(occurred_at) as last_at
            from web_events group by all
        ),
        o as (select distinct session_id from orders where session_id is not null)
        select count(*) filter (e.page_views <> s.page_views or e.add_to_cart <> s.add_to_cart_events
                                or e.first_at <> s.started_at or e.last_at > s.ended_at),
               count(*) filter (e.purchases <> (o.session_id is not null)::int),
               count(*) - (select count(*) from web_sessions)
        from web_sessions s join e using (session_id) left join o using (session_id)""").fetchone()
    assert counts == (0, 0, 0)
    assert (
        scalar(
            db,
            """select count(*) from web_events e join orders_latest o using (order_id)
            where e.event_type = 'purchase' and e.occurred_at <> o.ordered_at""",
        )
        == 0
    )


def test_content_views_are_the_blog_landings(db):
    landings = scalar(db, "select count(*) from web_sessions where landing_page like '/blog/%'")
    assert landings > 0
    assert scalar(db, "select count(*) from content_views") == landings
    assert (
        scalar(
            db,
            """select count(*) from content_views v join web_sessions s using (session_id)
            join content_items c using (content_id)
            where c.page <> s.landing_page or v.read_seconds > epoch(s.ended_at - s.started_at)
               or v.product_clicks > s.page_views - 1""",
        )
        == 0
    )


def _results(db) -> dict[tuple[str, str], tuple[int, float]]:
    rows = db.execute("""
        with buyers as (
            select distinct s.visitor_id, o.ordered_at
            from orders_latest o join web_sessions s using (session_id)
        ),
        assigned as (
            select a.experiment_id, a.variant, a.visitor_id,
                   bool_or(b.ordered_at >= a.assigned_at) as converted
            from experiment_assignments a left join buyers b using (visitor_id)
            group by all
        )
        select experiment_id, variant, count(*), avg(coalesce(converted, false)::int)
        from assigned group by all""").fetchall()
    return {(e, v): (n, rate) for e, v, n, rate in rows}


def test_the_designed_winner_converts_better_and_the_srm_test_is_imbalanced(db):
    names = dict(db.execute("select experiment_id, experiment_name from experiments").fetchall())
    results = _results(db)
    winner = next(e for e, n in names.items() if n == "one_page_checkout")
    srm = next(e for e, n in names.items() if n == "free_shipping_banner")
    assert results[(winner, "treatment")][1] > 1.1 * results[(winner, "control")][1]
    n_control, n_treatment = results[(srm, "control")][0], results[(srm, "treatment")][0]
    expected = (n_control + n_treatment) / 2
    chi_square = ((n_control - expected) ** 2 + (n_treatment - expected) ** 2) / expected
    assert chi_square > 10.83  # p < 0.001 with one degree of freedom
    w_control, w_treatment = results[(winner, "control")][0], results[(winner, "treatment")][0]
    assert abs(w_treatment - w_control) < 0.1 * (w_control + w_treatment)


def test_targets_add_up_and_cover_every_rep(db):
    rows = db.execute("""select target_level, sum(net_sales_target)
        from sales_targets group by all""").fetchall()
    totals = dict(rows)
    assert totals["company"] > 0
    for level in ("sales_channel", "region"):
        assert abs(totals[level] - totals["company"]) <= 20
    assert scalar(db, "select count(distinct sales_rep_id) from sales_targets") == 8


def test_same_arguments_give_identical_files(landing, tmp_path):
    generate(START, START + timedelta(days=3), tmp_path, scale=SCALE, seed=SEED)
    for source in GROWTH:
        for ds in DAYS[:4]:
            ours = landing_path(tmp_path, source, ds).read_bytes()
            theirs = landing_path(landing, source, ds).read_bytes()
            assert hashlib.sha256(ours).digest() == hashlib.sha256(theirs).digest(), (
                source.name,
                ds,
            )
