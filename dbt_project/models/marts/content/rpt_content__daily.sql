{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'views': 'bigint',
    'assisted_orders': 'bigint',
    'avg_read_seconds': 'double',
    'items_published': 'bigint',
} -%}

{#- days read before the first recomputed day: the 7-day trends -#}
{%- set history_days = 7 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

content_items as (

    select * from {{ ref('dim_content_items') }}
    where published_date >= {{ report_read_from(history_days) }}

),

content_views as (

    select * from {{ ref('fct_content_views') }}
    where viewed_date >= {{ report_read_from(history_days) }}

),

assisted_orders as (

    select * from {{ ref('fct_content_assisted_orders') }}
    where ordered_date >= {{ report_read_from(history_days) }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

published_daily as (

    select
        published_date as report_date,
        count(*) as items_published

    from content_items
    group by published_date

),

views_daily as (

    select
        viewed_date as report_date,
        count(*) as views,  -- noqa: RF04
        sum(read_seconds) as read_seconds,
        sum(shares) as shares,  -- noqa: RF04
        sum(product_clicks) as product_clicks

    from content_views
    group by viewed_date

),

assisted_daily as (

    select
        ordered_date as report_date,
        count(*) filter (where is_valid) as assisted_orders,
        sum(net_sales) as assisted_net_sales

    from assisted_orders
    group by ordered_date

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'content', headline_kpis) }}

),

daily as (

    select
        dates.date_day as report_date,
        coalesce(published_daily.items_published, 0) as items_published,
        coalesce(views_daily.views, 0) as views,  -- noqa: RF04
        views_daily.read_seconds,
        coalesce(views_daily.shares, 0) as shares,  -- noqa: RF04
        coalesce(views_daily.product_clicks, 0) as product_clicks,
        coalesce(assisted_daily.assisted_orders, 0) as assisted_orders,
        coalesce(assisted_daily.assisted_net_sales, 0) as assisted_net_sales

    from dates
    left join published_daily
        on dates.date_day = published_daily.report_date
    left join views_daily
        on dates.date_day = views_daily.report_date
    left join assisted_daily
        on dates.date_day = assisted_daily.report_date

),

kpis as (

    select
        *,
        {{ safe_divide('read_seconds', 'views') }} as avg_read_seconds,
        {{ safe_divide('product_clicks', 'views') }} as product_clicks_per_view

    from daily

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
        cast(items_published as bigint) as items_published,
        cast(views as bigint) as views,  -- noqa: RF04
        cast(avg_read_seconds as double) as avg_read_seconds,
        cast(shares as bigint) as shares,  -- noqa: RF04
        cast(product_clicks as bigint) as product_clicks,
        cast(product_clicks_per_view as double) as product_clicks_per_view,
        cast(assisted_orders as bigint) as assisted_orders,
        cast(assisted_net_sales as decimal(18, 2)) as assisted_net_sales,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended
    where report_date >= {{ report_start_date() }}

)

select * from final
