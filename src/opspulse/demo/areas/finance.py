"""The demo company's ledger and budgets, booked from the world's own facts.

``gl_entries`` (one line per fact, posted on the day of the fact, amounts in the company
currency):

* ``revenue``: every charge on its paid day; a charge refunded because the order was
  cancelled before shipping is reversed by a negative revenue line on the cancellation day,
  so a day's revenue is the charges of that day's orders that stayed valid (cancellations
  happen within hours, on the order's day as a rule);
* ``refunds``: refunds of returned orders on the refund day;
* ``cogs``: units × the product's unit cost, per order on its ship day;
* ``opex:shipping`` (carrier costs of the day's shipped orders), ``opex:payment_fees``
  (1.9 % + 0.25 per charge), ``opex:marketing`` (the marketing area's ``ad_spend`` of the
  day, when that source exists), daily ``opex:payroll`` and ``opex:other`` accruals per
  department and monthly ``opex:rent`` and ``opex:software`` on the first of the month;
  fixed costs scale with the world's ``scale``.

``budgets``: per month, department and category, the plan the fixed costs follow (± a few
percent) and the variable ones expected from the world's volume (about 400 orders a day at
scale 1, growing 0.3 % a day), written on the first of each month and for the running month
on the first export day.
"""

from __future__ import annotations

from opspulse.demo.areas.landing import open_world, write_relation_days
from opspulse.demo.writer import LandingWriter
from opspulse.sources.contracts import SOURCES_BY_NAME

AREA = "finance"

DAILY = {  # (department, category): cost per day at scale 1
    ("operations", "payroll"): 2500,
    ("customer_service", "payroll"): 1000,
    ("marketing", "payroll"): 600,
    ("sales", "payroll"): 700,
    ("technology", "payroll"): 1200,
    ("finance", "payroll"): 300,
    ("people", "payroll"): 250,
    ("operations", "other"): 200,
    ("technology", "other"): 60,
    ("people", "other"): 90,
}
MONTHLY = {  # (department, category): cost on the first of the month at scale 1
    ("operations", "rent"): 30000,
    ("finance", "rent"): 6000,
    ("technology", "software"): 9000,
    ("marketing", "software"): 1500,
    ("customer_service", "software"): 1000,
}
VARIABLE = {  # (department, category): expected cost per order at scale 1
    ("operations", "shipping"): 7.2,
    ("finance", "payment_fees"): 1.85,
    ("marketing", "marketing"): 4.0,
}
ORDERS_PER_DAY = 400
GROWTH = 1.003


def _values(table: dict) -> str:
    return ", ".join(f"('{d}', '{c}', {v})" for (d, c), v in table.items())


def _ledger_sql(context, has_ad_spend: bool) -> str:
    s = context.scale
    marketing = (
        """
        union all
        select ds, 'opex:marketing', 'marketing', sum(spend), null, 'ad spend'
        from ad_spend group by ds"""
        if has_ad_spend
        else ""
    )
    return f"""
    create table gl_out as
    with days as (
        select unnest(generate_series(date '{context.start}', date '{context.end}',
                                      interval 1 day))::date as ds
    ),
    daily(department, category, base) as (values {_values(DAILY)}),
    monthly(department, category, base) as (values {_values(MONTHLY)}),
    refunds as (
        select p.paid_at::date as ds, p.payment_id, p.order_id, p.amount, o.status
        from payments as p
        left join orders as o on o.order_id = p.order_id and o.ds = p.paid_at::date
        where p.payment_type = 'refund'
    ),
    shipped as (
        select order_id, shipped_at::date as ds, shipping_cost
        from orders_latest where shipped_at is not null
    ),
    cogs as (
        select s.ds, s.order_id, sum(i.quantity * p.unit_cost) as amount
        from shipped as s
        join order_items as i using (order_id)
        asof join products as p on i.product_id = p.product_id and s.ds >= p.ds
        group by all
    ),
    lines(ds, account, department, amount, order_id, description) as (
        select paid_at::date, 'revenue', 'sales', amount, order_id, 'charge ' || payment_id
        from payments where payment_type = 'charge'
        union all
        select ds, 'revenue', 'sales', -amount, order_id, 'cancellation ' || payment_id
        from refunds where status = 'cancelled'
        union all
        select ds, 'refunds', 'customer_service', amount, order_id, 'refund ' || payment_id
        from refunds where status is distinct from 'cancelled'
        union all
        select ds, 'cogs', 'operations', amount, order_id, 'cost of goods shipped ' || order_id
        from cogs
        union all
        select ds, 'opex:shipping', 'operations', sum(coalesce(shipping_cost, 0)), null,
               'carrier charges'
        from shipped group by ds
        union all
        select paid_at::date, 'opex:payment_fees', 'finance',
               round(sum(amount) * 0.019 + 0.25 * count(*), 2), null, 'payment provider fees'
        from payments where payment_type = 'charge' group by all
        union all
        select d.ds, 'opex:' || c.category, c.department,
               round(c.base * {s} * (0.95 + 0.1 * u(c.department || c.category || d.ds)), 2),
               null, c.category || ' accrual'
        from days as d cross join daily as c
        union all
        select d.ds, 'opex:' || c.category, c.department, round(c.base * {s}, 2), null,
               c.category || ' for ' || strftime(d.ds, '%Y-%m')
        from days as d cross join monthly as c
        where day(d.ds) = 1
        {marketing}
    )
    select
        ds,
        'GL-' || strftime(ds, '%Y%m%d') || '-' || lpad(row_number() over (
            partition by ds order by account, department, description, amount)::varchar, 6, '0')
            as entry_id,
        ds as posted_date, account, department, amount::decimal(12, 2) as amount, order_id,
        description,
    from lines
    where ds between date '{context.start}' and date '{context.end}' and amount <> 0
    """


def _budgets_sql(context) -> str:
    s = context.scale
    return f"""
    create table budgets_out as
    with days as (
        select unnest(generate_series(date '{context.start}', date '{context.end}',
                                      interval 1 day))::date as ds
    ),
    months as (
        select ds, date_trunc('month', ds)::date as month,
               datediff('day', date '{context.start}', ds) as t,
               datediff('day', date_trunc('month', ds), date_trunc('month', ds)
                   + interval 1 month) as month_days,
        from days where day(ds) = 1 or ds = date '{context.start}'
    ),
    plan(department, category, base, kind) as (
        select *, 'daily' from (values {_values(DAILY)})
        union all select *, 'monthly' from (values {_values(MONTHLY)})
        union all select *, 'variable' from (values {_values(VARIABLE)})
    )
    select m.ds,
           'BUD-' || strftime(m.month, '%Y%m') || '-' || p.department || '-' || p.category
               as budget_id,
           m.month, p.department, p.category,
           round(case p.kind
               when 'daily' then p.base * {s} * m.month_days
               when 'monthly' then p.base * {s}
               else p.base * {ORDERS_PER_DAY} * {s} * pow({GROWTH}, m.t + 15) * m.month_days
           end * (0.96 + 0.08 * u(p.department || p.category || m.month)), 2)::decimal(12, 2)
               as amount,
    from months as m cross join plan as p
    """


def write(context) -> dict[str, tuple[int, int]]:
    """Write this area's sources; returns rows and files written per source."""
    con = open_world(context, AREA)
    has_ad_spend = bool(
        con.execute("select count(*) from duckdb_views() where view_name = 'ad_spend'").fetchone()[
            0
        ]
    )
    con.execute(_ledger_sql(context, has_ad_spend))
    con.execute(_budgets_sql(context))
    written = {}
    with LandingWriter(context.out_dir) as writer:
        written["gl_entries"] = write_relation_days(
            context, writer, SOURCES_BY_NAME["gl_entries"], con, "gl_out", "entry_id"
        )
        written["budgets"] = write_relation_days(
            context,
            writer,
            SOURCES_BY_NAME["budgets"],
            con,
            "budgets_out",
            "month, department, category",
        )
    con.close()
    context.progress(
        f"finance: {written['gl_entries'][0]:,} ledger lines, {written['budgets'][0]:,} budget lines"
    )
    return written
