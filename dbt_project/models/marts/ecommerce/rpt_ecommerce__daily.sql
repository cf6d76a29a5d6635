{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'net_sales': 'decimal(18, 2)',
    'valid_orders': 'bigint',
    'avg_order_value': 'double',
    'pct_cart_abandonment': 'double',
} -%}

{#- days read before the first recomputed day: a 30-day refund window, then 7-day trends -#}
{%- set history_days = 37 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where ordered_date >= {{ report_read_from(history_days) }}

),

sessions as (

    select * from {{ ref('fct_web_sessions') }}
    where session_date >= {{ report_read_from(history_days) }}

),

payments as (

    select * from {{ ref('fct_payments') }}
    where paid_date >= {{ report_read_from(history_days) }}

),

product_changes as (

    select * from {{ ref('fct_product_changes') }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

orders_daily as (

    select
        ordered_date as report_date,
        sum(gmv) as gmv,
        sum(discount_amount) filter (where is_valid) as discount_amount,
        sum(net_sales) as net_sales,
        count(*) as placed_orders,
        count(*) filter (where is_valid) as valid_orders,
        count(*) filter (where not is_valid) as cancelled_orders,
        sum(units) filter (where is_valid) as valid_units

    from orders
    group by ordered_date

),

sessions_daily as (

    select
        session_date as report_date,
        count(*) filter (where has_add_to_cart) as sessions_with_cart,
        count(*) filter (where has_add_to_cart and not has_order) as abandoned_cart_sessions

    from sessions
    group by session_date

),

refunds_daily as (

    select
        paid_date as report_date,
        sum(refund_amount) as refund_amount

    from payments
    where is_refund
    group by paid_date

),

listings_daily as (

    select
        dates.date_day as report_date,
        count(product_changes.product_id) as active_listings

    from dates
    inner join product_changes
        on
            dates.date_day >= product_changes.valid_from_date
            and dates.date_day < coalesce(product_changes.valid_to_date, date '9999-12-31')
    where product_changes.is_active
    group by dates.date_day

),

price_changes_daily as (

    select
        changed_date as report_date,
        count(*) as price_changes

    from product_changes
    where is_price_change
    group by changed_date

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'ecommerce', headline_kpis) }}

),

daily as (

    select
        dates.date_day as report_date,
        coalesce(orders_daily.gmv, 0) as gmv,
        coalesce(orders_daily.discount_amount, 0) as discount_amount,
        coalesce(orders_daily.net_sales, 0) as net_sales,
        coalesce(orders_daily.placed_orders, 0) as placed_orders,
        coalesce(orders_daily.valid_orders, 0) as valid_orders,
        coalesce(orders_daily.cancelled_orders, 0) as cancelled_orders,
        coalesce(orders_daily.valid_units, 0) as valid_units,
        coalesce(sessions_daily.sessions_with_cart, 0) as sessions_with_cart,
        coalesce(sessions_daily.abandoned_cart_sessions, 0) as abandoned_cart_sessions,
        coalesce(refunds_daily.refund_amount, 0) as refund_amount,
        coalesce(listings_daily.active_listings, 0) as active_listings,
        coalesce(price_changes_daily.price_changes, 0) as price_changes

    from dates
    left join orders_daily
        on dates.date_day = orders_daily.report_date
    left join sessions_daily
        on dates.date_day = sessions_daily.report_date
    left join refunds_daily
        on dates.date_day = refunds_daily.report_date
    left join listings_daily
        on dates.date_day = listings_daily.report_date
    left join price_changes_daily
        on dates.date_day = price_changes_daily.report_date

),

kpis as (

    select
        *,
        {{ safe_divide('cancelled_orders', 'placed_orders') }} as pct_cancelled,
        {{ safe_divide('net_sales', 'valid_orders') }} as avg_order_value,
        {{ safe_divide('valid_units', 'valid_orders') }} as items_per_order,
        {{ safe_divide('abandoned_cart_sessions', 'sessions_with_cart') }} as pct_cart_abandonment,
        {{ safe_divide(
            'sum(refund_amount) over trailing_30_days',
            'sum(net_sales) over trailing_30_days'
        ) }} as pct_refund_30d

    from daily
    window trailing_30_days as (
        order by report_date range between interval 29 days preceding and current row
    )

),

trended as (

    select
        kpis.*,
        {{ kpi_trend_columns(headline_kpis) }}

    from kpis
    cross join targets

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(gmv as decimal(18, 2)) as gmv,
        cast(discount_amount as decimal(18, 2)) as discount_amount,
        cast(net_sales as decimal(18, 2)) as net_sales,
        cast(placed_orders as bigint) as placed_orders,
        cast(valid_orders as bigint) as valid_orders,
        cast(cancelled_orders as bigint) as cancelled_orders,
        cast(pct_cancelled as double) as pct_cancelled,
        cast(avg_order_value as double) as avg_order_value,
        cast(items_per_order as double) as items_per_order,
        cast(sessions_with_cart as bigint) as sessions_with_cart,
        cast(abandoned_cart_sessions as bigint) as abandoned_cart_sessions,
        cast(pct_cart_abandonment as double) as pct_cart_abandonment,
        cast(refund_amount as decimal(18, 2)) as refund_amount,
        cast(pct_refund_30d as double) as pct_refund_30d,
        cast(active_listings as bigint) as active_listings,
        cast(price_changes as bigint) as price_changes,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended
    where report_date >= {{ report_start_date() }}

)

select * from final
