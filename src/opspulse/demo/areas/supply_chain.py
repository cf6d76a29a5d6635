"""The demo company's supply chain: suppliers, purchase orders, stock, parcels, competitors.

* **suppliers** ``SUP-001``..``SUP-024`` (the ids of ``products.supplier_id``) arrive on the
  first export day, each with an agreed lead time of 3-12 days.
* **inventory_snapshots / purchase_orders**: a stock simulation per product over the days,
  vectorised over products. A new product starts with 10-40 days of the catalogue's average
  demand. Each day stock goes up by the POs received and the customer returns put back on the
  shelf (not ``damaged`` or ``wrong_item``) and down by the units shipped that day (the core
  world's ``shipped_at``); it never drops below 0, which is a stockout. When stock plus open
  POs falls to the reorder point (trailing 28-day demand over the lead time + 3 days), a PO
  tops it up to 24 days beyond the lead time. 14 % of POs arrive 1-6 days late, 7 % a day
  early, 8 % short (60-95 % of the units).
* **shipments** mirror the orders: one parcel per shipped order, written when it ships
  (``in_transit``) and when it is delivered, with the order's times, promise and cost.
* **competitor_prices**: four competitors each scrape about half of the active catalogue
  every day, priced around our list price of that day by their positioning.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from opspulse.demo.areas.landing import days_of, open_world, uniform, write_relation_days
from opspulse.demo.writer import LandingWriter
from opspulse.sources.areas.supply_chain import CARRIERS, COMPETITORS
from opspulse.sources.contracts import SOURCES_BY_NAME

AREA = "supply_chain"
SUPPLIERS = 24
NAMES = ("Acme", "Borealis", "Cobalt", "Delta", "Evergreen", "Fjord", "Granite", "Harbor")
KINDS = ("Trading", "Manufacturing", "Supply")
COUNTRIES = ("CN", "DE", "US", "VN", "PL", "IT", "TR", "IN")
COMPETITOR_POSITION = (0.97, 0.92, 1.02, 1.05)
RESTOCKED_REASONS = ("changed_mind", "too_late", "not_as_described")
MAX_DELAY_DAYS = 40


def _suppliers_sql(context) -> str:
    names = ", ".join(f"'{n} {k}'" for n in NAMES for k in KINDS)
    countries = ", ".join(f"'{c}'" for c in COUNTRIES)
    start = context.start
    return f"""
    create table suppliers_out as
    select
        date '{start}' as ds,
        'SUP-' || lpad(i::varchar, 3, '0') as supplier_id,
        [{names}][i] as supplier_name,
        [{countries}][1 + floor(u('country' || i) * {len(COUNTRIES)})::integer] as country,
        3 + floor(u('lead' || i) * 10)::integer as lead_time_days,
        [30, 45, 60][1 + floor(u('terms' || i) * 3)::integer] as payment_terms_days,
        true as is_active,
        timestamp '{start}' - to_seconds((30 + u('since' || i) * 700)::integer * 86400)::interval
            as created_at,
        timestamp '{start} 06:00:00' as updated_at,
    from range(1, {SUPPLIERS + 1}) as r(i)
    """


SHIPMENTS_SQL = f"""
create table shipments_out as
with shipped as (
    select order_id, shipped_at, delivered_at, promised_delivery_date,
           coalesce(shipping_cost, 0) as shipping_cost,
           'SH-' || order_id as shipment_id,
           [{", ".join(f"'{c}'" for c in CARRIERS)}][
               1 + case when u(order_id || 'carrier') < 0.35 then 0
                        when u(order_id || 'carrier') < 0.65 then 1
                        when u(order_id || 'carrier') < 0.85 then 2 else 3 end] as carrier,
    from orders_latest where shipped_at is not null
)
select shipped_at::date as ds, shipment_id, order_id, carrier, 'in_transit' as status,
       shipped_at, promised_delivery_date, null::timestamp as delivered_at, shipping_cost,
       shipped_at as updated_at,
from shipped
where delivered_at is null or delivered_at::date > shipped_at::date
union all
select delivered_at::date as ds, shipment_id, order_id, carrier, 'delivered' as status,
       shipped_at, promised_delivery_date, delivered_at, shipping_cost,
       delivered_at as updated_at,
from shipped
where delivered_at is not null
"""


def _competitors_sql(context) -> str:
    names = ", ".join(f"'{c}'" for c in COMPETITORS)
    positions = ", ".join(str(p) for p in COMPETITOR_POSITION)
    return f"""
    create table competitor_prices_out as
    with competitors as (
        select i, [{names}][i] as competitor, [{positions}][i] as position
        from range(1, {len(COMPETITORS) + 1}) as r(i)
    ),
    offers as (
        select g.day as ds, c.competitor, c.i, g.product_id, g.list_price,
               c.position + 0.16 * (u(c.competitor || g.product_id) - 0.5)
                   + 0.04 * (u(c.competitor || g.product_id || g.day) - 0.5) as factor,
        from product_days as g cross join competitors as c
        where g.is_active and u(c.competitor || g.product_id || g.day || 'seen') < 0.5
    )
    select ds,
           'CP-' || strftime(ds, '%Y%m%d') || '-' || competitor || '-' || product_id
               as observation_id,
           competitor, product_id,
           greatest(round(list_price * factor) - 0.01, 0.99)::decimal(12, 2) as price,
           u(competitor || product_id || ds || 'stock') < 0.9 as in_stock,
           ds::timestamp + to_seconds(((1 + i) * 3600
               + floor(u(competitor || product_id || ds || 'at') * 3600))::bigint)::interval
               as observed_at,
    from offers
    """


def _product_days(con, context) -> None:
    con.execute(
        f"""
        create table product_days as
        with days as (
            select unnest(generate_series(date '{context.start}', date '{context.end}',
                                          interval 1 day))::date as day
        ),
        ids as (select distinct product_id from products),
        grid as (select product_id, day from ids cross join days)
        select g.product_id, g.day, p.unit_cost, p.list_price, p.is_active, p.supplier_id,
        from grid as g
        asof join products as p on g.product_id = p.product_id and g.day >= p.ds
        """
    )


def _matrix(con, sql: str, ids: dict[str, int], n_days: int, start, dtype=np.int64):
    out = np.zeros((len(ids), n_days), dtype=dtype)
    rows = con.execute(sql).fetchnumpy()
    if len(rows["product_id"]):
        p = np.array([ids[x] for x in rows["product_id"]])
        t = (rows["day"].astype("datetime64[D]") - np.datetime64(start, "D")).astype(np.int64)
        keep = (t >= 0) & (t < n_days)
        np.add.at(out, (p[keep], t[keep]), rows["value"][keep].astype(dtype))
    return out


def _simulate_stock(con, context) -> tuple[pa.Table, pa.Table]:
    """Daily stock and the purchase orders that refill it, vectorised over products."""
    seed = context.rng_seed(AREA)
    days = days_of(context)
    n_days = len(days)
    grid = con.execute(
        "select product_id, day, unit_cost::double as unit_cost, is_active, "
        "supplier_id from product_days order by product_id, day"
    ).fetchnumpy()
    product_ids = np.unique(grid["product_id"]) if len(grid["product_id"]) else np.array([], str)
    ids = {p: i for i, p in enumerate(product_ids.tolist())}
    n = len(ids)
    exists = np.zeros((n, n_days), dtype=bool)
    unit_cost = np.zeros((n, n_days))
    active = np.zeros((n, n_days), dtype=bool)
    supplier = np.full(n, "", dtype=object)
    if n:
        p = np.array([ids[x] for x in grid["product_id"]])
        t = (grid["day"].astype("datetime64[D]") - np.datetime64(context.start, "D")).astype(int)
        known = ~np.ma.getmaskarray(grid["unit_cost"])
        exists[p[known], t[known]] = True
        unit_cost[p[known], t[known]] = np.ma.getdata(grid["unit_cost"])[known]
        active[p[known], t[known]] = np.ma.getdata(grid["is_active"])[known].astype(bool)
        supplier[p[known]] = np.ma.getdata(grid["supplier_id"])[known]
    lead_of = dict(con.execute("select supplier_id, lead_time_days from suppliers_out").fetchall())
    lead = np.array([lead_of.get(s, 7) for s in supplier], dtype=np.int64)
    number = np.array([int("".join(ch for ch in x if ch.isdigit()) or 0) for x in ids], np.int64)
    ordered = _matrix(
        con,
        "select product_id, ds as day, sum(quantity) as value from order_items group by all",
        ids,
        n_days,
        context.start,
    )
    shipped = _matrix(
        con,
        "select i.product_id, o.shipped_at::date as day, sum(i.quantity) as value "
        "from order_items as i join orders_latest as o using (order_id) "
        "where o.shipped_at is not null group by all",
        ids,
        n_days,
        context.start,
    )
    reasons = ", ".join(f"'{r}'" for r in RESTOCKED_REASONS)
    restocked = (
        _matrix(
            con,
            f"select product_id, ds as day, sum(quantity) as value from returns "
            f"where reason in ({reasons}) group by all",
            ids,
            n_days,
            context.start,
        )
        if con.execute(
            "select count(*) from duckdb_views() where view_name = 'returns'"
        ).fetchone()[0]
        else np.zeros((n, n_days), np.int64)
    )

    cum = np.concatenate([np.zeros((n, 1), np.int64), np.cumsum(ordered, axis=1)], axis=1)
    first = np.where(exists.any(axis=1), exists.argmax(axis=1), n_days)
    on_hand = np.zeros(n, np.int64)
    on_order = np.zeros(n, np.int64)
    arriving = np.zeros((n, n_days + MAX_DELAY_DAYS), np.int64)
    closing = np.zeros((n, n_days + MAX_DELAY_DAYS), np.int64)
    snaps, pos = [], []
    for t, day in enumerate(days):
        live = exists[:, t]
        ordinal = day.toordinal()
        seen_days = np.clip(t - first + 1, 1, 28)
        rate = (cum[:, t + 1] - cum[:, max(t + 1 - 28, 0)]) / seen_days
        catalogue = rate[live].mean() if live.any() else 0.0
        rate = np.maximum(rate, max(0.3 * catalogue, 0.05))
        new = first == t
        on_hand[new] = (
            np.ceil(catalogue * (10 + 30 * uniform(seed, number[new], 1))).astype(np.int64) + 2
        )
        received = arriving[:, t]
        on_order -= closing[:, t]
        on_hand = np.where(
            live, np.maximum(on_hand + received + restocked[:, t] - shipped[:, t], 0), 0
        )
        position = on_hand + on_order
        reorder = np.ceil(rate * (lead + 3))
        need = live & active[:, t] & (position <= reorder)
        k = np.flatnonzero(need)
        if len(k):
            target = np.ceil(rate[k] * (lead[k] + 24)) + 4
            qty = (np.ceil(np.maximum(target - position[k], 5) / 5) * 5).astype(np.int64)
            u1, u2, u3, u4, u5, u6 = (uniform(seed, number[k], ordinal, s) for s in range(2, 8))
            delay = np.where(u1 < 0.14, 1 + (u2 * 6).astype(np.int64), np.where(u1 > 0.93, -1, 0))
            got = np.where(u3 < 0.08, np.floor(qty * (0.6 + 0.35 * u4)).astype(np.int64), qty)
            arrive = t + lead[k] + delay
            np.add.at(arriving, (k, arrive), got)
            np.add.at(closing, (k, arrive), qty)
            on_order[k] += qty
            pos.append((k, np.full(len(k), t), qty, got, lead[k], arrive, u5, u6))
        i = np.flatnonzero(live)
        snaps.append(
            (
                i,
                np.full(len(i), t),
                on_hand[i],
                on_order[i],
                received[i],
                restocked[i, t],
                shipped[i, t],
                unit_cost[i, t],
            )
        )

    start = np.datetime64(context.start, "D")

    def cat(parts, j, dtype=np.int64):
        return np.concatenate([p[j] for p in parts]).astype(dtype) if parts else np.zeros(0, dtype)

    i, t = cat(snaps, 0), cat(snaps, 1)
    pid = product_ids[i] if n else np.zeros(0, str)
    snapshot_id = (
        np.strings.add(
            np.strings.add("INV-", np.datetime_as_string(start + t).astype(str)),
            np.strings.add("-", pid.astype(str)),
        )
        if len(i)
        else np.zeros(0, str)
    )
    snapshot = pa.table(
        {
            "ds": pa.array(start + t),
            "snapshot_id": pa.array(snapshot_id, pa.string()),
            "snapshot_date": pa.array(start + t),
            "product_id": pa.array(product_ids[i] if n else np.zeros(0, str), pa.string()),
            "on_hand": cat(snaps, 2),
            "on_order": cat(snaps, 3),
            "units_received": cat(snaps, 4),
            "units_returned": cat(snaps, 5),
            "units_shipped": cat(snaps, 6),
            "unit_cost": pa.array(cat(snaps, 7, np.float64)),
        }
    )
    k, t, qty, got, lt, arrive = (cat(pos, j) for j in range(6))
    u5, u6 = cat(pos, 6, np.float64), cat(pos, 7, np.float64)
    ordered_at = (start + t).astype("datetime64[s]") + (7 * 3600 + u5 * 9 * 3600).astype(np.int64)
    received_at = (start + arrive).astype("datetime64[s]") + (8 * 3600 + u6 * 8 * 3600).astype(
        np.int64
    )
    po_id = (
        np.strings.add(
            np.strings.add("PO-", np.datetime_as_string(start + t).astype(str)),
            np.strings.add("-", product_ids[k] if n else np.zeros(0, str)),
        )
        if len(k)
        else np.zeros(0, str)
    )
    cost = unit_cost[k, t] if len(k) else np.zeros(0)
    base = {
        "po_id": pa.array(po_id, pa.string()),
        "supplier_id": pa.array(
            supplier[k].astype(str) if len(k) else np.zeros(0, str), pa.string()
        ),
        "product_id": pa.array(product_ids[k] if len(k) else np.zeros(0, str), pa.string()),
        "qty_ordered": qty,
        "unit_cost": pa.array(cost),
        "ordered_at": pa.array(ordered_at),
        "expected_date": pa.array(start + t + lt),
    }
    placed = pa.table(
        {
            **base,
            "ds": pa.array(start + t),
            "status": pa.array(["open"] * len(k), pa.string()),
            "qty_received": pa.nulls(len(k), pa.int64()),
            "received_at": pa.nulls(len(k), pa.timestamp("s")),
            "updated_at": pa.array(ordered_at),
        }
    )
    done = pa.table(
        {
            **base,
            "ds": pa.array(start + arrive),
            "status": pa.array(["received"] * len(k), pa.string()),
            "qty_received": got,
            "received_at": pa.array(received_at),
            "updated_at": pa.array(received_at),
        }
    )
    return snapshot, pa.concat_tables([placed, done.select(placed.column_names)])


def write(context) -> dict[str, tuple[int, int]]:
    """Write this area's sources; returns rows and files written per source."""
    con = open_world(context, AREA)
    con.execute(_suppliers_sql(context))
    con.execute(SHIPMENTS_SQL)
    _product_days(con, context)
    con.execute(_competitors_sql(context))
    snapshot, purchase_orders = _simulate_stock(con, context)
    con.register("inventory_out", snapshot)
    con.register("purchase_orders_out", purchase_orders)
    plan = (
        ("suppliers", "suppliers_out", "supplier_id"),
        ("purchase_orders", "purchase_orders_out", "po_id"),
        ("inventory_snapshots", "inventory_out", "product_id"),
        ("shipments", "shipments_out", "shipment_id"),
        ("competitor_prices", "competitor_prices_out", "competitor, product_id"),
    )
    written = {}
    with LandingWriter(context.out_dir) as writer:
        for name, relation, order_by in plan:
            written[name] = write_relation_days(
                context, writer, SOURCES_BY_NAME[name], con, relation, order_by
            )
    con.close()
    context.progress(
        "supply chain: " + ", ".join(f"{rows:,} {name}" for name, (rows, _) in written.items())
    )
    return written
