"""The demo company's commerce area: returns and reviews, derived from the core world.

It reads the world already written and writes its files with the shared helpers of
:mod:`opspulse.demo.areas.landing` (:func:`open_world`, :func:`write_relation_days`).

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

from opspulse.demo.areas.landing import open_world, write_relation_days
from opspulse.demo.writer import LandingWriter
from opspulse.sources.contracts import SOURCES_BY_NAME

AREA = "commerce"


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
        written["returns"] = write_relation_days(
            context, writer, SOURCES_BY_NAME["returns"], con, "returns_out", "return_id"
        )
        written["reviews"] = write_relation_days(
            context, writer, SOURCES_BY_NAME["reviews"], con, "reviews_out", "review_id"
        )
    con.close()
    context.progress(
        f"commerce: {written['returns'][0]:,} returns, {written['reviews'][0]:,} reviews"
    )
    return written
