"""The demo company's commerce area: returns and reviews, derived from the core world.

Also home of what every operations area (commerce, supply chain, finance, security) uses to
read the world already written and to write its own files: :func:`open_world` and
:func:`write_days`.

Randomness is a hash of the entity's key, the area's seed and a salt (``u(key)`` in SQL,
:func:`uniform` in numpy), never a position in a random stream: a day's rows then depend only
on the world up to that day, so a longer run extends a shorter one byte for byte.

* **returns**: every line of an order whose status becomes ``returned`` is returned on that
  day (``received_at`` is when the order changed); the return was requested 1-5 days before,
  after delivery; the order's refund payment is split over its lines by line value.
* **reviews**: 18 % of delivered lines are reviewed 6 hours to 10 days after delivery; late
  deliveries get lower ratings.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np

from opspulse.demo.encoding import schema
from opspulse.demo.writer import LandingWriter
from opspulse.sources.contracts import SOURCES_BY_NAME, Source

AREA = "commerce"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _reader(source: Source, pattern: str) -> str:
    columns = (
        "{" + ", ".join(f"{_literal(c.name)}: {_literal(c.type)}" for c in source.columns) + "}"
    )
    d = source.csv
    if source.format == "csv":
        return (
            f"read_csv({_literal(pattern)}, columns={columns}, header=true, "
            f"delim={_literal(d.delimiter)}, quote={_literal(d.quote)}, escape={_literal(d.escape)}, "
            f"nullstr={_literal(d.null_string)}, timestampformat={_literal(d.timestamp_format)}, "
            f"dateformat={_literal(d.date_format)}, auto_detect=false, filename=true)"
        )
    if source.format == "ndjson":
        return (
            f"read_json({_literal(pattern)}, format='newline_delimited', columns={columns}, "
            f"timestampformat={_literal(d.timestamp_format)}, dateformat={_literal(d.date_format)}, "
            f"filename=true)"
        )
    return f"read_parquet({_literal(pattern)}, filename=true)"


def open_world(context, area: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a view per source already written (``ds`` = folder date).

    Change-record sources also get ``<source>_latest`` (the last version per key). The macro
    ``u(key)`` is a uniform number in [0, 1) fixed by the key and the area's seed.
    """
    con = duckdb.connect(":memory:", config={"threads": 1})
    for source in SOURCES_BY_NAME.values():
        folder = context.out_dir / source.name
        if not folder.is_dir() or not any(folder.glob(f"*/*{source.extensions[0]}")):
            continue
        pattern = str(folder / "*" / f"*{source.extensions[0]}")
        con.execute(
            f"""create view {source.name} as
            select * exclude (filename),
                   regexp_extract(filename, '(\\d{{4}}-\\d{{2}}-\\d{{2}})')::date as ds
            from {_reader(source, pattern)}
            where ds between date '{context.start}' and date '{context.end}'"""
        )
        if source.updated_at:
            key = ", ".join(source.key)
            con.execute(
                f"""create view {source.name}_latest as
                select * from {source.name}
                qualify row_number() over (
                    partition by {key} order by ds desc, {source.updated_at} desc) = 1"""
            )
    seed = context.rng_seed(area)
    con.execute(f"create macro u(k) as (hash(k::varchar || '|{seed}') % 1000003)::double / 1000003")
    return con


def days_of(context) -> list[date]:
    return [
        context.start + timedelta(days=i) for i in range((context.end - context.start).days + 1)
    ]


def write_days(
    context, writer: LandingWriter, source: Source, con, relation: str, order_by: str
) -> tuple[int, int]:
    """Write ``relation``'s rows of each day (its ``ds`` column) as that day's file."""
    columns = ", ".join(f'"{c.name}"::{c.type} as "{c.name}"' for c in source.columns)
    target = schema(source)
    rows = files = 0
    for day in days_of(context):
        table = con.sql(
            f"select {columns} from {relation} where ds = date '{day}' order by {order_by}"
        ).to_arrow_table()
        writer.write(source, day, table.cast(target))
        rows += table.num_rows
        files += 1
    return rows, files


def uniform(seed: int, *keys: np.ndarray | int) -> np.ndarray:
    """Uniform numbers in [0, 1) fixed by integer keys (splitmix64 of their mix)."""
    with np.errstate(over="ignore"):
        x = np.full(np.broadcast(*[np.asarray(k) for k in keys]).shape, seed, dtype=np.uint64)
        for k in keys:
            x = (x * np.uint64(0x100000001B3)) ^ np.asarray(k).astype(np.uint64)
            x = x + np.uint64(0x9E3779B97F4A7C15)
            x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


RETURNS_SQL = """
create table returns_out as
with returned as (
    select order_id, ds, updated_at as received_at
    from orders where status = 'returned'
    qualify row_number() over (partition by order_id order by ds, updated_at) = 1
),
delivered as (
    select order_id, delivered_at from orders_latest where delivered_at is not null
),
refunds as (
    select order_id, paid_at::date as day, sum(amount) as refund
    from payments where payment_type = 'refund' group by all
),
lines as (
    select
        r.order_id, r.ds, r.received_at, d.delivered_at, f.refund,
        i.order_item_id, i.product_id, i.quantity, i.quantity * i.unit_price as line_value,
        sum(i.quantity * i.unit_price) over (partition by r.order_id) as order_value,
        row_number() over (partition by r.order_id order by i.order_item_id) as line_no,
        u(r.order_id || 'reason') as u_reason,
        u(r.order_id || 'asked') as u_asked,
    from returned as r
    join delivered as d using (order_id)
    join refunds as f on f.order_id = r.order_id and f.day = r.ds
    join order_items as i on i.order_id = r.order_id
),
shares as (
    select *,
        round(refund * line_value / nullif(order_value, 0), 2)::decimal(12, 2) as share,
    from lines
)
select
    ds,
    'RT-' || order_item_id as return_id,
    order_id, order_item_id, product_id, quantity,
    case
        when u_reason < 0.12 then 'wrong_item'
        when u_reason < 0.25 then 'damaged'
        when u_reason < 0.50 then 'not_as_described'
        when u_reason < 0.90 then 'changed_mind'
        else 'too_late'
    end as reason,
    greatest(
        delivered_at + interval 1 hour,
        received_at - to_seconds((1 + 4 * u_asked) * 86400)::interval
    ) as requested_at,
    received_at,
    case when line_no = 1
        then refund - sum(share) over (partition by order_id) + share
        else share
    end as refund_amount,
from shares
"""

REVIEWS_SQL = """
create table reviews_out as
with delivered as (
    select order_id, customer_id, delivered_at,
           delivered_at::date > promised_delivery_date as is_late,
    from orders_latest where delivered_at is not null
),
reviewed as (
    select d.order_id, d.customer_id, d.is_late, i.order_item_id, i.product_id,
           date_trunc('second', d.delivered_at
               + to_seconds(6 * 3600 + u(i.order_item_id || 'when') * 10 * 86400)::interval)
               as reviewed_at,
           u(i.order_item_id || 'stars') as u_stars,
    from delivered as d join order_items as i using (order_id)
    where u(i.order_item_id || 'review') < 0.18
)
select
    reviewed_at::date as ds,
    'RV-' || order_item_id as review_id,
    order_id, product_id, customer_id,
    case
        when u_stars < (case when is_late then 0.15 else 0.04 end) then 1
        when u_stars < (case when is_late then 0.30 else 0.08 end) then 2
        when u_stars < (case when is_late then 0.50 else 0.18 end) then 3
        when u_stars < (case when is_late then 0.75 else 0.48 end) then 4
        else 5
    end as rating,
    reviewed_at,
from reviewed
"""


def write(context) -> dict[str, tuple[int, int]]:
    """Write this area's sources; returns rows and files written per source."""
    con = open_world(context, AREA)
    con.execute(RETURNS_SQL)
    con.execute(REVIEWS_SQL)
    written = {}
    with LandingWriter(context.out_dir) as writer:
        written["returns"] = write_days(
            context, writer, SOURCES_BY_NAME["returns"], con, "returns_out", "return_id"
        )
        written["reviews"] = write_days(
            context, writer, SOURCES_BY_NAME["reviews"], con, "reviews_out", "review_id"
        )
    con.close()
    context.progress(
        f"commerce: {written['returns'][0]:,} returns, {written['reviews'][0]:,} reviews"
    )
    return written
