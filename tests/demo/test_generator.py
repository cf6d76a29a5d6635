"""The demo company simulator: determinism, layout, contract types and a coherent world."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from opspulse.demo import GenerationSummary, generate
from opspulse.demo.encoding import empty_table
from opspulse.demo.world import World
from opspulse.demo.writer import LandingWriter, landing_path
from opspulse.sources.contracts import CORE_SOURCES, SOURCES
from opspulse.sources.readers import sql_literal, typed_reader

START = date(2026, 3, 2)  # a Monday
END = date(2026, 3, 15)
DAYS = [START + timedelta(days=i) for i in range((END - START).days + 1)]
SCALE = 0.05
SEED = 7


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> tuple[Path, GenerationSummary]:
    out = tmp_path_factory.mktemp("landing")
    messages: list[str] = []
    summary = generate(START, END, out, scale=SCALE, seed=SEED, progress=messages.append)
    assert messages, "progress is reported"
    return out, summary


@pytest.fixture(scope="module")
def db(landing) -> duckdb.DuckDBPyConnection:
    """Every source as a view (``ds`` = folder date) plus ``<source>_latest`` per key."""
    out, _ = landing
    con = duckdb.connect()
    for source in SOURCES:
        path = str(out / source.name / "*" / f"{source.name}{source.extensions[0]}")
        con.execute(f"""create view {source.name} as
            select * exclude (filename),
                   regexp_extract(filename, '(\\d{{4}}-\\d{{2}}-\\d{{2}})')::date as ds
            from {typed_reader(source, path, filename=True)}""")
        if source.updated_at:
            con.execute(f"""create view {source.name}_latest as select * from {source.name}
                qualify row_number() over (partition by {source.key[0]}
                                           order by {source.updated_at} desc) = 1""")
    return con


def scalar(db, sql: str):
    return db.execute(sql).fetchone()[0]


# --- layout, formats, determinism ---------------------------------------------------------


def test_summary_reports_rows_files_and_speed(landing, db):
    _, summary = landing
    assert summary.files == len(SOURCES) * len(DAYS)
    assert set(summary.rows) == {s.name for s in SOURCES}
    for source in SOURCES:
        assert summary.rows[source.name] == scalar(db, f"select count(*) from {source.name}")
    assert summary.total_rows > 0 and summary.seconds > 0 and summary.rows_per_second > 0
    assert summary.as_dict()["files"] == summary.files


def test_one_file_per_source_per_day(landing):
    out, _ = landing
    for source in SOURCES:
        folders = sorted(p.name for p in (out / source.name).iterdir())
        assert folders == [d.isoformat() for d in DAYS]
        for ds in DAYS:
            files = list((out / source.name / ds.isoformat()).iterdir())
            assert files == [landing_path(out, source, ds)]
            assert files[0].suffix in source.extensions


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_files_load_with_the_contract_types(landing, source):
    out, _ = landing
    con = duckdb.connect()
    expected = [(c.name, c.type) for c in source.columns]
    for ds in DAYS:
        path = landing_path(out, source, ds)
        relation = con.sql(
            f"select * exclude (filename) from {typed_reader(source, str(path), filename=True)}"
        )
        assert list(zip(relation.columns, map(str, relation.types), strict=True)) == expected
        relation.fetchall()  # every value parses
        if source.format == "csv":
            assert path.read_text().splitlines()[0] == ",".join(source.column_names)
        if source.format == "parquet":
            actual = con.sql(f"select * from read_parquet({sql_literal(str(path))})")
            assert list(zip(actual.columns, map(str, actual.types), strict=True)) == expected


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_days_without_rows_still_get_a_readable_file(tmp_path, source):
    with LandingWriter(tmp_path) as writer:
        path = writer.write(source, START, empty_table(source))
    if source.format == "csv":
        assert path.read_text() == ",".join(source.column_names) + "\n"
    if source.format == "ndjson":
        assert path.read_bytes() == b""
    if source.format == "parquet":
        assert pq.read_schema(path).names == list(source.column_names)
    assert (
        scalar(
            duckdb.connect(),
            f"select count(*) from {typed_reader(source, str(path), filename=True)}",
        )
        == 0
    )


def test_same_seed_gives_identical_bytes(landing, tmp_path):
    out, _ = landing
    generate(START, END, tmp_path, scale=SCALE, seed=SEED)
    assert tree_digest(tmp_path) == tree_digest(out)


def test_another_seed_gives_another_world(landing, tmp_path):
    out, _ = landing
    generate(START, END, tmp_path / "other", scale=SCALE, seed=SEED + 1)
    with LandingWriter(tmp_path / "empty") as writer:
        empty = {s.name: writer.write(s, START, empty_table(s)).read_bytes() for s in SOURCES}
    ours, theirs = tree_digest(out), tree_digest(tmp_path / "other")
    assert ours.keys() == theirs.keys()
    same = [k for k in ours if ours[k] == theirs[k]]
    for key in same:  # only days without rows may be equal
        assert (out / key).read_bytes() == empty[key.split("/")[0]], key
    core = {s.name for s in CORE_SOURCES}  # the areas have many legitimately empty days
    in_core = [k for k in ours if k.split("/")[0] in core]
    assert len([k for k in same if k in in_core]) < len(in_core) / 4


def test_a_longer_run_extends_a_shorter_one(landing, tmp_path):
    out, _ = landing
    generate(START, START + timedelta(days=4), tmp_path, scale=SCALE, seed=SEED)
    shorter = tree_digest(tmp_path)
    longer = tree_digest(out)
    assert shorter == {k: longer[k] for k in shorter}


def test_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError):
        generate(END, START, tmp_path)
    with pytest.raises(ValueError):
        generate(START, END, tmp_path, scale=0)


# --- the contract's own rules -------------------------------------------------------------


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_required_columns_keys_and_accepted_values(db, source):
    name = source.name
    for column in source.required_columns:
        assert scalar(db, f"select count(*) from {name} where {column} is null") == 0, column
    for column in source.columns:
        if column.accepted_values:
            values = {
                r[0]
                for r in db.execute(
                    f"select distinct {column.name} from {name} where {column.name} is not null"
                ).fetchall()
            }
            assert values <= set(column.accepted_values), column.name
    key = ", ".join(source.key)
    assert scalar(db, f"select count(*) - count(distinct ({key}, ds)) from {name}") == 0


@pytest.mark.parametrize("source", [s for s in SOURCES if s.updated_at], ids=lambda s: s.name)
def test_change_records_are_dated_on_their_export_day(db, source):
    """Each file holds changes of its day; only day one carries the history before it."""
    bad = scalar(
        db,
        f"""select count(*) from {source.name}
        where {source.updated_at}::date <> ds
          and not (ds = date '{START}' and {source.updated_at} < timestamp '{START}')""",
    )
    assert bad == 0


def test_initial_customers_and_catalogue_arrive_on_day_one(db):
    assert (
        scalar(
            db, f"select count(*) from customers where created_at < '{START}' and ds = '{START}'"
        )
        >= 1000
    )
    assert (
        scalar(
            db,
            f"select count(*) from customers where created_at < '{START}' "
            f"and ds > '{START}' and updated_at = created_at",
        )
        == 0
    )
    assert scalar(db, f"select count(*) from products where ds = '{START}'") >= 60
    assert (
        scalar(db, f"select count(*) from customers where ds > '{START}' and created_at::date = ds")
        > 0
    ), "daily sign-ups"


# --- a coherent world ---------------------------------------------------------------------


def test_referential_integrity(db):
    orphans = {
        "items without order": "select count(*) from order_items i anti join orders o "
        "using (order_id)",
        "orders without customer": "select count(*) from orders o anti join customers c "
        "using (customer_id)",
        "payments without order": "select count(*) from payments p anti join orders o "
        "using (order_id)",
        "tickets without order": "select count(*) from support_tickets t anti join orders o "
        "using (order_id) where t.order_id is not null",
        "tickets without customer": "select count(*) from support_tickets t "
        "anti join customers c using (customer_id)",
        "items without product": "select count(*) from order_items i anti join products p "
        "using (product_id)",
        "orders without session": "select count(*) from orders o anti join web_sessions s "
        "using (session_id) where o.session_id is not null",
    }
    for what, sql in orphans.items():
        assert scalar(db, sql) == 0, what


def test_web_orders_come_from_their_session(db):
    rows = db.execute("""
        select o.sales_channel in ('web', 'app') as web,
               o.session_id is not null as has_session,
               s.customer_id = o.customer_id as same_customer,
               o.ordered_at between s.started_at and s.ended_at as inside,
               s.add_to_cart_events >= 1 and s.page_views >= 3 as engaged,
               s.ds = o.ordered_at::date as same_day
        from orders_latest o left join web_sessions s using (session_id)""").fetchall()
    assert rows
    for web, has_session, same_customer, inside, engaged, same_day in rows:
        assert web == has_session
        if has_session:
            assert same_customer and inside and engaged and same_day


def test_channel_attribution_is_consistent(db):
    bad = scalar(
        db,
        """select count(*) from orders_latest where
        (livestream_id is not null) <> (sales_channel = 'livestream')
        or (partner_id is not null) <> (sales_channel = 'partner')
        or (sales_rep_id is not null and partner_id is null)
        or (campaign_id is not null and session_id is null)""",
    )
    assert bad == 0
    assert scalar(db, "select count(distinct sales_channel) from orders_latest") == 5
    assert scalar(db, "select count(*) from orders_latest where campaign_id like 'CMP-____'") > 0


def test_customers_exist_before_they_order(db):
    assert (
        scalar(
            db,
            """select count(*) from orders_latest o join customers_latest c
        using (customer_id) where c.created_at > o.ordered_at""",
        )
        == 0
    )


def test_lines_are_written_with_their_order_at_the_list_price(db):
    assert (
        scalar(
            db,
            """select count(*) from order_items i join orders o using (order_id)
        where o.status = 'placed' and o.ordered_at::date = o.ds and i.ds <> o.ds""",
        )
        == 0
    )
    assert (
        scalar(
            db,
            "select count(*) from order_items i anti join orders o "
            "on i.order_id = o.order_id and i.ds = o.ordered_at::date",
        )
        == 0
    )
    assert scalar(db, "select min(quantity) from order_items") >= 1
    assert scalar(db, "select count(*) from order_items where quantity > 3") <= scalar(
        db, "select count(*) * 0.1 from order_items"
    )
    lines_per_order = db.execute(
        "select min(n), max(n) from (select count(*) n from order_items group by order_id)"
    ).fetchone()
    assert lines_per_order[0] >= 1 and lines_per_order[1] <= 4
    prices = db.execute("""
        select count(*), count(*) filter (i.unit_price = p.list_price),
               count(*) filter (i.unit_price > p.list_price or i.unit_price < 0.8 * p.list_price),
               count(*) filter (p.launched_at >= o.ordered_at)
        from order_items i join orders_latest o using (order_id)
        asof join products p on i.product_id = p.product_id and o.ordered_at >= p.updated_at
        """).fetchone()
    total, at_list, out_of_range, not_launched = prices
    assert at_list >= 0.9 * total
    assert out_of_range == 0 and not_launched == 0


def test_products_are_priced_above_cost(db):
    assert scalar(db, "select count(*) from products where unit_cost >= list_price") == 0
    assert scalar(db, "select count(distinct category) from products") >= 6


def test_payments_add_up(db):
    totals = db.execute(
        f"""
        with goods as (
            select order_id, sum(quantity * unit_price) as goods from order_items group by all
        ),
        money as (
            select order_id,
                   sum(amount) filter (payment_type = 'charge') as charged,
                   count(*) filter (payment_type = 'charge') as charges,
                   coalesce(sum(amount) filter (payment_type = 'refund'), 0) as refunded
            from payments group by all
        )
        select count(*) filter (m.charges > 1),
               count(*) filter (m.charged <> g.goods - o.discount_amount),
               count(*) filter (m.refunded > coalesce(m.charged, 0)),
               count(*) filter (o.status = 'unavailable' and m.charged is not null),
               count(*) filter (o.status <> 'unavailable' and m.charged is null
                                and o.ordered_at < timestamp '{END}'),
               count(*) filter (o.status = 'cancelled' and m.refunded <> m.charged),
               count(*) filter (m.refunded > 0)
        from orders_latest o join goods g using (order_id) left join money m using (order_id)
        """
    ).fetchone()
    (
        duplicates,
        wrong,
        over_refunded,
        charged_unavailable,
        uncharged,
        cancel_not_refunded,
        refunds,
    ) = totals
    assert (
        duplicates,
        wrong,
        over_refunded,
        charged_unavailable,
        uncharged,
        cancel_not_refunded,
    ) == (0, 0, 0, 0, 0, 0)
    assert refunds > 0
    assert scalar(db, "select min(amount) from payments") > 0
    assert (
        scalar(
            db,
            """select count(*) from payments p join orders_latest o using (order_id)
        where p.paid_at < o.ordered_at""",
        )
        == 0
    )


def test_order_lifecycle(db):
    bad_records = scalar(
        db,
        """select count(*) from orders where
        (status = 'placed' and (shipped_at is not null or cancelled_at is not null))
        or (status = 'shipped' and (shipped_at is null or delivered_at is not null))
        or (status in ('delivered', 'returned') and delivered_at is null)
        or (status = 'cancelled' and (cancelled_at is null or shipped_at is not null))
        or (status = 'unavailable' and shipped_at is not null)
        or shipped_at < ordered_at or delivered_at <= shipped_at or cancelled_at < ordered_at
        or (shipped_at is null) <> (shipping_cost is null)
        or promised_delivery_date <= ordered_at::date""",
    )
    assert bad_records == 0
    backwards = scalar(
        db,
        """
        with ranked as (
            select case status when 'placed' then 0 when 'shipped' then 1
                               when 'delivered' then 2 when 'returned' then 3 else 9 end as step,
                   lag(step) over (partition by order_id order by updated_at) as previous_step
            from orders
        )
        select count(*) from ranked where step < previous_step""",
    )
    assert backwards == 0
    assert scalar(db, "select count(*) from orders where status = 'placed'") > 0


def test_the_world_has_the_events_kpis_need(db):
    counts = db.execute("""select
        count(*) filter (status = 'cancelled'),
        count(*) filter (delivered_at::date > promised_delivery_date),
        count(*) filter (delivered_at::date = promised_delivery_date),
        count(*) filter (delivered_at::date < promised_delivery_date),
        count(*) filter (discount_amount > 0)
        from orders_latest""").fetchone()
    assert all(n > 0 for n in counts), counts
    returning = scalar(
        db,
        """select count(*) from (select customer_id from orders_latest
        group by all having count(*) >= 2)""",
    )
    assert returning > 0
    assert scalar(db, "select count(*) from web_sessions where page_views = 1") > 0
    assert (
        scalar(
            db,
            """select count(*) from web_sessions s anti join orders o
        using (session_id) where s.add_to_cart_events > 0""",
        )
        > 0
    ), "abandoned carts"


def test_sessions_are_plausible(db):
    bad = scalar(
        db,
        """select count(*) from web_sessions where page_views < 1
        or add_to_cart_events < 0 or ended_at < started_at or started_at::date <> ds
        or (campaign_id is not null and traffic_channel not in ('paid_search', 'social', 'email'))
        or not regexp_full_match(landing_page, '/|/c/[a-z]+|/p/P[0-9]{4}|/blog/[a-z0-9-]+')""",
    )
    assert bad == 0
    assert scalar(db, "select count(*) from web_sessions where customer_id is not null") > 0
    assert (
        scalar(
            db,
            "select count(*) from web_sessions s anti join customers c "
            "using (customer_id) where s.customer_id is not null",
        )
        == 0
    )


def test_tickets_follow_orders_and_resolve(db):
    assert (
        scalar(
            db,
            """select count(*) from support_tickets_latest t join orders_latest o
        using (order_id) where t.customer_id <> o.customer_id
        or t.opened_at < o.ordered_at""",
        )
        == 0
    )
    bad = scalar(
        db,
        """select count(*) from support_tickets where
        first_response_at < opened_at or resolved_at < first_response_at
        or (status = 'resolved') <> (resolved_at is not null)
        or (csat_score is not null and (status <> 'resolved' or csat_score not between 1 and 5))
        or reopen_count not in (0, 1)""",
    )
    assert bad == 0
    first = db.execute(f"""select count(*), count(*) filter (status = 'open')
        from support_tickets where opened_at::date = ds and ds > date '{START}'""").fetchone()
    assert first[0] > 0
    tickets = scalar(db, "select count(distinct ticket_id) from support_tickets")
    orders = scalar(db, "select count(*) from orders_latest")
    assert 0.01 < tickets / orders < 0.12


def test_customer_contact_details_are_fake(db):
    assert (
        scalar(
            db,
            "select count(*) from customers where email is not null "
            "and not regexp_full_match(email, '[a-z.]+[0-9]+@example\\.(com|net|org)')",
        )
        == 0
    )
    assert scalar(db, "select count(distinct country) from customers") >= 10


# --- volumes ------------------------------------------------------------------------------


def test_weekday_seasonality_and_scale():
    """Mondays out-sell Saturdays; volume follows ``scale`` (simulated, not written)."""
    world = World(START, 28, scale=0.5, seed=SEED)
    per_day = []
    for t in range(28):
        before = world.next_order
        world.simulate_day(t)
        per_day.append(world.next_order - before)
    per_day = np.array(per_day)
    mondays, saturdays = per_day[0::7], per_day[5::7]  # START is a Monday
    assert mondays.mean() > 1.15 * saturdays.mean()
    assert 150 < per_day[:7].mean() < 250, "about 400 orders a day at scale 1"


def test_change_record_files_hold_one_row_per_key_even_on_busy_days(tmp_path):
    """At full scale day one carries both an initial customer and that day's edit of it."""
    generate(date(2026, 9, 1), date(2026, 9, 2), tmp_path, scale=1.0, seed=42)
    for source in (s for s in SOURCES if s.updated_at):
        for path in sorted((tmp_path / source.name).rglob(f"*{source.extensions[0]}")):
            reader = {"csv": "read_csv", "ndjson": "read_json", "parquet": "read_parquet"}
            key = source.key[0]
            rows, keys = duckdb.sql(
                f"select count(*), count(distinct {key}) from {reader[source.format]}('{path}')"
            ).fetchall()[0]
            assert rows == keys, path
