{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'net_sales': 'decimal(18, 2)',
    'units_sold': 'bigint',
    'pct_returned': 'double',
    'avg_rating': 'double',
} -%}

{#- days read before the first recomputed day: 30-day windows, then 7-day trends -#}
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

order_lines as (

    select * from {{ ref('int_product_lines_discounted') }}
    where ordered_date >= {{ report_read_from(history_days) }}

),

returns as (

    select * from {{ ref('fct_returns') }}
    where received_date >= {{ report_read_from(history_days) }}

),

reviews as (

    select * from {{ ref('fct_reviews') }}
    where reviewed_date >= {{ report_read_from(history_days) }}

),

products as (

    select * from {{ ref('dim_products') }}

),

product_changes as (

    select * from {{ ref('fct_product_changes') }}

),

inventory as (

    select * from {{ ref('stg_supply__inventory_snapshots') }}
    where snapshot_date >= {{ report_read_from(history_days) }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

orders_daily as (

    select
        ordered_date as report_date,
        sum(net_sales) as net_sales,
        sum(units) filter (where is_valid) as units_sold

    from orders
    group by ordered_date

),

returns_daily as (

    select
        received_date as report_date,
        sum(quantity) as units_returned

    from returns
    group by received_date

),

reviews_daily as (

    select
        reviewed_date as report_date,
        avg(rating) as avg_rating,
        count(*) as review_count

    from reviews
    group by reviewed_date

),

active_products_daily as (

    select
        dates.date_day as report_date,
        count(product_changes.product_id) as active_products

    from dates
    inner join product_changes
        on
            dates.date_day >= product_changes.valid_from_date
            and dates.date_day < coalesce(product_changes.valid_to_date, date '9999-12-31')
    where product_changes.is_active
    group by dates.date_day

),

new_products as (

    select
        dates.date_day as report_date,
        products.product_id,
        products.launched_date

    from dates
    inner join products
        on products.launched_date between dates.date_day - 29 and dates.date_day

),

inventory_movements as (

    {# stock received: the stock a product opened with on its first snapshot (on hand before
       that day's movements, as launch stock has no receipt) plus every supplier receipt #}
    select
        product_id,
        snapshot_date,
        case
            when snapshot_date = min(snapshot_date) over (partition by product_id)
                then on_hand - units_received - units_returned + units_shipped
            else 0
        end + units_received as units_received_with_opening_stock

    from inventory

),

new_products_sold as (

    select
        new_products.report_date,
        count(distinct new_products.product_id) as new_products,
        sum(order_lines.quantity) as new_product_units_sold

    from new_products
    left join order_lines
        on
            new_products.product_id = order_lines.product_id
            and order_lines.is_valid_order
            and order_lines.ordered_date
            between new_products.launched_date and new_products.report_date
    group by new_products.report_date

),

new_products_received as (

    select
        new_products.report_date,
        sum(inventory_movements.units_received_with_opening_stock) as new_product_units_received

    from new_products
    inner join inventory_movements
        on
            new_products.product_id = inventory_movements.product_id
            and inventory_movements.snapshot_date
            between new_products.launched_date and new_products.report_date
    group by new_products.report_date

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'product', headline_kpis) }}

),

daily as (

    select
        dates.date_day as report_date,
        coalesce(orders_daily.net_sales, 0) as net_sales,
        coalesce(orders_daily.units_sold, 0) as units_sold,
        coalesce(returns_daily.units_returned, 0) as units_returned,
        reviews_daily.avg_rating,
        coalesce(reviews_daily.review_count, 0) as review_count,
        coalesce(active_products_daily.active_products, 0) as active_products,
        coalesce(new_products_sold.new_products, 0) as new_products,
        coalesce(new_products_sold.new_product_units_sold, 0) as new_product_units_sold,
        coalesce(new_products_received.new_product_units_received, 0)
            as new_product_units_received

    from dates
    left join orders_daily
        on dates.date_day = orders_daily.report_date
    left join returns_daily
        on dates.date_day = returns_daily.report_date
    left join reviews_daily
        on dates.date_day = reviews_daily.report_date
    left join active_products_daily
        on dates.date_day = active_products_daily.report_date
    left join new_products_sold
        on dates.date_day = new_products_sold.report_date
    left join new_products_received
        on dates.date_day = new_products_received.report_date

),

kpis as (

    select
        *,
        sum(units_sold) over trailing_30_days as units_sold_30d,
        sum(units_returned) over trailing_30_days as units_returned_30d,
        {{ if_delivered('returns', safe_divide(
            'sum(units_returned) over trailing_30_days',
            'sum(units_sold) over trailing_30_days'
        )) }} as pct_returned,
        {{ safe_divide('new_product_units_sold', 'new_product_units_received') }}
            as pct_new_product_sell_through

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
        cast(net_sales as decimal(18, 2)) as net_sales,
        cast(units_sold as bigint) as units_sold,
        cast(units_returned as bigint) as units_returned,
        cast(units_sold_30d as bigint) as units_sold_30d,
        cast(units_returned_30d as bigint) as units_returned_30d,
        cast(pct_returned as double) as pct_returned,
        cast(avg_rating as double) as avg_rating,
        cast(review_count as bigint) as review_count,
        cast(active_products as bigint) as active_products,
        cast(new_products as bigint) as new_products,
        cast(new_product_units_sold as bigint) as new_product_units_sold,
        cast(new_product_units_received as bigint) as new_product_units_received,
        cast(pct_new_product_sell_through as double) as pct_new_product_sell_through,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended
    where report_date >= {{ report_start_date() }}

)

select * from final
